"""Reusable ``Q`` builders for policy rules: "pupils in this assignment's scope", seen from any model.

Rules in every app need the same sentence — *the pupils this role assignment covers* — seen from
different models (a pupil, an enrolment, a guardian link, later a nurse visit). ``pupil_scope``
writes it once, with ``via`` the path from the model to the pupil (``""`` for Student itself,
``"student__"`` for a model with a ``student`` foreign key).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from tsunagu.accounts.models import RoleAssignment

NOTHING = Q(pk__in=[])


def policy_today() -> dt.date:
    """The day every rule judges "has this enrolment begun / is it running" by (one place, so a test
    can move the rules' today without moving the clock)."""
    return timezone.localdate()


def assignment_school_id(a: RoleAssignment) -> int | None:
    """The school an assignment lies in, whatever its scope field."""
    if a.school_id:
        return a.school_id
    if a.homeroom is not None:
        return a.homeroom.school_id
    if a.teaching_group is not None:
        return a.teaching_group.school_id
    return None


def pupil_scope(a: RoleAssignment, via: str = "") -> Q:
    """Pupils covered by assignment ``a``, as a filter on a model that reaches Student by ``via``."""
    role = a.role
    # An enrolment counts for the school and the class only once it has begun: a school receiving a
    # transfer recorded in advance sees the pupil (and their records) from the transfer date.
    begun = {f"{via}enrolments__start_date__lte": policy_today()}
    if role in {"principal", "office", "nurse"} or (role == "counselor" and a.school_id):
        return Q(**{f"{via}enrolments__school": a.school_id}, **begun)
    if role == "homeroom_teacher":
        return Q(**{f"{via}enrolments__homeroom": a.homeroom_id}, **begun) | Q(
            **{f"{via}enrolments__exchange_homeroom": a.homeroom_id}, **begun
        )
    if role == "grade_head":
        return Q(
            **{
                f"{via}enrolments__school": a.school_id,
                f"{via}enrolments__school_year": a.school_year_id,
                f"{via}enrolments__grade_level": a.grade_level_id,
            }
        )
    if role == "subject_teacher":
        return Q(**{f"{via}teaching_group_memberships__teaching_group": a.teaching_group_id}) | Q(
            **{f"{via}enrolments__homeroom__teaching_groups": a.teaching_group_id}
        )
    if role in {"counselor", "board"} and a.student_id:
        return Q(**{f"{via}pk": a.student_id})
    if role == "guardian":
        return Q(
            **{
                f"{via}guardian_links__guardian__user": a.user_id,
                f"{via}guardian_links__has_custody": True,
                f"{via}guardian_links__contact_restricted": False,
            }
        )
    if role == "student":
        return Q(**{f"{via}user": a.user_id})
    return NOTHING
