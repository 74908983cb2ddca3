"""Reads of 指導要録 and 調査書. Every selector takes the ``actor`` and narrows with ``visible_to``.

The 様式1/様式2 content of a year is assembled here from the apps that own the data — students (学籍),
grades (観点, 評定, 所見, marks; contract C1 in ``tsunagu/grades/selectors.py``) and attendance
(:func:`tsunagu.attendance.selectors.attendance_summaries`, the legal formulas, never recomputed here) —
as one JSON-ready dict. The same dict is shown on the page, printed, and frozen at submission, so what the
principal signs is exactly what was shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.attendance.selectors import AttendanceSummary, attendance_summaries
from tsunagu.core.wareki import school_year_label, wareki
from tsunagu.org.models import Homeroom, School, SchoolYear, TeachingAssignment, Term
from tsunagu.records.models import (
    AdmissionWeighting,
    CumulativeRecord,
    EnrolmentSection,
    EnrolmentSectionVersion,
    GuidanceSection,
    GuidanceSectionVersion,
    SectionStatus,
    TranscriptForAdmission,
)
from tsunagu.records.rules import CORE_SUBJECTS, PRACTICAL_SUBJECTS, Weighting
from tsunagu.students.models import Enrolment, EnrolmentEvent, EventKind, GuardianLink, Student

VIEWPOINT_LABELS: list[tuple[str, str]] = [
    ("knowledge", "知識・技能"),
    ("thinking", "思考・判断・表現"),
    ("attitude", "主体的に学習に取り組む態度"),
]
BEHAVIOUR_LABELS: list[tuple[str, str]] = [
    ("basic_habits", "基本的な生活習慣"),
    ("health", "健康・体力の向上"),
    ("independence", "自主・自律"),
    ("responsibility", "責任感"),
    ("creativity", "創意工夫"),
    ("consideration", "思いやり・協力"),
    ("respect_for_life", "生命尊重・自然愛護"),
    ("service", "勤労・奉仕"),
    ("fairness", "公正・公平"),
    ("public_spirit", "公共心・公徳心"),
]
#: Subjects of 様式2 that are text, not 観点/評定 (they have their own boxes).
TEXT_SUBJECTS = {"MO", "FA", "IS", "SA", "JMO", "JIS", "JSA"}


def _date(day: dt.date | None) -> str:
    return wareki(day) if day else ""


def special_activity_labels(stage: str) -> list[tuple[str, str]]:
    """特別活動 of 様式2: クラブ活動 at elementary schools only; 児童会 / 生徒会 by stage."""
    if stage == "P":
        return [
            ("class", "学級活動"),
            ("council", "児童会活動"),
            ("club", "クラブ活動"),
            ("events", "学校行事"),
        ]
    return [("class", "学級活動"), ("council", "生徒会活動"), ("events", "学校行事")]


# --- grades (contract C1) -----------------------------------------------------------------------


def _grades_selector(name: str) -> Any:
    """A C1 selector of the grades app, or ``None`` while it has not landed (the boxes stay empty)."""
    from tsunagu.grades import selectors as grades

    return getattr(grades, name, None)


def last_term(school: School | int, school_year: SchoolYear | int) -> Term | None:
    """The school's last term of the year (the year-end marks are the last term's)."""
    return Term.objects.filter(school=school, school_year=school_year).order_by("-number").first()


@dataclass
class GradesOfYear:
    """What grades holds for a set of pupils in one year (empty where nothing was entered)."""

    results: dict[int, list[Any]] = field(default_factory=dict)
    narratives: dict[int, Any] = field(default_factory=dict)
    marks: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)


def grades_of_year(
    *, actor: Any, students: Sequence[Student], school: School, school_year: SchoolYear
) -> GradesOfYear:
    """The year-end 観点/評定, the year's narratives (総合所見, 道徳, 外国語活動, 総合) and the year-end ○
    marks of ``students`` through the grades app's selectors (C1)."""
    found = GradesOfYear()
    if not students:
        return found
    year_results = _grades_selector("year_results_for")
    if year_results is not None:
        found.results = year_results(actor=actor, students=students, school_year=school_year)
    narratives = _grades_selector("narratives_for")
    if narratives is not None:
        found.narratives = narratives(actor=actor, students=students, school_year=school_year, term=None)
    marks = _grades_selector("marks_for")
    term = last_term(school, school_year)
    if marks is not None and term is not None:
        found.marks = marks(actor=actor, students=students, term=term)
    return found


# --- 様式2 -----------------------------------------------------------------------------------------


def attendance_remark(summary: AttendanceSummary, note: str) -> str:
    """The 出欠 備考: the teacher's note, then 遅刻・早退 and 出席扱い as the register counted them."""
    parts = [note.strip()] if note.strip() else []
    if summary.days_late or summary.days_early_leave:
        parts.append(f"遅刻{summary.days_late}日・早退{summary.days_early_leave}日")
    if summary.days_deemed_present:
        places = "・".join(summary.deemed_present_places)
        parts.append(f"出席扱い{summary.days_deemed_present}日" + (f"（{places}）" if places else ""))
    return "。".join(parts)


def _subject_rows(results: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for result in results:
        if result.subject.code in TEXT_SUBJECTS:
            continue
        marks = {str(k).lower(): v for k, v in result.viewpoints.items()}
        rows.append(
            {
                "code": result.subject.code,
                "name": result.subject.name,
                "viewpoints": [[label, marks.get(key) or ""] for key, label in VIEWPOINT_LABELS],
                "rating": result.rating,
            }
        )
    return rows


def _year_enrolments(
    actor: Any, school: School, students: Iterable[int], school_year: SchoolYear
) -> dict[int, Enrolment]:
    """Each pupil's last enrolment at ``school`` in the year (its grade and class are the year's)."""
    found: dict[int, Enrolment] = {}
    rows = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(school=school, school_year=school_year, student_id__in=list(students))
        .select_related("grade_level", "homeroom__grade_level")
        .order_by("start_date", "id")
    )
    for e in rows:
        found[e.student_id] = e
    return found


def form2_contents(
    *, actor: Any, records: Sequence[CumulativeRecord], school_year: SchoolYear
) -> dict[int, dict[str, Any]]:
    """様式2 of ``school_year`` for each record (all of one school), live, keyed by record id.

    出欠の記録 is :func:`attendance_summaries` over the year at the record's school (a pupil who
    transferred in counts from the first day; 学級閉鎖 days are 出席停止・忌引等) — the same figures as the
    register. A fixed number of queries whatever the number of pupils.
    """
    if not records:
        return {}
    school = records[0].school
    students = [r.student for r in records]
    ids = [s.pk for s in students]
    enrolments = _year_enrolments(actor, school, ids, school_year)
    totals = attendance_summaries(
        actor=actor, school=school, start=school_year.start_date, end=school_year.end_date, student_ids=ids
    )
    grades = grades_of_year(actor=actor, students=students, school=school, school_year=school_year)
    notes = dict(
        GuidanceSection.objects.visible_to(actor, "view")
        .filter(record__in=[r.pk for r in records], school_year=school_year)
        .values_list("record_id", "attendance_note")
    )
    activities = special_activity_labels("P" if school.kind == "B1" else "J")
    contents: dict[int, dict[str, Any]] = {}
    for record in records:
        sid = record.student_id
        enrolment = enrolments.get(sid)
        summary = totals.get(sid, AttendanceSummary())
        narrative = grades.narratives.get(sid)
        behaviour, special = grades.marks.get(sid, ([], []))
        contents[record.pk] = {
            "school_year": school_year.year,
            "year_label": school_year_label(school_year.year),
            "grade": enrolment.grade_level.number if enrolment else None,
            "grade_code": enrolment.grade_level.code if enrolment else "",
            "class": enrolment.homeroom.display_name if enrolment and enrolment.homeroom else "",
            "roll_number": enrolment.roll_number if enrolment else None,
            "subjects": _subject_rows(grades.results.get(sid, [])),
            "moral": getattr(narrative, "moral", ""),
            "foreign_language": getattr(narrative, "foreign_language", ""),
            "integrated": {
                "activity": getattr(narrative, "integrated_activity", ""),
                "viewpoint": getattr(narrative, "integrated_viewpoint", ""),
                "evaluation": getattr(narrative, "integrated_evaluation", ""),
            },
            "special_activities": [[label, code in special] for code, label in activities],
            "behaviour": [[label, code in behaviour] for code, label in BEHAVIOUR_LABELS],
            "remark": getattr(narrative, "remark", ""),
            "attendance": {
                "days_instructional": summary.days_instructional,
                "days_excused": summary.days_excused,
                "days_required": summary.days_required,
                "days_absent": summary.days_absent,
                "days_present": summary.days_present,
                "note": attendance_remark(summary, notes.get(record.pk, "")),
            },
        }
    return contents


# --- 様式1 -----------------------------------------------------------------------------------------

#: 様式1 items filled from the enrolment events, by event kind.
EVENT_ITEMS = {
    EventKind.ENTRY: "entry",
    EventKind.ADMISSION: "admission",
    EventKind.TRANSFER_IN: "transfer_in",
    EventKind.TRANSFER_OUT: "transfer_out",
    EventKind.WITHDRAWAL: "withdrawal",
    EventKind.GRADUATION: "graduation",
}


def principal_names(school: School, years: Iterable[int]) -> dict[int, str]:
    """The principal of ``school`` in each school year (the staff member behind the year's principal role)."""
    names: dict[int, str] = {}
    grants = (
        RoleAssignment.objects.filter(role="principal", school=school, school_year__in=list(years))
        .select_related("user__staff_member")
        .order_by("school_year_id", "id")
    )
    for grant in grants:
        staff = getattr(grant.user, "staff_member", None)
        if staff is not None and grant.school_year_id not in names:
            names[grant.school_year_id] = staff.full_name
    return names


def _homeroom_teacher_names(actor: Any, homerooms: Iterable[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    assignments = (
        TeachingAssignment.objects.visible_to(actor, "view")
        .filter(kind="homeroom", homeroom__in=list(homerooms))
        .select_related("staff_member")
        .order_by("id")
    )
    for assignment in assignments:
        names.setdefault(assignment.homeroom_id, assignment.staff_member.full_name)
    return names


def form1_contents(
    *, actor: Any, records: Sequence[CumulativeRecord], school_year: SchoolYear
) -> dict[int, dict[str, Any]]:
    """様式1 as of the end of ``school_year`` for each record (all of one school), live, by record id."""
    if not records:
        return {}
    school = records[0].school
    ids = [r.student_id for r in records]
    by_student: dict[int, list[Enrolment]] = defaultdict(list)
    for e in (
        Enrolment.objects.visible_to(actor, "view")
        .filter(school=school, student_id__in=ids, school_year__year__lte=school_year.year)
        .select_related("school_year", "grade_level", "homeroom__grade_level")
        .order_by("start_date", "id")
    ):
        by_student[e.student_id].append(e)
    events: dict[int, dict[str, Any]] = defaultdict(dict)
    for ev in (
        EnrolmentEvent.objects.visible_to(actor, "view")
        .filter(student_id__in=ids, enrolment__school=school, date__lte=school_year.end_date)
        .select_related("enrolment__grade_level")
        .order_by("date", "id")
    ):
        item = EVENT_ITEMS.get(ev.kind)
        if item:
            events[ev.student_id][item] = {
                "date": _date(ev.date),
                "left_on": _date(ev.left_on),
                "grade": ev.enrolment.grade_level.name,
                "school": ev.other_school_name,
                "address": ev.other_school_address,
                "reason": ev.reason,
            }
    guardians: dict[int, GuardianLink] = {}
    for link in (
        GuardianLink.objects.visible_to(actor, "view")
        .filter(student_id__in=ids, has_custody=True)
        .select_related("guardian")
        .order_by("-is_primary_contact", "id")
    ):
        guardians.setdefault(link.student_id, link)
    may_address = set(
        Student.objects.visible_to(actor, "view_address").filter(pk__in=ids).values_list("pk", flat=True)
    )
    drafts = {
        s.record_id: s
        for s in EnrolmentSection.objects.visible_to(actor, "view").filter(
            record__in=[r.pk for r in records], school_year=school_year
        )
    }
    year_ids = {e.school_year_id for rows in by_student.values() for e in rows}
    principals = principal_names(school, year_ids)
    teachers = _homeroom_teacher_names(
        actor, {e.homeroom_id for rows in by_student.values() for e in rows if e.homeroom_id}
    )
    contents: dict[int, dict[str, Any]] = {}
    for record in records:
        pupil = record.student
        link = guardians.get(pupil.pk)
        address = pupil.address if pupil.pk in may_address else ""
        years: dict[int, dict[str, Any]] = {}
        for e in by_student.get(pupil.pk, []):
            years[e.school_year.year] = {
                "school_year": e.school_year.year,
                "year_label": school_year_label(e.school_year.year),
                "grade": e.grade_level.number,
                "class": e.homeroom.name if e.homeroom else "",
                "roll_number": e.roll_number,
                "principal": principals.get(e.school_year_id, ""),
                "homeroom_teacher": teachers.get(e.homeroom_id, "") if e.homeroom_id else "",
            }
        draft = drafts.get(record.pk)
        guardian: dict[str, str] = {"name": "", "kana": "", "address": ""}
        if link is not None:
            g = link.guardian
            same = bool(address) and g.address == pupil.address
            guardian = {
                "name": g.full_name,
                "kana": g.full_name_kana,
                "address": "児童生徒の欄に同じ" if same else (g.address if pupil.pk in may_address else ""),
            }
        contents[record.pk] = {
            "school_year": school_year.year,
            "pupil": {
                "name": pupil.full_name,
                "kana": pupil.full_name_kana,
                "sex": "男" if pupil.sex == "M" else "女" if pupil.sex == "F" else "",
                "birth_date": _date(pupil.birth_date),
                "address": address,
            },
            "guardian": guardian,
            "prior_history": draft.prior_history if draft else "",
            **{item: events[pupil.pk].get(item) for item in EVENT_ITEMS.values()},
            "next_destination": draft.next_destination if draft else "",
            "school": {"name": school.name, "address": school.address},
            "years": [years[y] for y in sorted(years)],
        }
    return contents


# --- pages ---------------------------------------------------------------------------------------


@dataclass
class YearView:
    """One school year of a record as a page shows it: the two sections, their content (the latest frozen
    version once submitted, else live) and their versions."""

    school_year: SchoolYear
    enrolment_section: EnrolmentSection
    guidance_section: GuidanceSection
    form1: dict[str, Any]
    form2: dict[str, Any]
    form1_versions: list[Any]
    form2_versions: list[Any]

    @property
    def status(self) -> str:
        return self.guidance_section.status

    @property
    def is_live(self) -> bool:
        return self.guidance_section.status == SectionStatus.DRAFT


def record_years(*, actor: Any, record: CumulativeRecord) -> list[YearView]:
    """Every school year of ``record`` (the years the pupil spent at the school), oldest first."""
    enrolment_sections = {
        s.school_year_id: s
        for s in EnrolmentSection.objects.visible_to(actor, "view")
        .filter(record=record)
        .select_related("school_year")
        .prefetch_related(
            Prefetch("versions", queryset=EnrolmentSectionVersion.objects.visible_to(actor, "view"))
        )
    }
    guidance_sections = {
        s.school_year_id: s
        for s in GuidanceSection.objects.visible_to(actor, "view")
        .filter(record=record)
        .select_related("school_year")
        .prefetch_related(
            Prefetch("versions", queryset=GuidanceSectionVersion.objects.visible_to(actor, "view"))
        )
    }
    views = []
    for year_id in sorted(guidance_sections, key=lambda y: guidance_sections[y].school_year.year):
        g = guidance_sections[year_id]
        e = enrolment_sections[year_id]
        year = g.school_year
        g_versions = sorted(g.versions.all(), key=lambda v: v.number)
        e_versions = sorted(e.versions.all(), key=lambda v: v.number)
        form2 = (
            g_versions[-1].content
            if g_versions
            else form2_contents(actor=actor, records=[record], school_year=year)[record.pk]
        )
        form1 = (
            e_versions[-1].content
            if e_versions
            else form1_contents(actor=actor, records=[record], school_year=year)[record.pk]
        )
        views.append(YearView(year, e, g, form1, form2, e_versions, g_versions))
    return views


@dataclass
class ClassRow:
    """A pupil of a class on the class page, with the record and this year's status."""

    enrolment: Enrolment
    record: CumulativeRecord
    status: str


def homeroom_rows(*, actor: Any, homeroom: Homeroom) -> list[ClassRow]:
    """Pupils who were in ``homeroom`` this year (those who left too: their year is finalised as well),
    with their record and the status of the year, in roll order. The records must exist
    (``services.records_open``)."""
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(homeroom=homeroom)
        .select_related("student", "grade_level")
        .order_by("roll_number", "student__family_name_kana", "id")
    )
    records = {
        r.student_id: r
        for r in CumulativeRecord.objects.visible_to(actor, "view").filter(
            school=homeroom.school_id, student_id__in=[e.student_id for e in enrolments]
        )
    }
    statuses = dict(
        GuidanceSection.objects.visible_to(actor, "view")
        .filter(record__in=[r.pk for r in records.values()], school_year=homeroom.school_year_id)
        .values_list("record_id", "status")
    )
    rows, seen = [], set()
    for e in enrolments:
        record = records.get(e.student_id)
        if record is None or e.student_id in seen:
            continue
        seen.add(e.student_id)
        record.student = e.student
        rows.append(ClassRow(e, record, statuses.get(record.pk, SectionStatus.DRAFT)))
    return rows


def homerooms_for(*, actor: Any) -> list[Homeroom]:
    """This year's and last year's classes whose records ``actor`` may open (newest year first)."""
    from django.utils import timezone

    today = timezone.localdate()
    return list(
        Homeroom.objects.visible_to(actor, "records")
        .filter(school_year__start_date__lte=today, school_year__end_date__gte=today - dt.timedelta(days=366))
        .select_related("school", "school_year", "grade_level")
        .order_by("-school_year__year", "school__name", "grade_level__order", "order")
    )


def submitted_count(*, actor: Any) -> int:
    """Years submitted and waiting for the actor's sign-off (the principal's queue)."""
    return GuidanceSection.objects.visible_to(actor, "sign").filter(status=SectionStatus.SUBMITTED).count()


# --- 調査書 --------------------------------------------------------------------------------------


def weighting_for(*, school: School, school_year: SchoolYear) -> Weighting:
    """The board's 調査書 weighting for the year, or Tokyo's (7:3 of 1000, second term) by default."""
    row = AdmissionWeighting.objects.filter(board=school.board_id, school_year=school_year).first()
    if row is None:
        return Weighting()
    return Weighting(
        exam_share=row.exam_share,
        transcript_share=row.transcript_share,
        total_points=row.total_points,
        term_number=row.term_number,
    )


def transcript_term(school: School, school_year: SchoolYear, number: int) -> Term | None:
    """The term whose 評定 the 調査書 uses (the weighting's number, else the last term there is)."""
    terms = list(Term.objects.filter(school=school, school_year=school_year).order_by("number"))
    chosen = [t for t in terms if t.number == number]
    return chosen[0] if chosen else (terms[-1] if terms else None)


@dataclass
class TranscriptRow:
    """One 中3 pupil's 調査書 figures."""

    enrolment: Enrolment
    transcript: TranscriptForAdmission | None
    ratings: dict[str, int | None]
    score: int | None
    error: str
    points: Any
    absences: list[tuple[str, int]]


def transcript_ratings(
    *, actor: Any, students: Sequence[Student], term: Term | None
) -> dict[int, dict[str, int | None]]:
    """The 9 subjects' 評定 of ``term`` (C1 ``results_for``) by pupil, by subject code (None: not set)."""
    codes = (*CORE_SUBJECTS, *PRACTICAL_SUBJECTS)
    ratings: dict[int, dict[str, int | None]] = {s.pk: dict.fromkeys(codes) for s in students}
    results_for = _grades_selector("results_for")
    if results_for is None or term is None or not students:
        return ratings
    for sid, results in results_for(actor=actor, students=students, term=term).items():
        for result in results:
            if result.subject.code in codes and sid in ratings:
                ratings[sid][result.subject.code] = result.rating
    return ratings


def transcript_rows(*, actor: Any, homeroom: Homeroom) -> tuple[list[TranscriptRow], Weighting, Term | None]:
    """The 中3 class's 調査書 list: each pupil's 9 評定, 換算内申 (or why it cannot be computed), 調査書点
    and 欠席日数 per year at this school (出席停止 days are not stated, as MEXT asks)."""
    from tsunagu.records.rules import TranscriptError, converted_rating_score, transcript_points

    year = homeroom.school_year
    school = homeroom.school
    weighting = weighting_for(school=school, school_year=year)
    term = transcript_term(school, year, weighting.term_number)
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(homeroom=homeroom, end_date__isnull=True)
        .select_related("student")
        .order_by("roll_number", "id")
    )
    students = [e.student for e in enrolments]
    ratings = transcript_ratings(actor=actor, students=students, term=term)
    transcripts = {
        t.student_id: t
        for t in TranscriptForAdmission.objects.visible_to(actor, "view").filter(
            student__in=students, school_year=year
        )
    }
    absences = absences_by_year(actor=actor, school=school, students=students, last_year=year)
    rows = []
    for e in enrolments:
        r = ratings[e.student_id]
        try:
            score: int | None = converted_rating_score(r)
            error = ""
        except TranscriptError as exc:
            score, error = None, exc.message
        rows.append(
            TranscriptRow(
                enrolment=e,
                transcript=transcripts.get(e.student_id),
                ratings=r,
                score=score,
                error=error,
                points=transcript_points(score, weighting) if score is not None else None,
                absences=absences.get(e.student_id, []),
            )
        )
    return rows, weighting, term


def absences_by_year(
    *, actor: Any, school: School, students: Sequence[Student], last_year: SchoolYear
) -> dict[int, list[tuple[str, int]]]:
    """欠席日数 of each pupil per school year at ``school`` up to ``last_year`` (three years at most)."""
    years = list(
        SchoolYear.objects.filter(year__lte=last_year.year, year__gt=last_year.year - 3).order_by("year")
    )
    ids = [s.pk for s in students]
    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for year in years:
        totals = attendance_summaries(
            actor=actor, school=school, start=year.start_date, end=year.end_date, student_ids=ids
        )
        for sid, summary in totals.items():
            found[sid].append((school_year_label(year.year), summary.days_absent))
    return dict(found)


def record_for_student(*, actor: Any, student: Student, school: School) -> CumulativeRecord | None:
    return (
        CumulativeRecord.objects.visible_to(actor, "view")
        .filter(Q(student=student) & Q(school=school))
        .select_related("student", "school")
        .first()
    )
