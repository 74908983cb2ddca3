"""Access-matrix cases of the 通知表 pages (see tsunagu/core/tests/access_matrix.py).

The homeroom teacher (さくら小 4年1組) previews and submits their own class; the principal (さくら小)
reads, approves, sends back and releases every class of the school and edits its form; the outsider is a
homeroom teacher at かえで小 (their own class only). Guardians reach only released cards of their own
child; pupils, the subject teacher (no homeroom), nurse, office, board and helpdesk have no rule: 403.

The demo has approved and released 4年1組's 1st-term cards (``report_cards/demo.py``), so the POSTs on
that class are refused by the workflow (nothing to do) and redirect back. A print job of さくら小 and
one of かえで小 are created here when missing.
"""

from __future__ import annotations

from typing import Any

from tsunagu.accounts.models import User
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import REDIRECT, Case, Places, expect
from tsunagu.org.models import Homeroom, School, Term
from tsunagu.report_cards.models import BatchState, ReportCard, ReportCardBatch
from tsunagu.students.models import Student


def _class(pick: Any, term: int = 1) -> Any:
    return lambda p: {"homeroom_uuid": pick(p).uuid, "term": term}


def _pupil(room: Any, pupil: Any) -> Any:
    return lambda p: {"homeroom_uuid": room(p).uuid, "term": 1, "student_uuid": pupil(p).uuid}


def _card_of(student: Student, homeroom: Homeroom) -> ReportCard:
    with system_scope(reason="access matrix finds a released card"):
        return ReportCard.objects.get(student=student, card_set__homeroom=homeroom, card_set__term__number=1)


def _batch(school: School, principal: str = "principal") -> ReportCardBatch:
    """A finished print job of ``school`` (made here: the demo prints nothing)."""
    with system_scope(reason="access matrix makes a print job"):
        found = ReportCardBatch.objects.filter(school=school).first()
        if found is not None:
            return found
        term = Term.objects.get(
            school=school,
            school_year__start_date__lte=_today(),
            school_year__end_date__gte=_today(),
            number=1,
        )
        return ReportCardBatch.objects.create(
            school=school,
            term=term,
            requested_by=User.objects.get(username=principal),
            state=BatchState.DONE,
            done=1,
            total=1,
            output=b"%PDF-1.7\n%%EOF\n",
            output_name="test.pdf",
        )


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def own(p: Places) -> Homeroom:
    return p.homeroom


def other(p: Places) -> Homeroom:
    return p.other_homeroom


def kaede(p: Places) -> Homeroom:
    return p.outsider_homeroom


# who opens the class pages, by relationship (principal: school; teacher: own class; outsider: かえで小)
READ = {
    "own class": (own, {"principal": 200, "teacher": 200, "outsider": 404}),
    "other class": (other, {"principal": 200, "teacher": 404, "outsider": 404}),
    "other school": (kaede, {"principal": 404, "teacher": 404, "outsider": 200}),
}

CASES: list[Case] = [
    Case("report_cards:index", "any", expect(403, principal=200, teacher=200, outsider=200)),
    Case("report_cards:mine", "any", expect(403, principal=200, teacher=200, outsider=200, guardian=200)),
]
for label, (pick, table) in READ.items():
    CASES += [
        Case("report_cards:class_cards", label, expect(403, **table), _class(pick)),
        Case("report_cards:class_pdf", label, expect(403, **table), _class(pick)),
    ]
CASES += [
    Case(
        "report_cards:pupil_pdf",
        "own class, own child",
        expect(403, principal=200, teacher=200, outsider=404),
        _pupil(own, lambda p: p.own_child),
    ),
    Case(
        "report_cards:pupil_pdf",
        "own class, a pupil of another class",
        expect(403, principal=404, teacher=404, outsider=404),
        _pupil(own, lambda p: p.other_class_pupil),
    ),
    Case(
        "report_cards:pupil_pdf",
        "other school",
        expect(403, principal=404, teacher=404, outsider=200),
        _pupil(kaede, lambda p: p.other_school_pupil),
    ),
    # 提出: the teacher's own class (already released: refused by the workflow, redirected back)
    Case(
        "report_cards:submit", "own class", expect(403, teacher=REDIRECT, outsider=404), _class(own), "post"
    ),
    Case("report_cards:submit", "other class", expect(403, teacher=404, outsider=404), _class(other), "post"),
    Case(
        "report_cards:submit",
        "other school",
        expect(403, teacher=404, outsider=REDIRECT),
        _class(kaede),
        "post",
    ),
]
# 承認 / 差し戻し / 公開: the principal of the school only (the others hold no rule: 403)
for name in ("approve", "send_back", "release"):
    CASES += [
        Case(
            f"report_cards:{name}",
            "own class (released)",
            expect(403, principal=REDIRECT),
            _class(own),
            "post",
        ),
        Case(
            f"report_cards:{name}",
            "other class (nothing submitted)",
            expect(403, principal=404),
            _class(other),
            "post",
        ),
        Case(f"report_cards:{name}", "other school", expect(403, principal=404), _class(kaede), "post"),
    ]
CASES += [
    Case(
        "report_cards:card_pdf",
        "own child's released card",
        expect(403, principal=200, teacher=200, outsider=404, guardian=200),
        lambda p: {"card_uuid": _card_of(p.own_child, p.homeroom).uuid},
    ),
    Case(
        "report_cards:card_pdf",
        "a classmate's released card",
        expect(403, principal=200, teacher=200, outsider=404, guardian=404),
        lambda p: {"card_uuid": _card_of(p.classmate, p.homeroom).uuid},
    ),
]
for name in ("template_edit", "school_print"):
    CASES += [
        Case(
            f"report_cards:{name}",
            "own school",
            expect(403, principal=200),
            lambda p: {"school_uuid": p.school.uuid},
        ),
        Case(
            f"report_cards:{name}",
            "other school",
            expect(403, principal=404),
            lambda p: {"school_uuid": p.other_school.uuid},
        ),
    ]
for name in ("batch", "batch_progress", "batch_download"):
    CASES += [
        Case(
            f"report_cards:{name}",
            "own school",
            expect(403, principal=200),
            lambda p: {"batch_uuid": _batch(p.school).uuid},
        ),
        Case(
            f"report_cards:{name}",
            "other school",
            expect(403, principal=404),
            lambda p: {"batch_uuid": _batch(p.other_school, "outsider").uuid},
        ),
    ]
