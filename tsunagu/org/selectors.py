"""Reads of the organisation (schools, homerooms, teaching groups, staff), narrowed to the actor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tsunagu.org.models import Homeroom, School, SchoolYear, StaffMember, TeachingGroup


def school_year_on(day: dt.date) -> SchoolYear | None:
    """The 年度 containing ``day`` (school years are ward-wide and not personal data: no actor)."""
    return SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).first()


def homeroom_list_current(
    *, actor: Any, school: School | int | None = None, **filters: Any
) -> list[Homeroom]:
    """This year's homerooms ``actor`` may view (of ``school`` if given), in grade and class order."""
    day = timezone.localdate()
    homerooms = Homeroom.objects.visible_to(actor, "view").filter(
        school_year__start_date__lte=day, school_year__end_date__gte=day, **filters
    )
    if school is not None:
        homerooms = homerooms.filter(school=school)
    return list(
        homerooms.select_related("grade_level", "school").order_by(
            "school", "grade_level__order", "is_special_needs", "order"
        )
    )


def school_list(*, actor: Any, action: str = "view") -> list[School]:
    """Schools ``actor`` may ``action``, elementary before junior high, in school-code order."""
    return list(School.objects.visible_to(actor, action).order_by("kind", "mext_code"))


def staff_count(*, actor: Any, school: School) -> int:
    """Active staff of ``school`` that ``actor`` may view."""
    return StaffMember.objects.visible_to(actor, "view").filter(school=school, is_active=True).count()


def teaching_group_list(*, actor: Any, pks: list[int]) -> list[TeachingGroup]:
    """The teaching groups ``pks`` as ``actor`` may view them, with subject and the homerooms taught."""
    if not pks:
        return []
    return list(
        TeachingGroup.objects.visible_to(actor, "view")
        .filter(pk__in=pks)
        .select_related("subject", "grade_level", "school")
        .prefetch_related("homerooms__grade_level")
    )
