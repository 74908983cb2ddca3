"""The role-aware home page ("/"): what each actor needs first, one section per kind of role.

A user with several roles (a teacher who is also a guardian) sees each of their sections in turn.
Sections only read through selectors, which narrow every query to the actor; a section for a
feature that does not exist yet says so plainly instead of showing an empty shell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tsunagu.accounts.models import Role, RoleAssignment
from tsunagu.accounts.selectors import actor_assignments
from tsunagu.core.apphooks import app_hooks
from tsunagu.core.wareki import school_year_of


@dataclass
class Section:
    """One block of the home page: a template under ``core/home/`` and its context."""

    template: str
    context: dict[str, Any]


SectionBuilder = Callable[[Any, list[RoleAssignment]], list[Section]]


def _homeroom_cards(actor: Any, homerooms: list) -> list[dict[str, Any]]:
    from tsunagu.students.selectors import homeroom_pupil_counts

    counts = homeroom_pupil_counts(actor=actor, homerooms=homerooms)
    return [{"homeroom": h, "count": counts.get(h.pk, 0)} for h in homerooms]


def teacher_sections(actor: Any, assignments: list[RoleAssignment]) -> list[Section]:
    """「今日」 for teachers: their homerooms with pupil counts, and their teaching groups."""
    from tsunagu.org.selectors import homeroom_list_current, teaching_group_list

    own = [a.homeroom_id for a in assignments if a.role == "homeroom_teacher" and a.homeroom_id]
    homerooms = homeroom_list_current(actor=actor, pk__in=own) if own else []
    for a in assignments:
        if a.role == "grade_head":
            seen = {h.pk for h in homerooms}
            grade = homeroom_list_current(actor=actor, school=a.school_id, grade_level=a.grade_level_id)
            homerooms += [h for h in grade if h.pk not in seen]
    groups = teaching_group_list(
        actor=actor,
        pks=[a.teaching_group_id for a in assignments if a.role == "subject_teacher" and a.teaching_group_id],
    )
    roles = {a.role for a in assignments}
    return [
        Section(
            "core/home/teacher.html",
            {
                # A subject teacher without a class of their own is not told so on every visit.
                "show_homerooms": bool(roles & {"homeroom_teacher", "grade_head"}),
                "homeroom_cards": _homeroom_cards(actor, homerooms),
                "teaching_groups": groups,
            },
        )
    ]


def school_sections(actor: Any, assignments: list[RoleAssignment]) -> list[Section]:
    """The school overview for principals, office staff and nurses: classes, counts and the roster."""
    from tsunagu.org.selectors import homeroom_list_current, school_list, staff_count

    roles_by_school: dict[int, set[str]] = {}
    for a in assignments:
        if a.role in {"principal", "office", "nurse"} and a.school_id:
            roles_by_school.setdefault(a.school_id, set()).add(a.role)
    sections = []
    for school in school_list(actor=actor, action="view_roster"):
        roles = roles_by_school.get(school.pk, set())
        if not roles:
            continue
        cards = _homeroom_cards(actor, homeroom_list_current(actor=actor, school=school))
        sections.append(
            Section(
                "core/home/school.html",
                {
                    "school": school,
                    "roles": roles,
                    "homeroom_cards": cards,
                    "pupil_total": sum(card["count"] for card in cards),
                    "staff_count": staff_count(actor=actor, school=school) if "principal" in roles else None,
                },
            )
        )
    return sections


def _short_school_name(name: str) -> str:
    """さくら小学校 for みどり区立さくら小学校: chart labels drop the founder, which every school shares."""
    return re.sub(r"^.+?[都道府県区市町村]立", "", name) or name


def board_sections(actor: Any, assignments: list[RoleAssignment]) -> list[Section]:
    """The ward for the board: every school with its number of pupils (aggregates, never names)."""
    from tsunagu.org.selectors import school_list
    from tsunagu.students.selectors import school_pupil_counts

    schools = school_list(actor=actor)
    counts = school_pupil_counts(actor=actor, schools=schools)
    rows = [{"school": s, "count": counts.get(s.pk, 0)} for s in schools]
    values = [counts.get(s.pk, 0) for s in schools]
    chart = {"labels": [_short_school_name(s.name) for s in schools], "values": values}
    board_names = sorted({a.board.name for a in assignments if a.role == "board" and a.board})
    return [
        Section(
            "core/home/board.html",
            {
                "rows": rows,
                "total": sum(values),
                "chart": chart,
                "board_names": board_names,
            },
        )
    ]


def guardian_sections(actor: Any, assignments: list[RoleAssignment]) -> list[Section]:
    """The guardian's children (custody links without restriction) with school and class."""
    from tsunagu.students.selectors import guardian_children_list

    return [Section("core/home/guardian.html", {"children": guardian_children_list(actor=actor)})]


def student_sections(actor: Any, assignments: list[RoleAssignment]) -> list[Section]:
    """The pupil's own day: name (with furigana in grades 1–3), class and school."""
    from tsunagu.students.selectors import student_self_get

    found = student_self_get(actor=actor)
    pupil, enrolment = found if found else (None, None)
    furigana = bool(enrolment and enrolment.grade_level.stage == "P" and enrolment.grade_level.number <= 3)
    return [
        Section(
            "core/home/student.html",
            {"pupil": pupil, "enrolment": enrolment, "furigana": furigana},
        )
    ]


def helpdesk_sections(actor: Any, assignments: list[RoleAssignment]) -> list[Section]:
    """The helpdesk: the schools it supports (contact numbers), and no pupil data at all."""
    from tsunagu.org.selectors import school_list

    return [Section("core/home/helpdesk.html", {"schools": school_list(actor=actor)})]


def app_sections(actor: Any, assignments: list[RoleAssignment]) -> list[Section]:
    """The cards each app contributes through its ``home.home_cards`` (the health check-in, …); each
    app decides from the actor's roles and policies which cards it shows."""
    return [
        Section(template, context)
        for contribute in app_hooks("home", "home_cards")
        for template, context in contribute(actor, assignments)
    ]


#: Every role: the apps' own cards decide for themselves whom they are for.
ALL_ROLES = frozenset(Role.values)

#: Which roles get which section, in page order.
SECTIONS: list[tuple[frozenset[str], SectionBuilder]] = [
    (frozenset({"homeroom_teacher", "subject_teacher", "grade_head"}), teacher_sections),
    (frozenset({"principal", "office", "nurse"}), school_sections),
    (frozenset({"board"}), board_sections),
    (frozenset({"helpdesk"}), helpdesk_sections),
    (frozenset({"guardian"}), guardian_sections),
    (frozenset({"student"}), student_sections),
    (ALL_ROLES, app_sections),
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Home page: what this actor needs today."""
    actor = request.user
    assignments = actor_assignments(actor)
    roles = {a.role for a in assignments}
    sections: list[Section] = []
    for section_roles, build in SECTIONS:
        if roles & section_roles:
            sections += build(actor, assignments)
    today = timezone.localdate()
    context = {
        "sections": sections,
        "today": today,
        "school_year": school_year_of(today),
        "pupil_only": roles == {"student"},
        "needs_charts": "board" in roles,
    }
    return render(request, "core/home.html", context)
