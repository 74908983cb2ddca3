"""Demo data of the learning app: two registered learning apps and a few hundred statements.

The board has registered a drill app (デモ計算ドリル) and an online test (デモWebテスト) with
**public demo credentials** (below; like the cast's password they exist only in a demo database).
Through the real LRS view, the drill app posts answers of the pupils of さくら小 4年1組 (the cast
teacher's class) for the last school days, and the online test one attempt each; a few statements
come from an actor that is not one of our pupils (it waits in the quarantine), and one malformed
request is refused (it shows on the monitoring page). A year of statements is a later task (issue 6 §8).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Any

from django.test import RequestFactory

from tsunagu.core.scope import system_scope
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.learning.models import ClientKind, Permission
from tsunagu.learning.services import client_register
from tsunagu.learning.xapi.store import issuer
from tsunagu.org.models import Homeroom
from tsunagu.students.models import Enrolment

#: Public demo credentials (HTTP Basic key, secret) of the two demo apps.
DRILL_KEY, DRILL_SECRET = "demo-drill", "demo-drill-secret-2026"
TEST_KEY, TEST_SECRET = "demo-webtest", "demo-webtest-secret-2026"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
JP_CATEGORY = "https://w3id.org/xapi/jpedudataspec/v/1"
EXT = "https://w3id.org/japan-xapi/extensions/"
SUBJECTS = [("math", "算数", "計算"), ("japanese", "国語", "漢字")]
DAYS = 5
QUESTIONS = 4


def _post(key: str, secret: str, body: Any) -> int:
    """POST statements through the LRS view as an app would (no HTTP server needed)."""
    from tsunagu.learning.xapi.views import statements

    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    request = RequestFactory().post(
        "/xapi/statements",
        json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {token}",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    return statements(request).status_code


def _statement(
    pupil: uuid.UUID, when: dt.datetime, subject: tuple[str, str, str], q: int, correct: bool
) -> dict[str, Any]:
    code, name, unit = subject
    return {
        "id": str(uuid.uuid5(pupil, f"{when.isoformat()}-{code}-{q}")),
        "actor": {"objectType": "Agent", "account": {"homePage": issuer(), "name": str(pupil)}},
        "verb": {"id": ANSWERED, "display": {"ja": "回答した"}},
        "object": {
            "objectType": "Activity",
            "id": f"https://drill.example.jp/{code}/{unit}/q{q}",
            "definition": {
                "name": {"ja": f"{name} {unit} 問{q}"},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            },
        },
        "result": {
            "success": correct,
            "duration": f"PT{30 + q * 7}S",
            "score": {"raw": 1 if correct else 0, "min": 0, "max": 1},
        },
        "context": {
            "platform": "デモ計算ドリル",
            "language": "ja",
            "contextActivities": {"category": [{"id": JP_CATEGORY}]},
            "extensions": {EXT + "subject": code, EXT + "grade": "P4", EXT + "unit": unit},
        },
        "timestamp": when.isoformat(),
        "version": "1.0.0",
    }


@demo_step(order=80)
def learning_apps(ctx: DemoContext) -> None:
    """Register the two demo apps and post their statements for さくら小 4年1組 (module docstring)."""
    client_register(
        actor=None,
        board=ctx.board,
        name="デモ計算ドリル",
        kind=ClientKind.APP,
        all_schools=True,
        permissions=[Permission.STATEMENTS_WRITE, Permission.STATEMENTS_READ_MINE, Permission.STATE],
        key=DRILL_KEY,
        secret=DRILL_SECRET,
    )
    client_register(
        actor=None,
        board=ctx.board,
        name="デモWebテスト",
        kind=ClientKind.APP,
        all_schools=True,
        permissions=[Permission.STATEMENTS_WRITE, Permission.STATEMENTS_READ_MINE],
        key=TEST_KEY,
        secret=TEST_SECRET,
    )
    with system_scope(reason="demo: the pupils of さくら小 4年1組 for the learning apps"):
        room = Homeroom.objects.filter(
            school=ctx.schools["sakura"], school_year=ctx.school_year, grade_level__code="P4", name="1組"
        ).first()
        pupils = (
            list(
                Enrolment.objects.filter(homeroom=room, end_date__isnull=True)
                .order_by("roll_number")
                .values_list("student__uuid", flat=True)
            )
            if room
            else []
        )
    batch: list[dict[str, Any]] = []
    for day in range(DAYS, 0, -1):
        date = ctx.today - dt.timedelta(days=day)
        for n, pupil in enumerate(pupils):
            rate = 0.45 + (n % 5) * 0.12
            for s, subject in enumerate(SUBJECTS):
                when = dt.datetime.combine(
                    date, dt.time(15 + s, n % 60), tzinfo=dt.timezone(dt.timedelta(hours=9))
                )
                for q in range(1, QUESTIONS + 1):
                    batch.append(
                        _statement(pupil, when + dt.timedelta(minutes=q), subject, q, ctx.rng.random() < rate)
                    )
                    if len(batch) == 100:
                        _post(DRILL_KEY, DRILL_SECRET, batch)
                        batch = []
    if batch:
        _post(DRILL_KEY, DRILL_SECRET, batch)
    tests = []
    for pupil in pupils:
        tests.append(
            {
                "actor": {"objectType": "Agent", "account": {"homePage": issuer(), "name": str(pupil)}},
                "verb": {"id": COMPLETED, "display": {"ja": "完了した"}},
                "object": {
                    "id": "https://webtest.example.jp/tests/p4-math-unit3",
                    "definition": {"name": {"ja": "4年 算数 単元テスト3"}},
                },
                "result": {
                    "score": {"raw": 60 + ctx.rng.randint(0, 40), "min": 0, "max": 100},
                    "completion": True,
                },
            }
        )
    stranger = {
        "objectType": "Agent",
        "account": {"homePage": "https://webtest.example.jp", "name": "guest-0042"},
        "name": "ゲスト",
    }
    tests += [
        {
            "actor": stranger,
            "verb": {"id": COMPLETED},
            "object": {"id": "https://webtest.example.jp/tests/p4-math-unit3"},
        }
    ]
    if tests:
        _post(TEST_KEY, TEST_SECRET, tests)
    _post(
        TEST_KEY,
        TEST_SECRET,
        {"actor": {"name": "名前だけ"}, "verb": {"id": COMPLETED}, "object": {"id": "x"}},
    )
