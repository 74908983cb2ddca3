"""Summaries kept by the receiver of ``statements_stored`` equal a rebuild from the statements, through
the real ``/xapi/statements`` API: voids (earlier, same batch, before their target, twice), resent
duplicates, unknown actors, out-of-order timestamps, subjects by name, code and 学習指導要領コード."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from tsunagu.learning.tests.conftest import Lrs
from tsunagu.learning_summaries.extract import MAX_SECONDS, duration_seconds
from tsunagu.learning_summaries.summaries import summaries_rebuild
from tsunagu.learning_summaries.tests.helpers import (
    JST,
    answered,
    class_pupils,
    finished,
    snapshot,
    voiding,
)

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 16, minute: int = 0) -> dt.datetime:
    """A time in June 2026: the tiny demo ward's statements are of the last weeks only."""
    return dt.datetime(2026, 6, day, hour, minute, tzinfo=JST)


def post(lrs: Lrs, batch: Any) -> list[str]:
    response = lrs.post(batch)
    assert response.status_code == 200, response.content
    return list(response.json())


def test_incremental_equals_rebuild_after_a_realistic_mix(ward: Any, lrs: Lrs) -> None:
    pupils = class_pupils(ward)[:4]
    a, b, c, d = pupils
    ids = [p.pk for p in pupils]
    before = snapshot(ids)
    # Day 10 arrives after day 12 (out of order); answers with and without a grouping attempt.
    first = [
        answered(a, at(12), correct=True, seconds=30),
        answered(a, at(12, 17), correct=False, seconds=50),
    ]
    first += [answered(b, at(12), subject="math", seconds=20), answered(None, at(12))]  # a stranger
    first += [answered(c, at(12), subject="JA", grade=None, seconds=25)]  # our code, no grade
    first += [answered(d, at(12), subject="算数", grade=None, seconds=35)]  # stage from the enrolment
    first += [answered(a, at(12), subject=None, grade=None, cos="8203000000000000", seconds=15)]
    first += [answered(a, at(12), subject="未知の教科", seconds=99)]  # no subject: adds nothing
    first_ids = post(lrs, first)
    second = [answered(a, at(10), correct=True, seconds=45), finished(a, at(10), raw=72.5, seconds=900)]
    second += [answered(a, at(10, 18), grouping="https://webtest.example.jp/tests/t1", seconds=60)]
    second += [answered(b, at(10), correct=None, score={"raw": 1, "min": 0, "max": 1})]
    second_ids = post(lrs, second)
    # The same batch again: nothing new (immutability), so nothing is counted twice.
    post(lrs, second)
    # Voids: an earlier statement; one in the same batch as its target; one before its target arrives.
    late = answered(c, at(11), seconds=70)
    same = answered(d, at(11), seconds=80)
    post(lrs, [voiding(first_ids[0]), same, voiding(same["id"]), voiding(late["id"])])
    post(lrs, [late])
    # Voiding the same statement again changes nothing.
    post(lrs, [voiding(first_ids[0])])
    post(lrs, [voiding(second_ids[1])])  # the finished test: its attempt and score are taken back

    incremental = snapshot(ids)
    assert incremental != before
    counts = summaries_rebuild(student_ids=ids)
    assert counts["pupils"] == 4
    assert snapshot(ids) == incremental

    new = {k: v for k, v in incremental.items() if v != before.get(k)}
    day12, day10, day11 = dt.date(2026, 6, 12), dt.date(2026, 6, 10), dt.date(2026, 6, 11)
    # a, 算数, 12th: the first answer voided; a wrong one (50 s), a right one by 学習指導要領コード (15 s).
    assert new[(a.pk, "MA", day12)] == (0, 2, 1, 0, 0, 65)
    # a, 10th: one correct answer (45 s); the grouped answer counts as answered but not its time.
    assert new[(a.pk, "MA", day10)] == (0, 2, 2, 0, 0, 45)
    assert (a.pk, "JA", day10) not in new  # the voided finished test left nothing
    assert new[(b.pk, "MA", day10)][1:3] == (1, 1)  # full marks without success = correct
    assert new[(c.pk, "JA", day12)] == (0, 1, 1, 0, 0, 25)
    assert (c.pk, "MA", day11) not in new and (d.pk, "MA", day11) not in new
    assert new[(d.pk, "MA", day12)][5] == 35


def test_rebuild_restores_rows_after_they_were_damaged(ward: Any, lrs: Lrs) -> None:
    pupil = class_pupils(ward)[5]
    post(lrs, [answered(pupil, at(3), seconds=100), finished(pupil, at(3), raw=8, top=10, seconds=300)])
    good = snapshot([pupil.pk])
    from tsunagu.core.scope import system_scope
    from tsunagu.learning_summaries.models import LearningSummary

    with system_scope(reason="test: damage a summary"):
        LearningSummary.objects.filter(student=pupil).update(seconds=1)
    call_command("learning_summaries_rebuild", "--school", str(ward.schools["sakura"].uuid))
    assert snapshot([pupil.pk]) == good
    assert good[(pupil.pk, "JA", dt.date(2026, 6, 3))] == (1, 0, 0, 8000, 10000, 300)


def test_a_batch_that_is_refused_adds_nothing(ward: Any, lrs: Lrs) -> None:
    pupil = class_pupils(ward)[6]
    before = snapshot([pupil.pk])
    bad = answered(pupil, at(4))
    bad["verb"] = {"id": "not an iri"}
    response = lrs.post([answered(pupil, at(4)), bad])
    assert response.status_code == 400
    assert snapshot([pupil.pk]) == before


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("PT1M30.5S", 91), ("PT1H", 3600), ("P1DT1H", MAX_SECONDS), ("PT", 0), ("bad", 0), ("PT0.4S", 0)],
)
def test_durations_are_read_as_whole_seconds(text: str, seconds: int) -> None:
    assert duration_seconds(text) == seconds
