"""Fixtures of the health tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.health import selectors
from tsunagu.health.models import HealthCheckIn, TalkRequest
from tsunagu.health.tests.builders import last_weekday
from tsunagu.org.models import DayKind, SchoolDay
from tsunagu.students.tests.cast import CastPlaces


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """The builders create a dozen users per test; hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def day(places: CastPlaces, monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The latest weekday up to today, made a school day of さくら小 (whatever the demo calendar says);
    the pages treat it as today. The demo's answers of the teacher's class on that day are cleared."""
    school_day = last_weekday(timezone.localdate())
    SchoolDay.objects.update_or_create(
        school=places.school,
        date=school_day,
        defaults={"kind": DayKind.INSTRUCTIONAL, "school_year": places.homeroom.school_year},
    )
    monkeypatch.setattr(selectors, "checkin_today", lambda: school_day)
    with system_scope(reason="test clears the day's answers of the class"):
        TalkRequest.objects.filter(
            check_in__session__homeroom=places.homeroom, check_in__session__date=school_day
        ).delete()
        HealthCheckIn.objects.filter(session__homeroom=places.homeroom, session__date=school_day).delete()
    return school_day
