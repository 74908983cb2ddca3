"""``xapi_get_10m``: GET one agent's newest 100 statements with 10 million statements stored.

The issue's target (issue 6): ``GET /xapi/statements?agent=<one pupil>&limit=100`` and the same with
``related_agents=true`` within 20 ms at the 95th percentile **with 10 million statements stored**.

The statements are *generated inside PostgreSQL* (``generate_series`` into the tables, in chunks of
250,000) — not posted through the API: posting 10 million at the ingest's rate would take hours, and
this benchmark measures reading. The generated rows are what the LRS's own store writes: the exact
JSON text (a Japan-profile drill answer, ~1.2 kB, as ``xapi_ingest`` posts), the index columns, one
agent link for the actor and one for the authority, three activity links (object, grouping,
category), ``stored`` a year's span increasing with the row id. ``count // 1000`` pupils'
agents share the statements round-robin (~1,000 statements each), so "one pupil's newest 100" reads
the newest end of ~1,000; the authority agent is in every statement (its ``related_agents`` query
is the widest possible).

The count is ``TSUNAGU_BENCH_XAPI_STATEMENTS`` (default 10,000,000). The data is generated once per
database and kept: a later run with the same or a smaller count only measures. The database is its
own (``tsunagu_bench_xapi``, a tiny ward seeded for the board), or the current one with
``--current-database``. PostgreSQL only (the generator is SQL; the GET target is PostgreSQL's).

The GETs go through Django's test client (Basic authentication, the LRS view, the queries, the
JSON answer), ``--samples`` timed after ``--warmup``, each for a different pupil's agent so the
cache is not always warm for the same rows. The report carries the plans (``EXPLAIN ANALYZE``) of
the statement query of each GET.
"""

from __future__ import annotations

import base64
import json
import os
import time
from typing import Any

from tsunagu.bench import database
from tsunagu.bench.registry import BenchError, BenchOptions, Result, scenario
from tsunagu.bench.scenarios.roster_page import percentile
from tsunagu.bench.scenarios.seed_city import ensure_seeded

TARGET_P95_MS = 20.0
DEFAULT_COUNT = 10_000_000
COUNT_VARIABLE = "TSUNAGU_BENCH_XAPI_STATEMENTS"
CHUNK = 250_000
#: The issuer of the generated pupils' accounts (not ours: they are not pupils of the ward).
HOME = "https://bench-10m.example.jp"
CLIENT_NAME = "bench 10m"


def statement_count() -> int:
    """The number of statements to hold (``TSUNAGU_BENCH_XAPI_STATEMENTS``, default 10 million)."""
    raw = os.environ.get(COUNT_VARIABLE, "")
    try:
        count = int(raw.replace("_", "")) if raw else DEFAULT_COUNT
    except ValueError as exc:
        raise BenchError(f"{COUNT_VARIABLE} must be a whole number, not {raw!r}") from exc
    if count < 1000:
        raise BenchError(f"{COUNT_VARIABLE} must be at least 1000")
    return count


@scenario("xapi_get_10m", order=61)
def xapi_get_10m(options: BenchOptions) -> Result:
    """GET one agent's newest 100 (and related_agents) with 10 million statements stored (p95 ms)."""
    if options.samples < 1 or options.warmup < 0:
        raise BenchError("--samples must be at least 1 and --warmup at least 0")
    count = statement_count()
    kwargs = {"count": count, "samples": options.samples, "warmup": options.warmup}
    if options.current_database:
        report = measure_get_10m(**kwargs)
        extra: dict[str, Any] = {"database_name": "current"}
    else:
        if database.vendor() != "postgresql":
            raise BenchError("xapi_get_10m needs PostgreSQL (set DATABASE_URL to a postgres:// URL)")
        url = database.bench_database_url("xapi")
        seeded_now = ensure_seeded(url, "tiny")
        report = database.run_in_worker(url, measure_get_10m, **kwargs)
        extra = {"database_name": database.describe(url), "seeded_now": seeded_now}
    worst = max(report["get_agent_p95_ms"], report["get_related_agents_p95_ms"])
    return Result(
        scenario="xapi_get_10m",
        value=worst,
        unit="ms",
        target=TARGET_P95_MS,
        extra=report | extra,
    )


# --- generating ---------------------------------------------------------------------------------

#: The statement's JSON with %-placeholders filled by ``format()`` in SQL (statement id, pupil
#: account name, stored, question number, registration, duration, success, raw score).
TEMPLATE = (
    '{"id":"%s","actor":{"objectType":"Agent","account":{"homePage":"' + HOME + '","name":"%s"}},'
    '"verb":{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"ja":"回答した"}},'
    '"object":{"objectType":"Activity","id":"https://drill.example.jp/math/p4/fractions/q%s",'
    '"definition":{"name":{"ja":"4年 算数 分数のたし算 問%s"},'
    '"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"fill-in"}},'
    '"result":{"score":{"raw":%s,"min":0,"max":1},"success":%s,"response":"3/4","duration":"PT%sS"},'
    '"context":{"registration":"%s","platform":"ベンチ用ドリル","language":"ja",'
    '"contextActivities":{"grouping":[{"id":"https://drill.example.jp/math/p4/fractions"}],'
    '"category":[{"id":"https://w3id.org/xapi/jpedudataspec/v/1"}]},'
    '"extensions":{"https://w3id.org/japan-xapi/extensions/subject":"math",'
    '"https://w3id.org/japan-xapi/extensions/grade":"P4",'
    '"https://w3id.org/japan-xapi/extensions/course-of-study-code":"8260233100000000",'
    '"https://w3id.org/japan-xapi/extensions/unit":"分数のたし算"}},'
    '"timestamp":"%s","stored":"%s","authority":%s,"version":"1.0.0"}'
)


def _generate(cursor: Any, *, count: int, have: int, client: Any, authority_pk: int, authority: str) -> None:
    """Add statements ``have + 1 … count`` of the bench client (agents and activities first)."""
    from tsunagu.learning.models import Statement

    agents = max(count // 1000, 10)
    cursor.execute(
        "INSERT INTO learning_xapiagent (uuid, ifi, object_type, name, status, first_seen) "
        "SELECT gen_random_uuid(), 'account:' || %s || '|' || gen_random_uuid(), 'Agent', '', "
        "'unmatched', now() "
        "FROM generate_series(1, %s - (SELECT count(*) FROM learning_xapiagent WHERE ifi LIKE %s))",
        [HOME, agents, f"account:{HOME}|%"],
    )
    cursor.execute(
        "INSERT INTO learning_xapiactivity (iri, definition) "
        "SELECT 'https://drill.example.jp/math/p4/fractions/q' || n, NULL::jsonb "
        "FROM generate_series(1, 20) n "
        "UNION ALL SELECT 'https://drill.example.jp/math/p4/fractions', NULL "
        "UNION ALL SELECT 'https://w3id.org/xapi/jpedudataspec/v/1', NULL ON CONFLICT (iri) DO NOTHING"
    )
    cursor.execute("DROP TABLE IF EXISTS bench_agents")
    cursor.execute(
        "CREATE TEMP TABLE bench_agents AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id, "
        "split_part(ifi, '|', 2) AS name FROM learning_xapiagent WHERE ifi LIKE %s",
        [f"account:{HOME}|%"],
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_agents (n)")
    cursor.execute("SELECT count(*) FROM bench_agents")
    agents = cursor.fetchone()[0]
    cursor.execute(
        "SELECT iri, id FROM learning_xapiactivity WHERE iri LIKE %s OR iri = %s",
        ["https://drill.example.jp/math/p4/fractions%", "https://w3id.org/xapi/jpedudataspec/v/1"],
    )
    activities = dict(cursor.fetchall())
    question_base = activities["https://drill.example.jp/math/p4/fractions/q1"]
    grouping = activities["https://drill.example.jp/math/p4/fractions"]
    category = activities["https://w3id.org/xapi/jpedudataspec/v/1"]
    table = Statement._meta.db_table
    # A year of statements ending now, evenly spaced; row ids reserved so that id order = stored order.
    cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
    base = cursor.fetchone()[0]
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",
        [base + count - have],
    )
    for low in range(have + 1, count + 1, CHUNK):
        high = min(low + CHUNK - 1, count)
        params = {
            "low": low,
            "high": high,
            "base": base - have - 1,
            "count": count,
            "agents": agents,
            "client": client.pk,
            "template": TEMPLATE,
            "authority": authority,
            "qbase": question_base,
        }
        cursor.execute(
            f"""
            INSERT INTO {table} (id, statement_id, client_id, data, stored, timestamp, verb, actor_id,
                                 registration, target, voided, pupil_id)
            SELECT %(base)s + g, sid, %(client)s,
                   format(%(template)s, sid, a.name, g %% 20 + 1, g %% 20 + 1,
                          (g %% 3 <> 0)::int, CASE WHEN g %% 3 <> 0 THEN 'true' ELSE 'false' END,
                          20 + g %% 40, reg,
                          to_char(st AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                          to_char(st AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), %(authority)s),
                   st, st, 'http://adlnet.gov/expapi/verbs/answered', a.id, reg, NULL, false, NULL
            FROM (SELECT g, gen_random_uuid() AS sid, gen_random_uuid() AS reg,
                         now() - interval '365 days' * (1 - g::float8 / %(count)s) AS st
                  FROM generate_series(%(low)s, %(high)s) g) s
            JOIN bench_agents a ON a.n = s.g %% %(agents)s
            """,  # noqa: S608
            params,
        )
        cursor.execute(
            """
            INSERT INTO learning_statementagent (statement_id, agent_id, usage)
            SELECT %(base)s + g, a.id, 1 FROM generate_series(%(low)s, %(high)s) g
            JOIN bench_agents a ON a.n = g %% %(agents)s
            UNION ALL
            SELECT %(base)s + g, %(authority_pk)s, 3 FROM generate_series(%(low)s, %(high)s) g
            """,
            params | {"authority_pk": authority_pk},
        )
        cursor.execute(
            """
            INSERT INTO learning_statementactivity (statement_id, activity_id, usage)
            SELECT %(base)s + g, %(qbase)s + g %% 20, 1 FROM generate_series(%(low)s, %(high)s) g
            UNION ALL SELECT %(base)s + g, %(grouping)s, 3 FROM generate_series(%(low)s, %(high)s) g
            UNION ALL SELECT %(base)s + g, %(category)s, 4 FROM generate_series(%(low)s, %(high)s) g
            """,
            params | {"grouping": grouping, "category": category},
        )
    # What autovacuum does to an insert-only table soon after a bulk load (PostgreSQL 13 and later):
    # statistics, hint bits and the visibility map. Without the map every link read by the GET's
    # index-only scan went to the table too, and every first read of a page rewrote it. VACUUM cannot
    # run inside a transaction (a test's): there the statistics alone.
    from django.db import connection

    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    for table in ("learning_statement", "learning_statementagent", "learning_statementactivity"):
        cursor.execute(f"{command} {table}")
    cursor.execute("ANALYZE learning_xapiagent")


def measure_get_10m(*, count: int, samples: int, warmup: int) -> dict[str, Any]:
    """Make sure ``count`` statements of the bench client are stored (generating the missing ones),
    then time the two GETs for ``samples`` different pupils' agents (after ``warmup`` untimed)."""
    from django.db import connection
    from django.test import Client

    from tsunagu.learning.models import LearningClient, Permission, Statement, XapiAgent
    from tsunagu.learning.services import client_register
    from tsunagu.learning.xapi.store import agent_ifi, client_authority, dumps
    from tsunagu.org.models import Board

    if connection.vendor != "postgresql":
        raise BenchError("xapi_get_10m generates its statements in PostgreSQL; this database is not one")
    board = Board.objects.order_by("pk").first()
    if board is None:
        raise BenchError("no board: seed a demo ward first")
    permissions = [Permission.STATEMENTS_WRITE, Permission.STATEMENTS_READ]
    client = LearningClient.objects.filter(name=CLIENT_NAME).first()
    if client is None:
        client, _secret = client_register(
            actor=None, board=board, name=CLIENT_NAME, kind="app", all_schools=True, permissions=permissions
        )
    # A fresh secret on every run (the scenario keeps none); the statements stay the client's.
    from tsunagu.learning.services import client_rotate

    secret = client_rotate(actor=None, client=client)
    authority = client_authority(client)
    authority_agent, _ = XapiAgent.objects.get_or_create(
        ifi=agent_ifi(authority), defaults={"name": client.name}
    )
    have = Statement.objects.filter(client=client).count()
    generated_s = None
    if have < count:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            _generate(
                cursor,
                count=count,
                have=have,
                client=client,
                authority_pk=authority_agent.pk,
                authority=dumps(authority),
            )
        generated_s = round(time.perf_counter() - started, 1)
    stored_total = Statement.objects.count()

    token = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
    headers: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Basic {token}",
        "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3",
    }
    http = Client()
    names = list(
        XapiAgent.objects.filter(ifi__startswith=f"account:{HOME}|")
        .order_by("pk")
        .values_list("ifi", flat=True)[: samples + warmup]
    )
    if not names:
        raise BenchError("no generated agents")

    def agent_param(ifi: str) -> str:
        return json.dumps({"account": {"homePage": HOME, "name": ifi.split("|", 1)[1]}})

    def time_get(extra: dict[str, str]) -> tuple[float, float, float, int]:
        timings, cpu_times, got = [], [], 0
        for i in range(samples + warmup):
            params = {"agent": agent_param(names[i % len(names)]), "limit": "100"} | extra
            start, start_cpu = time.perf_counter(), time.process_time()
            response = http.get("/xapi/statements", params, **headers)
            elapsed = (time.perf_counter() - start) * 1000
            cpu = (time.process_time() - start_cpu) * 1000
            if response.status_code != 200:
                raise BenchError(f"GET answered {response.status_code}: {response.content[:200]!r}")
            if i >= warmup:
                timings.append(elapsed)
                cpu_times.append(cpu)
            got = len(response.json()["statements"])
        return (
            round(percentile(timings, 95), 1),
            round(percentile(timings, 50), 1),
            round(sum(cpu_times) / len(cpu_times), 2),
            got,
        )

    # Wall time includes waiting for a CPU on a loaded machine; the process's CPU time per GET does
    # not (the database's share is in the plans' execution times below).
    agent_p95, agent_p50, agent_cpu, got = time_get({})
    related_p95, related_p50, related_cpu, related_got = time_get({"related_agents": "true"})
    authority_param = json.dumps({"account": authority["account"]})
    return {
        "get_agent_p95_ms": agent_p95,
        "get_agent_p50_ms": agent_p50,
        "get_agent_python_cpu_ms": agent_cpu,
        "get_agent_statements": got,
        "get_related_agents_p95_ms": related_p95,
        "get_related_agents_p50_ms": related_p50,
        "get_related_agents_python_cpu_ms": related_cpu,
        "get_related_agents_statements": related_got,
        "statements_requested": count,
        "statements_of_bench_client": max(have, count),
        "stored_total": stored_total,
        "generated_s": generated_s,
        "generated_statements": count - have if have < count else 0,
        "plans": {
            "agent": explain(client, agent_param(names[0]), related=False),
            "related_agents": explain(client, agent_param(names[0]), related=True),
            "authority_related_agents": explain(client, authority_param, related=True),
        },
        "database": connection.vendor,
    }


def explain(client: Any, agent: str, *, related: bool) -> list[str]:
    """``EXPLAIN ANALYZE`` of the statement queries the GET runs for ``agent`` (newest 100)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tsunagu.learning.xapi.http import LrsRequest
    from tsunagu.learning.xapi.query import parse_query, run_query

    params = {"agent": agent, "limit": "100"} | ({"related_agents": "true"} if related else {})
    connection.queries_log.clear()  # a full log (9,000 entries) would hide the captured queries
    with CaptureQueriesContext(connection) as captured:
        run_query(parse_query(params), LrsRequest(client=client, version="1.0.3"))
    lines: list[str] = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if "learning_statement" not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
            lines += ["-- " + sql[:300]] + [row[0] for row in cursor.fetchall()]
    return lines
