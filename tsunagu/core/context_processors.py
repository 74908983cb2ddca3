"""Template context shared by every page: the actor's roles, the place they work and the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tsunagu.accounts.selectors import actor_assignments
from tsunagu.core.navigation import navigation_for
from tsunagu.core.scopes import assignment_school_id


def _place_names(assignments: list) -> list[str]:
    """Names of the schools (or the board) the actor's assignments lie in, for the page header.

    Most assignments carry their school already (``actor_assignments`` joins it); only schools
    reached through a homeroom or teaching group cost one query, for all of them together.
    """
    from tsunagu.org.models import School

    names: dict[int | str, str] = {}
    missing: list[int] = []
    for a in assignments:
        if a.school is not None:
            names.setdefault(a.school.pk, a.school.name)
        elif (school_id := assignment_school_id(a)) is not None:
            if school_id not in names:
                names[school_id] = ""
                missing.append(school_id)
        elif a.board is not None:
            names.setdefault(f"board-{a.board.pk}", a.board.name)
    if missing:
        names.update(School.objects.filter(pk__in=missing).values_list("pk", "name"))
    return [name for name in names.values() if name]


def shell(request: HttpRequest) -> dict[str, Any]:
    """Navigation entries the actor may use, their role assignments and workplaces, for the page shell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "shell_assignments": [], "shell_places": []}
    cached = getattr(request, "_tsunagu_shell", None)
    if cached is None:
        assignments = actor_assignments(user)
        cached = {
            "nav_items": navigation_for(request),
            "shell_assignments": assignments,
            "shell_places": _place_names(assignments),
        }
        request._tsunagu_shell = cached  # type: ignore[attr-defined]
    return cached
