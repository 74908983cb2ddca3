"""Reads about users and their roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tsunagu.accounts.models import STAFF_ROLES, RoleAssignment


def actor_assignments(actor: Any, *, on: dt.date | None = None) -> list[RoleAssignment]:
    """The actor's role assignments active on ``on`` (today by default), cached on the actor.

    An anonymous or inactive user has none. The cache lives on the user object, which Django
    builds anew for every request, so a change of roles is seen by the next request.
    """
    if (
        actor is None
        or not getattr(actor, "is_authenticated", False)
        or not getattr(actor, "is_active", False)
    ):
        return []
    day = on or timezone.localdate()
    cache: dict[dt.date, list[RoleAssignment]] = actor.__dict__.setdefault("_tsunagu_assignments", {})
    if day not in cache:
        cache[day] = list(
            RoleAssignment.objects.filter(
                user_id=actor.pk,
                school_year__start_date__lte=day,
                school_year__end_date__gte=day,
            )
            .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=day))
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
            .select_related(
                "school_year",
                "school",
                "board",
                "grade_level",
                "homeroom__grade_level",
                "teaching_group__subject",
                "user",
            )
            .order_by("role", "id")
        )
    return cache[day]


def actor_roles(actor: Any) -> set[str]:
    """Role codes the actor holds today."""
    return {a.role for a in actor_assignments(actor)}


def is_staff_actor(actor: Any) -> bool:
    """True when the actor holds any staff role today, or is linked to a staff record or is a Django admin.

    Such users must use MFA (SECURITY.md §2).
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_staff or actor.is_superuser:
        return True
    if actor_roles(actor) & STAFF_ROLES:
        return True
    return hasattr(actor, "staff_member") and actor.staff_member is not None


def actor_assignments_this_year(actor: Any, *, on: dt.date | None = None) -> list[RoleAssignment]:
    """The actor's own role assignments in the school year containing ``on`` (today), ended ones too.

    For the "my account" page: it shows what the account holds this year, including a grant that
    starts later or has ended, with its dates.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    day = on or timezone.localdate()
    return list(
        RoleAssignment.objects.filter(
            user_id=actor.pk, school_year__start_date__lte=day, school_year__end_date__gte=day
        )
        .select_related(
            "school_year",
            "school",
            "board",
            "grade_level",
            "homeroom__grade_level",
            "homeroom__school",
            "teaching_group__school",
        )
        .order_by("role", "id")
    )


def assignment_scope_label(assignment: RoleAssignment) -> str:
    """Where an assignment applies, in words: 「さくら小学校 4年1組」, 「ひかり区教育委員会」 …"""
    from django.utils.translation import gettext as _

    a = assignment
    if a.homeroom is not None:
        return f"{a.homeroom.school} {a.homeroom.display_name}"
    if a.teaching_group is not None:
        return f"{a.teaching_group.school} {a.teaching_group.name}"
    if a.school_id and a.grade_level_id:
        return f"{a.school} {a.grade_level}"
    if a.school_id:
        return str(a.school)
    if a.board_id:
        return str(a.board)
    if a.student_id:
        return _("an individual pupil")
    if a.role == "student":
        return _("yourself")
    if a.role == "guardian":
        return _("your children")
    return _("the whole system")


def actor_mfa_status(actor: Any) -> dict[str, Any]:
    """The actor's second factors: TOTP on/off, number of security keys, recovery codes left."""
    from allauth.mfa.models import Authenticator

    status: dict[str, Any] = {"totp": False, "webauthn": 0, "recovery_unused": None, "recovery_total": None}
    for authenticator in Authenticator.objects.filter(user_id=actor.pk):
        if authenticator.type == Authenticator.Type.TOTP:
            status["totp"] = True
        elif authenticator.type == Authenticator.Type.WEBAUTHN:
            status["webauthn"] += 1
        elif authenticator.type == Authenticator.Type.RECOVERY_CODES:
            codes = authenticator.wrap()
            status["recovery_unused"] = len(codes.get_unused_codes())
            status["recovery_total"] = len(codes.generate_codes())
    status["enabled"] = status["totp"] or status["webauthn"] > 0
    return status
