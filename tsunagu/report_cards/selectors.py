"""Reads of the 通知表: the school's form, every pupil's printed values, the class's workflow, the
guardian's released cards.

A card's *content* is a JSON-ready dict of strings: the school's form (title, sections, wording) and
the pupil's values, read in bulk through the selectors of the apps that own them —
``grades.selectors.results_for`` / ``narratives_for`` / ``marks_for`` (contract C1) and
``attendance.selectors.attendance_summaries`` (the register's legal formulas, never recomputed here).
The same content is previewed, frozen on approval (with its SHA-256) and printed, so "what the
principal approved" and "what the family receives" cannot differ.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone

from tsunagu.attendance.selectors import AttendanceSummary, attendance_summaries
from tsunagu.core.wareki import wareki
from tsunagu.grades.selectors import marks_for, narratives_for, results_for
from tsunagu.org.models import (
    AssignmentKind,
    Homeroom,
    JobTitle,
    School,
    SchoolKind,
    StaffMember,
    Subject,
    TeachingAssignment,
    Term,
)
from tsunagu.org.reference import ELEMENTARY_SUBJECTS, JUNIOR_HIGH_SUBJECTS
from tsunagu.report_cards.models import (
    CardState,
    Paper,
    ReportCard,
    ReportCardBatch,
    ReportCardSet,
    ReportCardTemplate,
)
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.selectors import enrolled_on

#: The ten items of 行動の記録 as printed (grades.models.BehaviourItem codes → the official wording).
BEHAVIOUR_LABELS: dict[str, str] = {
    "basic_habits": "基本的な生活習慣",
    "health": "健康・体力の向上",
    "independence": "自主・自律",
    "responsibility": "責任感",
    "creativity": "創意工夫",
    "consideration": "思いやり・協力",
    "respect_for_life": "生命尊重・自然愛護",
    "service": "勤労・奉仕",
    "fairness": "公正・公平",
    "public_spirit": "公共心・公徳心",
}
#: 特別活動 as printed; クラブ活動 only at elementary schools, 児童会 / 生徒会 by school kind.
SPECIAL_LABELS: dict[str, dict[str, str]] = {
    "P": {
        "class": "学級活動",
        "council": "児童会活動",
        "club": "クラブ活動",
        "events": "学校行事",
    },
    "J": {"class": "学級活動", "council": "生徒会活動", "events": "学校行事"},
}
VIEWPOINT_KEYS = ("knowledge", "thinking", "attitude")


def _template_defaults(kind: str) -> dict[str, Any]:
    """The form a school of ``kind`` prints with until its principal edits it (SCHOOL_AFFAIRS.md §5)."""
    elementary = kind == SchoolKind.ELEMENTARY
    pupil = "児童" if elementary else "生徒"
    return {
        "title": "あゆみ" if elementary else "通知表",
        "heading_learning": "学習の記録",
        "heading_moral": "特別の教科 道徳",
        "heading_foreign_language": "外国語活動",
        "heading_integrated": "総合的な学習の時間",
        "heading_special_activities": "特別活動の記録",
        "heading_behaviour": "行動の記録",
        "heading_remarks": "所見",
        "heading_attendance": "出欠の記録",
        "heading_guardian": "家庭から",
        "label_knowledge": "知識・技能",
        "label_thinking": "思考・判断・表現",
        "label_attitude": "主体的に学習に取り組む態度",
        "label_excused": "出席停止・忌引等の日数",
        "note_to_families": (
            f"この通知表は、{pupil}の学校での学習や生活のようすをお知らせするものです。"
            "ご家庭でお子さんと一緒にご覧になり、がんばったことをほめてあげてください。"
            "観点別学習状況は A（十分満足できる）、B（おおむね満足できる）、C（努力を要する）で示しています。"
        ),
    }


def template_for(school: School) -> ReportCardTemplate:
    """The school's saved template, or an unsaved one with its kind's defaults (a school need not
    edit anything before its first cards). Templates hold no personal data: no actor."""
    found = ReportCardTemplate.objects.filter(school=school).first()
    if found is not None:
        return found
    return ReportCardTemplate(school=school, **_template_defaults(school.kind))


def template_defaults(school: School) -> dict[str, Any]:
    """The defaults of ``school``'s kind (for the form's "restore defaults")."""
    return _template_defaults(school.kind)


def terms_of(school: School | int, school_year: Any) -> list[Term]:
    """The school's terms of the year (2 or 3, as the school has set), in order."""
    return list(Term.objects.filter(school=school, school_year=school_year).order_by("number"))


def term_get(homeroom: Homeroom, number: int) -> Term | None:
    """Term ``number`` of the homeroom's school and year."""
    return Term.objects.filter(
        school=homeroom.school_id, school_year=homeroom.school_year_id, number=number
    ).first()


def reference_day(term: Term) -> dt.date:
    """The day a card describes: the term's last day, or today while the term runs (the register and
    the class as they stand). A term that has not begun is read as of its first day."""
    return max(term.start_date, min(term.end_date, timezone.localdate()))


# --- the content of the cards --------------------------------------------------------------------


def _form(template: ReportCardTemplate, school: School) -> dict[str, Any]:
    """The school's form as the Typst template reads it (wording and which sections show)."""
    t = template
    return {
        "title": t.title,
        "paper": t.paper,
        "school": school.name,
        "show": {
            "learning": t.show_learning,
            "ratings": t.show_ratings,
            "moral": t.show_moral,
            "foreign_language": t.show_foreign_language,
            "integrated": t.show_integrated,
            "special_activities": t.show_special_activities,
            "behaviour": t.show_behaviour,
            "remarks": t.show_remarks,
            "attendance": t.show_attendance,
            "names": t.show_names,
            "guardian_box": t.show_guardian_box,
            "yearly_last_term_only": t.yearly_texts_last_term_only,
        },
        "headings": {
            "learning": t.heading_learning,
            "moral": t.heading_moral,
            "foreign_language": t.heading_foreign_language,
            "integrated": t.heading_integrated,
            "special_activities": t.heading_special_activities,
            "behaviour": t.heading_behaviour,
            "remarks": t.heading_remarks,
            "attendance": t.heading_attendance,
            "guardian": t.heading_guardian,
        },
        "viewpoints": [t.label_knowledge, t.label_thinking, t.label_attitude],
        "excused_label": t.label_excused,
        "note": t.note_to_families,
    }


def _attendance(summary: AttendanceSummary | None) -> dict[str, str]:
    """The 通知表's 出欠 columns as printed, straight from the register's summary."""
    s = summary or AttendanceSummary()
    return {
        "instructional": str(s.days_instructional),
        "excused": str(s.days_excused),
        "required": str(s.days_required),
        "absent": str(s.days_absent),
        "present": str(s.days_present),
        "late": str(s.days_late),
        "early_leave": str(s.days_early_leave),
    }


def _attendance_note(summary: AttendanceSummary | None) -> str:
    """備考 of the term: 出席扱い days and their places (the register keeps them)."""
    if summary is None or not summary.days_deemed_present:
        return ""
    places = "、".join(summary.deemed_present_places)
    return f"出席扱い {summary.days_deemed_present}日" + (f"（{places}）" if places else "")


@dataclass(frozen=True)
class _Shared:
    """What every pupil of one school and term shares: the form, the subjects by grade, the names."""

    form: dict[str, Any]
    school: School
    term: Term
    last_term: bool
    subjects: dict[str, Subject]
    principal: str
    teachers: dict[int, str]


def _subjects_by_code() -> dict[str, Subject]:
    return {s.code: s for s in Subject.objects.all()}


def _rated_subjects(grade_level: Any, subjects: dict[str, Subject]) -> list[Subject]:
    """The subjects with 観点 of a grade (規則 別表: 生活 in 1st–2nd, 外国語 from 5th …), in form order."""
    codes = (
        JUNIOR_HIGH_SUBJECTS if grade_level.stage == "J" else ELEMENTARY_SUBJECTS.get(grade_level.number, [])
    )
    return [subjects[c] for c in codes if c in subjects and subjects[c].is_rated]


def _names(actor: Any, school: School, homerooms: Sequence[Homeroom]) -> tuple[str, dict[int, str]]:
    """The principal's name and each homeroom's teacher's name (two queries)."""
    principal = (
        StaffMember.objects.visible_to(actor, "view")
        .filter(school=school, job_title=JobTitle.PRINCIPAL, is_active=True)
        .order_by("pk")
        .first()
    )
    teachers: dict[int, str] = {}
    for a in (
        TeachingAssignment.objects.visible_to(actor, "view")
        .filter(kind=AssignmentKind.HOMEROOM, homeroom__in=[h.pk for h in homerooms])
        .select_related("staff_member")
        .order_by("pk")
    ):
        teachers.setdefault(a.homeroom_id, a.staff_member.full_name)
    return (principal.full_name if principal else ""), teachers


def _shared(actor: Any, school: School, term: Term, homerooms: Sequence[Homeroom]) -> _Shared:
    template = template_for(school)
    last = Term.objects.filter(school=school, school_year=term.school_year_id).aggregate(n=Max("number"))["n"]
    principal, teachers = _names(actor, school, homerooms)
    return _Shared(
        form=_form(template, school),
        school=school,
        term=term,
        last_term=term.number == last,
        subjects=_subjects_by_code(),
        principal=principal,
        teachers=teachers,
    )


def class_enrolments(*, actor: Any, homeroom: Homeroom, term: Term) -> list[Enrolment]:
    """The pupils who get a card of ``homeroom`` for ``term``: in the class on the card's day
    (``reference_day``), in roll-number order. One query."""
    return _enrolments(actor, term, homeroom=homeroom)


def school_enrolments(*, actor: Any, school: School, term: Term) -> list[Enrolment]:
    """Every pupil of ``school`` who gets a card for ``term`` (in a class on the card's day), in grade,
    class and roll-number order. One query."""
    return _enrolments(actor, term, school=school)


def admin_schools(*, actor: Any) -> list[School]:
    """Schools whose 通知表 the actor administers (the principal's own)."""
    return list(School.objects.visible_to(actor, "report_card_admin").order_by("kind", "mext_code"))


def _enrolments(actor: Any, term: Term, **where: Any) -> list[Enrolment]:
    return list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(reference_day(term)), homeroom__isnull=False, **where)
        .select_related("student", "homeroom__grade_level", "grade_level")
        .order_by(
            "homeroom__grade_level__order", "homeroom__order", "roll_number", "student__family_name_kana"
        )
    )


def _viewpoint(values: dict[str, Any], key: str) -> str:
    """A 観点 grade from a result's dict, whatever case its keys come in."""
    value = values.get(key)
    if value is None:
        value = values.get(key.upper())
    return str(value) if value else ""


def cards_content(*, actor: Any, term: Term, enrolments: Sequence[Enrolment]) -> dict[int, dict[str, Any]]:
    """The content of every pupil's card (keyed by ``Student.pk``), all of one school and term.

    A fixed number of queries whatever the number of pupils: the grades selectors and the register's
    summaries are each asked once for all of them.
    """
    if not enrolments:
        return {}
    school = term.school
    homerooms = list({e.homeroom_id: e.homeroom for e in enrolments if e.homeroom is not None}.values())
    shared = _shared(actor, school, term, homerooms)
    students: list[Student] = [e.student for e in enrolments]
    ids = [s.pk for s in students]
    year = term.school_year
    day = reference_day(term)
    results = results_for(actor=actor, students=students, term=term)
    narratives = narratives_for(actor=actor, students=students, school_year=year, term=term)
    marks = marks_for(actor=actor, students=students, term=term)
    in_term = attendance_summaries(
        actor=actor, school=school, start=term.start_date, end=day, student_ids=ids
    )
    to_date = attendance_summaries(
        actor=actor, school=school, start=year.start_date, end=day, student_ids=ids
    )
    out: dict[int, dict[str, Any]] = {}
    for enrolment in enrolments:
        out[enrolment.student_id] = _card(
            shared,
            enrolment,
            results.get(enrolment.student_id, []),
            narratives.get(enrolment.student_id),
            marks.get(enrolment.student_id, ([], [])),
            in_term.get(enrolment.student_id),
            to_date.get(enrolment.student_id),
        )
    return out


def _card(
    shared: _Shared,
    enrolment: Enrolment,
    results: Sequence[Any],
    narrative: Any,
    marks: tuple[list[str], list[str]],
    in_term: AttendanceSummary | None,
    to_date: AttendanceSummary | None,
) -> dict[str, Any]:
    """One pupil's card: the form plus the pupil's printed values, every value a string."""
    student = enrolment.student
    homeroom = enrolment.homeroom
    level = homeroom.grade_level if homeroom else enrolment.grade_level
    elementary = level.stage == "P"
    rated = not (elementary and level.number <= 2)
    by_subject = {r.subject.pk: r for r in results}
    subjects = []
    for subject in _rated_subjects(level, shared.subjects):
        result = by_subject.get(subject.pk)
        values = dict(result.viewpoints) if result is not None else {}
        rating = result.rating if result is not None else None
        subjects.append(
            {
                "name": subject.name,
                "viewpoints": [_viewpoint(values, key) for key in VIEWPOINT_KEYS],
                "rating": str(rating) if (rated and rating is not None) else "",
            }
        )
    behaviour, special = marks
    special_labels = SPECIAL_LABELS[level.stage]
    yearly_texts = shared.last_term or not shared.form["show"].get("yearly_last_term_only", False)
    n = narrative
    foreign_language = elementary and level.number in (3, 4)
    integrated = not (elementary and level.number <= 2)
    year_label = shared.term.school_year.label
    return {
        "form": shared.form,
        "pupil": {
            "name": student.full_name,
            "kana": student.full_name_kana,
            "number": str(enrolment.roll_number or ""),
        },
        "year": year_label,
        "grade": f"第{level.number}学年",
        "homeroom": homeroom.display_name if homeroom else "",
        "term": shared.term.name,
        "term_number": shared.term.number,
        "issued": wareki(shared.term.end_date),
        "principal": shared.principal,
        "teacher": shared.teachers.get(homeroom.pk, "") if homeroom else "",
        "rated": rated,
        "rating_scale": ("1〜3" if elementary else "1〜5") if rated else "",
        "subjects": subjects,
        "moral": (n.moral if n else "") if yearly_texts else "",
        "foreign_language": (n.foreign_language if n else "") if (foreign_language and yearly_texts) else "",
        "has_foreign_language": foreign_language,
        "yearly_texts": yearly_texts,
        "has_integrated": integrated,
        "integrated": {
            "activity": n.integrated_activity if n else "",
            "viewpoint": n.integrated_viewpoint if n else "",
            "evaluation": n.integrated_evaluation if n else "",
        },
        "remark": n.remark if n else "",
        "behaviour": [
            {"label": label, "mark": "○" if code in behaviour else ""}
            for code, label in BEHAVIOUR_LABELS.items()
        ],
        "special": [
            {"label": label, "mark": "○" if code in special else ""} for code, label in special_labels.items()
        ],
        "attendance": {"term": _attendance(in_term), "year": _attendance(to_date)},
        "attendance_note": _attendance_note(in_term),
    }


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of a card's content in a canonical JSON form (key order and spacing fixed)."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the class page ------------------------------------------------------------------------------


@dataclass
class PupilRow:
    """A pupil on the class page: the card as it would print today and the approved one, if any."""

    enrolment: Enrolment
    live_hash: str
    card: ReportCard | None

    @property
    def student(self) -> Student:
        return self.enrolment.student

    @property
    def changed(self) -> bool:
        """Approved, and the data has changed since (grades, 所見, register or wording)."""
        return self.card is not None and self.card.content_hash != self.live_hash


@dataclass
class ClassCards:
    """The class page: the workflow row (None before the first 提出) and a row per pupil."""

    homeroom: Homeroom
    term: Term
    card_set: ReportCardSet | None
    rows: list[PupilRow] = field(default_factory=list)
    removed: list[ReportCard] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.card_set.state if self.card_set else CardState.DRAFT

    @property
    def changed(self) -> list[PupilRow]:
        return [r for r in self.rows if r.changed]

    @property
    def frozen(self) -> bool:
        return self.state in (CardState.APPROVED, CardState.RELEASED)

    @property
    def outdated(self) -> int:
        """Approved cards that no longer match, plus pupils who joined or left the class since."""
        if not self.frozen:
            return 0
        return len(self.changed) + len(self.removed) + sum(1 for r in self.rows if r.card is None)

    @property
    def needs_approval(self) -> bool:
        """Approved cards that no longer match the data, or pupils without a frozen card."""
        return self.frozen and (
            bool(self.changed) or bool(self.removed) or any(r.card is None for r in self.rows)
        )


def card_set_get(*, actor: Any, homeroom: Homeroom, term: Term) -> ReportCardSet | None:
    """The workflow row of the class and term, if the teacher has submitted at least once."""
    return ReportCardSet.objects.visible_to(actor, "view").filter(homeroom=homeroom, term=term).first()


def class_cards_get(*, actor: Any, homeroom: Homeroom, term: Term) -> ClassCards:
    """The class page: every pupil's card as it stands and, once approved, whether it has changed."""
    card_set = card_set_get(actor=actor, homeroom=homeroom, term=term)
    enrolments = class_enrolments(actor=actor, homeroom=homeroom, term=term)
    contents = cards_content(actor=actor, term=term, enrolments=enrolments)
    cards: dict[int, ReportCard] = {}
    if card_set is not None:
        cards = {
            c.student_id: c for c in ReportCard.objects.visible_to(actor, "view").filter(card_set=card_set)
        }
    rows = [
        PupilRow(
            enrolment=e, live_hash=content_hash(contents[e.student_id]), card=cards.pop(e.student_id, None)
        )
        for e in enrolments
    ]
    return ClassCards(
        homeroom=homeroom, term=term, card_set=card_set, rows=rows, removed=list(cards.values())
    )


@dataclass
class ClassLink:
    """A class and term on the index page with where its cards stand."""

    homeroom: Homeroom
    terms: list[tuple[Term, str]]


def class_links(*, actor: Any) -> list[ClassLink]:
    """This year's classes the actor may open, each with its terms and their state. Three queries."""
    rooms = viewable_homerooms(actor=actor)
    if not rooms:
        return []
    states = {
        (s.homeroom_id, s.term_id): s.state
        for s in ReportCardSet.objects.visible_to(actor, "view").filter(homeroom__in=[r.pk for r in rooms])
    }
    terms: dict[tuple[int, int], list[Term]] = defaultdict(list)
    for t in Term.objects.filter(
        school__in={r.school_id for r in rooms}, school_year__in={r.school_year_id for r in rooms}
    ).order_by("number"):
        terms[(t.school_id, t.school_year_id)].append(t)
    return [
        ClassLink(
            homeroom=r,
            terms=[
                (t, states.get((r.pk, t.pk), CardState.DRAFT)) for t in terms[(r.school_id, r.school_year_id)]
            ],
        )
        for r in rooms
    ]


def viewable_homerooms(*, actor: Any) -> list[Homeroom]:
    """This year's homerooms whose cards the actor may open (one query)."""
    day = timezone.localdate()
    return list(
        Homeroom.objects.visible_to(actor, "view_report_cards")
        .filter(school_year__start_date__lte=day, school_year__end_date__gte=day)
        .select_related("grade_level", "school", "school_year")
        .order_by("school", "grade_level__order", "is_special_needs", "order")
    )


def school_overview(*, actor: Any, school: School, term: Term) -> list[tuple[Homeroom, str]]:
    """The school's classes and where their cards of ``term`` stand (for the principal). Two queries."""
    rooms = list(
        Homeroom.objects.visible_to(actor, "view_report_cards")
        .filter(school=school, school_year=term.school_year_id)
        .select_related("grade_level")
        .order_by("grade_level__order", "is_special_needs", "order")
    )
    states = {
        s.homeroom_id: s.state
        for s in ReportCardSet.objects.visible_to(actor, "view").filter(term=term, homeroom__school=school)
    }
    return [(r, states.get(r.pk, CardState.DRAFT)) for r in rooms]


# --- families ------------------------------------------------------------------------------------


def released_cards(*, actor: Any) -> list[ReportCard]:
    """The released cards of the actor's own children (as a guardian), newest term first. One query
    (plus the children's)."""
    from tsunagu.students.selectors import guardian_children_list

    children = [child.pk for child, _ in guardian_children_list(actor=actor)]
    if not children:
        return []
    return list(
        ReportCard.objects.visible_to(actor, "view")
        .filter(student__in=children, card_set__state=CardState.RELEASED)
        .select_related("student", "card_set__term__school_year", "card_set__homeroom__grade_level")
        .order_by("-card_set__term__school_year__year", "student__pk", "-card_set__term__number")
    )


# --- print jobs ----------------------------------------------------------------------------------


def batches_of(*, actor: Any, school: School, limit: int = 10) -> list[ReportCardBatch]:
    """The school's latest print jobs (without their output bytes)."""
    return list(
        ReportCardBatch.objects.visible_to(actor, "view")
        .filter(school=school)
        .defer("output")
        .select_related("term")
        .order_by("-created_at")[:limit]
    )


def paper_of(content: dict[str, Any]) -> str:
    """The paper a card is printed on."""
    return str(content.get("form", {}).get("paper", Paper.A4_PORTRAIT))


def sets_needing_action(*, actor: Any, assignments: Sequence[Any]) -> list[ReportCardSet]:
    """For the home page: this year's classes waiting for the actor — submitted ones for the principal,
    sent-back ones for their homeroom teacher. One query."""
    from django.db.models import Q

    day = timezone.localdate()
    wanted = Q(pk__in=[])
    if any(a.role == "principal" for a in assignments):
        wanted |= Q(
            state=CardState.SUBMITTED,
            homeroom__school__in=[a.school_id for a in assignments if a.role == "principal"],
        )
    own = [a.homeroom_id for a in assignments if a.role == "homeroom_teacher" and a.homeroom_id]
    if own:
        wanted |= Q(state=CardState.RETURNED, homeroom__in=own)
    return list(
        ReportCardSet.objects.visible_to(actor, "view")
        .filter(wanted, term__school_year__start_date__lte=day, term__school_year__end_date__gte=day)
        .select_related("homeroom__grade_level", "term")
        .order_by("homeroom__grade_level__order", "homeroom__order", "term__number")[:12]
    )
