"""Reusable ``Q`` builders for policy rules: "pupils in this assignment's scope", seen from any model.

Rules in every app need the same sentence — *the pupils this role assignment covers* — seen from
different models (a pupil, an enrolment, a guardian link, later a nurse visit). ``pupil_scope``
writes it once, with ``via`` the path from the model to the pupil (``""`` for Student itself,
``"student__"`` for a model with a ``student`` foreign key).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import apps
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


def pupils_with(model: str, condition: Q, via: str = "") -> Q:
    """Pupils with a row of ``students.<model>`` matching ``condition``, seen from a model that reaches
    Student by ``via``: a sub-select of student ids. Every condition stays on one related row (as a
    join inside one ``filter()`` would), and the rule adds no join over a many-valued relation, so
    :meth:`PolicyRegistry.narrow` can filter the table directly instead of sub-selecting its keys —
    which on a school-wide scope meant listing every row of the school first (karte, class board)."""
    rows = apps.get_model("students", model)._base_manager.filter(condition)
    return Q(**{f"{via}pk__in": rows.values("student_id")})


def pupil_scope(a: RoleAssignment, via: str = "") -> Q:
    """Pupils covered by assignment ``a``, as a filter on a model that reaches Student by ``via``.

    Remembered on the assignment (which lives for one request, :func:`actor_assignments`) for its
    scope fields, ``via`` and the rules' today: a karte narrows a dozen models by the same scope, and
    building its sub-select each time was a tenth of the page's policy work. The ``Q`` is never
    changed after (``|``/``&`` make new ones) and every query using it copies the sub-select."""
    key = (
        via,
        policy_today(),
        a.role,
        a.school_id,
        a.school_year_id,
        a.grade_level_id,
        a.homeroom_id,
        a.teaching_group_id,
        a.student_id,
        a.user_id,
    )
    cache: dict[tuple[object, ...], Q] = a.__dict__.setdefault("_tsunagu_pupil_scope", {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = _pupil_scope(a, via)
    return found


def _pupil_scope(a: RoleAssignment, via: str) -> Q:
    role = a.role
    # An enrolment counts for the school and the class only once it has begun: a school receiving a
    # transfer recorded in advance sees the pupil (and their records) from the transfer date.
    begun = Q(start_date__lte=policy_today())
    if role in {"principal", "office", "nurse"} or (role == "counselor" and a.school_id):
        return pupils_with("Enrolment", Q(school=a.school_id) & begun, via)
    if role == "homeroom_teacher":
        in_room = Q(homeroom=a.homeroom_id) | Q(exchange_homeroom=a.homeroom_id)
        return pupils_with("Enrolment", in_room & begun, via)
    if role == "grade_head":
        return pupils_with(
            "Enrolment",
            Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id),
            via,
        )
    if role == "subject_teacher":
        return pupils_with("TeachingGroupMembership", Q(teaching_group=a.teaching_group_id), via) | (
            pupils_with("Enrolment", Q(homeroom__teaching_groups=a.teaching_group_id), via)
        )
    if role in {"counselor", "board"} and a.student_id:
        return Q(**{f"{via}pk": a.student_id})
    if role == "guardian":
        return pupils_with(
            "GuardianLink",
            Q(guardian__user=a.user_id, has_custody=True, contact_restricted=False),
            via,
        )
    if role == "student":
        return Q(**{f"{via}user": a.user_id})
    return NOTHING
