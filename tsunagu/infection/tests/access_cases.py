"""Access-matrix cases of the infection pages (see tsunagu/core/tests/access_matrix.py).

A diagnosis is class I: the school's nurse records and confirms; the principal reads and decides
学級閉鎖 proposals; the board only counts. Every other cast role has no rule (403); the nurse and the
principal of さくら小 get 404 for another school. Empty POSTs: a confirmation or a cancellation without
its fields re-renders with errors (400); a decision without its fields returns to the list.

The diagnosis and the proposal come from the demo (さくら小 4年1組's influenza wave); they are created
here when the demo has none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import REDIRECT, Case, Places, expect
from tsunagu.infection.diseases import DISEASES_BY_CODE, exclusion_period
from tsunagu.infection.models import ClosureProposal, ProposalStatus, SchoolInfection

HEALTH = {"nurse": 200, "principal": 200}


def _infection(places: Places) -> dict[str, Any]:
    with system_scope(reason="access matrix finds a diagnosis"):
        found = SchoolInfection.objects.filter(school=places.school).first()
        if found is None:
            onset = dt.date(places.homeroom.school_year.year, 11, 2)
            period = exclusion_period(DISEASES_BY_CODE["influenza"], onset=onset)
            found = SchoolInfection.objects.create(
                student=places.classmate,
                school=places.school,
                homeroom=places.homeroom,
                disease="influenza",
                onset_date=onset,
                diagnosed_on=onset,
                proposed_first_day=period.first_day,
                proposed_last_day=period.last_day,
            )
        return {"infection_uuid": found.uuid}


def _proposal(places: Places) -> dict[str, Any]:
    """An open proposal for さくら小 4年1組."""
    with system_scope(reason="access matrix finds a proposal"):
        found, _ = ClosureProposal.objects.get_or_create(
            school=places.school,
            homeroom=places.homeroom,
            date=dt.date(places.homeroom.school_year.year, 4, 30),
            defaults={"enrolled": 30, "absent_illness": 5, "suspended": 2, "status": ProposalStatus.OPEN},
        )
        return {"proposal_uuid": found.uuid}


def _school(p: Places) -> dict[str, Any]:
    return {"school_uuid": p.school.uuid}


def _other_school(p: Places) -> dict[str, Any]:
    return {"school_uuid": p.other_school.uuid}


CASES: list[Case] = [
    Case("infection:school", "own school", expect(403, **HEALTH), _school),
    Case("infection:school", "another school", expect(403, nurse=404, principal=404), _other_school),
    Case("infection:diagnosis_new", "own school", expect(403, nurse=200), _school),
    Case("infection:diagnosis_new", "another school", expect(403, nurse=404), _other_school),
    Case("infection:proposals", "own school", expect(403, **HEALTH), _school),
    Case("infection:proposals", "another school", expect(403, nurse=404, principal=404), _other_school),
    Case("infection:daily_report", "own school", expect(403, **HEALTH), _school),
    Case("infection:daily_report", "another school", expect(403, nurse=404, principal=404), _other_school),
    Case("infection:detail", "own school", expect(403, **HEALTH), _infection),
    Case("infection:confirm", "own school", expect(403, nurse=400), _infection, method="post"),
    Case(
        "infection:update_dates",
        "own school",
        expect(403, nurse=REDIRECT),
        _infection,
        method="post",
    ),
    Case("infection:cancel", "own school", expect(403, nurse=400), _infection, method="post"),
    Case(
        "infection:proposal_decide",
        "own school",
        expect(403, principal=REDIRECT),
        _proposal,
        method="post",
    ),
    Case(
        "infection:proposal_dismiss",
        "own school",
        expect(403, principal=REDIRECT),
        _proposal,
        method="post",
    ),
    Case("infection:ward", "ward", expect(403, board=200)),
    Case("infection:settings", "the board's", expect(403, board=200)),
]
