"""Reads of 学校感染症. Every selector takes the ``actor`` and narrows with ``visible_to``."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from tsunagu.attendance.models import AbsenceReport, ReportKind, ReportStatus, Symptom
from tsunagu.infection.diseases import DISEASES, DISEASES_BY_CODE
from tsunagu.infection.models import ClosureProposal, InfectionStatus, SchoolInfection, SuspensionDay
from tsunagu.infection.services import class_absences
from tsunagu.org.models import School
from tsunagu.students.models import Enrolment
from tsunagu.students.selectors import enrolled_on, search_filter

#: At most this many pupils are listed by a search.
SEARCH_LIMIT = 30


def pupil_search(*, actor: Any, school: School, query: str, day: dt.date) -> list[Enrolment]:
    """Pupils of ``school`` on ``day`` whose name or kana contains ``query`` (or a class like 4年1組's
    pupils when the query names no one), at most :data:`SEARCH_LIMIT`."""
    if not query.strip():
        return []
    return list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), school=school)
        .filter(search_filter(query, "student__"))
        .select_related("student", "homeroom", "grade_level")
        .order_by("grade_level__order", "homeroom__order", "roll_number")[:SEARCH_LIMIT]
    )


def current_suspensions(*, actor: Any, school: School, day: dt.date) -> list[SchoolInfection]:
    """出席停止 at ``school`` that is running on ``day`` or starts later, and proposals not yet confirmed:
    who, class, disease, until when. Provisional periods first (they need a date)."""
    rows = (
        SchoolInfection.objects.visible_to(actor, "view")
        .filter(school=school)
        .filter(
            Q(status=InfectionStatus.PROPOSED)
            | Q(status=InfectionStatus.CONFIRMED, last_day__gte=day)
            | Q(status=InfectionStatus.CONFIRMED, provisional=True)
        )
        .select_related("student", "homeroom", "homeroom__grade_level")
    )
    return sorted(
        rows, key=lambda i: (not i.provisional, i.status != InfectionStatus.PROPOSED, i.last_day or day)
    )


def infection_detail(*, actor: Any, infection: SchoolInfection) -> list[dt.date]:
    """The register days this diagnosis has written as 出席停止."""
    return list(
        SuspensionDay.objects.visible_to(actor, "view")
        .filter(infection=infection)
        .values_list("date", flat=True)
        .order_by("date")
    )


def proposal_list(*, actor: Any, school: School) -> list[ClosureProposal]:
    """The school's 学級閉鎖 proposals, open ones first, newest first."""
    rows = (
        ClosureProposal.objects.visible_to(actor, "view")
        .filter(school=school)
        .select_related("homeroom", "homeroom__grade_level", "closure", "decided_by")
    )
    return sorted(rows, key=lambda p: (p.status != "open", -p.date.toordinal(), p.homeroom.grade_level.order))


@dataclass
class WardRow:
    """One school on the board's view: pupils under 出席停止 on the day, by disease, and open proposals."""

    school: School
    by_disease: list[int]
    total: int
    proposals: int


def ward_counts(*, actor: Any, schools: list[School], day: dt.date) -> tuple[list[WardRow], list[str]]:
    """Pupils under 出席停止 on ``day`` per school and disease, for the board: counts only, no names
    (the ``count`` action grants no rows). Small numbers are shown: the board needs infection counts
    (HEALTH.md §5). Returns the rows and the diseases that occur, in the order of the law."""
    running = (
        SchoolInfection.objects.visible_to(actor, "count")
        .filter(school__in=schools, status=InfectionStatus.CONFIRMED, first_day__lte=day, last_day__gte=day)
        .values_list("school_id", "disease")
    )
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for school_id, disease in running:
        counts[school_id][disease] += 1
    proposals = Counter(
        ClosureProposal.objects.visible_to(actor, "count")
        .filter(school__in=schools, date=day, status="open")
        .values_list("school_id", flat=True)
    )
    seen = {d for c in counts.values() for d in c}
    diseases = [d.code for d in DISEASES if d.code in seen]
    rows = [
        WardRow(
            school=s,
            by_disease=[counts[s.pk].get(code, 0) for code in diseases],
            total=sum(counts[s.pk].values()),
            proposals=proposals.get(s.pk, 0),
        )
        for s in schools
    ]
    return rows, [DISEASES_BY_CODE[c].name for c in diseases]


#: The columns of the daily report (docs/imports/infection-report.md).
REPORT_COLUMNS = ["学校コード", "学校名", "日付", "学年", "学級", "在籍者数", "区分", "疾病名・症状", "人数"]
SYMPTOM_NAMES: dict[str, str] = {
    Symptom.FEVER: "発熱",
    Symptom.COUGH: "咳",
    Symptom.SORE_THROAT: "咽頭痛",
    Symptom.HEADACHE: "頭痛",
    Symptom.STOMACH_ACHE: "腹痛",
    Symptom.NAUSEA: "嘔吐・吐き気",
    Symptom.DIARRHOEA: "下痢",
    Symptom.RASH: "発しん",
    Symptom.OTHER: "その他",
}


def daily_report_rows(*, actor: Any, school: School, day: dt.date) -> list[list[str]]:
    """The day's rows for the 学校等欠席者・感染症情報システム, one per class and category:
    出席停止 by disease, 欠席 (illness) by symptom (from guardians' reports; none reported: 症状不明),
    and 学級閉鎖. Counts only, no names."""
    classes = class_absences(actor=actor, school=school, day=day)
    diseases: dict[int, str] = {
        i.student_id: i.disease_name
        for i in SchoolInfection.objects.visible_to(actor, "view").filter(
            school=school, status=InfectionStatus.CONFIRMED, first_day__lte=day, last_day__gte=day
        )
    }
    symptoms: dict[int, list[str]] = {
        r.student_id: list(r.symptoms or [])
        for r in AbsenceReport.objects.visible_to(actor, "view")
        .filter(school=school, date=day, kind=ReportKind.ABSENCE)
        .exclude(status=ReportStatus.WITHDRAWN)
    }
    rows: list[list[str]] = []
    for c in classes:
        room = c.homeroom
        head = [
            school.mext_code,
            school.name,
            day.isoformat(),
            str(room.grade_level.number),
            room.name,
            str(c.enrolled),
        ]
        if c.closed:
            rows.append([*head, "学級閉鎖", "", str(c.enrolled)])
            continue
        by_disease = Counter(diseases.get(s, "感染症（病名未登録）") for s in c.suspended)
        for name, n in sorted(by_disease.items()):
            rows.append([*head, "出席停止", name, str(n)])
        by_symptom: Counter[str] = Counter()
        for s in c.illness:
            ticked = symptoms.get(s) or []
            if not ticked:
                by_symptom["症状不明"] += 1
            for code in ticked:
                by_symptom[SYMPTOM_NAMES.get(code, "その他")] += 1
        if c.illness:
            rows.append([*head, "欠席", "計", str(len(c.illness))])
        for name, n in sorted(by_symptom.items()):
            rows.append([*head, "欠席（症状別）", name, str(n)])
    return rows
