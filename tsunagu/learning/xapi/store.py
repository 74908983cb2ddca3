"""Storing statements: one batch validated whole, then written in one transaction, or nothing.

:func:`store_statements` is the service behind ``POST`` and ``PUT /xapi/statements``. It validates
every statement first (a batch with one bad statement writes none), applies the immutability rules
(an id already stored with other content → 409; the same content → nothing to do), the voiding rules
(a voiding statement's target is marked voided; voiding a voiding statement → 400), sets ``stored``,
``authority``, ``version`` and a missing ``timestamp``, and writes the statement with its agent and
activity link rows in bulk. New actors are matched to pupils (account ``homePage`` = our issuer and
``name`` = the pupil's UUID); the others wait in the quarantine.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tsunagu.core import jsontext
from tsunagu.core.pgarray import int_array, text_array
from tsunagu.learning.models import (
    ActivityUsage,
    AgentStatus,
    AgentUsage,
    LearningClient,
    Statement,
    StatementActivity,
    StatementAgent,
    XapiActivity,
    XapiAgent,
    XapiAttachment,
)
from tsunagu.learning.signals import statements_stored
from tsunagu.learning.xapi.errors import XapiError
from tsunagu.learning.xapi.schools import agent_pupils, pupils_outside
from tsunagu.learning.xapi.validate import (
    VOIDED_VERB,
    format_timestamp,
    parse_timestamp,
    validate_statement,
)

#: The issuer of our pupils' xAPI accounts: ``actor.account.homePage`` (STANDARDS.md §3), from the
#: setting ``TSUNAGU_XAPI_ISSUER`` (read with ``getattr`` until settings.py declares it; decision 0019).
DEFAULT_ISSUER = "https://tsunagu.example.jp"


def issuer() -> str:
    """Our xAPI account ``homePage`` (without a trailing slash)."""
    return str(getattr(settings, "TSUNAGU_XAPI_ISSUER", DEFAULT_ISSUER)).rstrip("/")


def dumps(value: Any) -> str:
    """Compact JSON text as the LRS stores and returns it."""
    return jsontext.dumps(value)


def agent_ifi(agent: dict[str, Any]) -> str | None:
    """The key of an agent or identified group by its IFI; None for an anonymous group."""
    if "mbox" in agent:
        return "mbox:" + agent["mbox"][len("mailto:") :].lower()
    if "mbox_sha1sum" in agent:
        return "mbox_sha1sum:" + agent["mbox_sha1sum"].lower()
    if "openid" in agent:
        return "openid:" + agent["openid"]
    if "account" in agent:
        return f"account:{agent['account']['homePage'].rstrip('/')}|{agent['account']['name']}"
    return None


def client_authority(client: LearningClient) -> dict[str, Any]:
    """The ``authority`` the LRS writes on a client's statements: an Agent with an account of ours."""
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": issuer() + "/xapi/clients", "name": client.key},
    }


@dataclass
class Prepared:
    """One statement ready to write: the stored JSON and the values of its index columns and links."""

    statement_id: str
    data: dict[str, Any]
    verb: str
    actor: str | None
    timestamp: dt.datetime
    registration: str | None
    target: str | None
    agents: list[tuple[str, dict[str, Any], int]] = field(default_factory=list)
    activities: list[tuple[str, dict[str, Any] | None, int]] = field(default_factory=list)

    @property
    def voiding(self) -> bool:
        return self.verb == VOIDED_VERB


def _agents_in(value: dict[str, Any], usage: int) -> Iterator[tuple[str, dict[str, Any], int]]:
    """An agent or group and, for a group, its members, each with ``usage``."""
    ifi = agent_ifi(value)
    if ifi is not None:
        yield ifi, value, usage
    for member in value.get("member", ()) if value.get("objectType") == "Group" else ():
        member_ifi = agent_ifi(member)
        if member_ifi is not None:
            yield member_ifi, member, usage


def _context_links(context: dict[str, Any], prepared: Prepared, *, sub: bool) -> None:
    agent_usage = AgentUsage.SUB if sub else None
    if "instructor" in context:
        prepared.agents += _agents_in(context["instructor"], agent_usage or AgentUsage.INSTRUCTOR)
    if "team" in context:
        prepared.agents += _agents_in(context["team"], agent_usage or AgentUsage.TEAM)
    for entry in context.get("contextAgents", ()):
        prepared.agents += _agents_in(entry["agent"], agent_usage or AgentUsage.CONTEXT_AGENT)
    for entry in context.get("contextGroups", ()):
        prepared.agents += _agents_in(entry["group"], agent_usage or AgentUsage.CONTEXT_AGENT)
    usages = {
        "parent": ActivityUsage.PARENT,
        "grouping": ActivityUsage.GROUPING,
        "category": ActivityUsage.CATEGORY,
        "other": ActivityUsage.OTHER,
    }
    for key, value in context.get("contextActivities", {}).items():
        for activity in value if isinstance(value, list) else [value]:
            usage = ActivityUsage.SUB if sub else usages[key]
            prepared.activities.append((activity["id"], activity.get("definition"), usage))


def _object_links(obj: dict[str, Any], prepared: Prepared, *, sub: bool) -> None:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        usage = ActivityUsage.SUB if sub else ActivityUsage.OBJECT
        prepared.activities.append((obj["id"], obj.get("definition"), usage))
    elif kind in ("Agent", "Group"):
        prepared.agents += _agents_in(obj, AgentUsage.SUB if sub else AgentUsage.OBJECT)
    elif kind == "SubStatement":
        prepared.agents += _agents_in(obj["actor"], AgentUsage.SUB)
        _object_links(obj["object"], prepared, sub=True)
        if "context" in obj:
            _context_links(obj["context"], prepared, sub=True)


def _activities_as_arrays(statement: dict[str, Any]) -> None:
    """Context activities given as one object are stored as a one-element array (Data §2.4.6.2: the
    LRS returns them as arrays), in the statement and in a sub-statement. Replaces the nested dicts
    it changes instead of editing them, so the statement as received stays as it was."""

    def fixed(context: Any) -> Any:
        if not isinstance(context, dict) or not isinstance(context.get("contextActivities"), dict):
            return context
        activities = context["contextActivities"]
        if all(isinstance(v, list) for v in activities.values()):
            return context
        arrays = {k: v if isinstance(v, list) else [v] for k, v in activities.items()}
        return {**context, "contextActivities": arrays}

    if "context" in statement:
        statement["context"] = fixed(statement["context"])
    obj = statement.get("object")
    if isinstance(obj, dict) and "context" in obj:
        statement["object"] = {**obj, "context": fixed(obj["context"])}


def prepare(
    raw: Any,
    *,
    client: LearningClient,
    version: str,
    stored: dt.datetime,
    statement_id: str | None = None,
    authority: dict[str, Any] | None = None,
) -> Prepared:
    """Validate ``raw`` and build what will be stored (``statement_id`` from a PUT's parameter).

    ``authority`` is the batch's one authority object (built once per batch, not per statement; the
    statements share it, and nothing edits it after)."""
    statement = validate_statement(raw, version=version)
    if statement_id is not None:
        if "id" in statement and statement["id"].lower() != statement_id.lower():
            raise XapiError(400, "statement.id differs from the statementId parameter")
        statement["id"] = statement_id
    data = dict(statement)
    _activities_as_arrays(data)
    # A validated UUID is 8-4-4-4-12 hex digits, so its canonical text is its lower case form
    # (no uuid.UUID round trip, three of which per statement were a visible share of the ingest).
    data["id"] = data["id"].lower() if "id" in data else str(uuid.uuid4())
    stored_text = format_timestamp(stored)
    data["stored"] = stored_text
    data["authority"] = authority if authority is not None else client_authority(client)
    data.setdefault("version", "2.0.0" if version.startswith("2.") else "1.0.0")
    if "timestamp" in data:
        timestamp = parse_timestamp(data["timestamp"], "statement.timestamp")
    else:
        timestamp = stored
        data["timestamp"] = stored_text
    obj = data["object"]
    prepared = Prepared(
        statement_id=data["id"],
        data=data,
        verb=data["verb"]["id"],
        actor=agent_ifi(data["actor"]),
        timestamp=timestamp,
        registration=(data.get("context") or {}).get("registration"),
        target=obj["id"].lower() if obj.get("objectType") == "StatementRef" else None,
    )
    prepared.agents += _agents_in(data["actor"], AgentUsage.ACTOR)
    prepared.agents += _agents_in(data["authority"], AgentUsage.AUTHORITY)
    _object_links(obj, prepared, sub=False)
    if "context" in data:
        _context_links(data["context"], prepared, sub=False)
    return prepared


# --- immutability: do two statements match? (Data §2.3.1 and its exceptions) ---------------------

LANGUAGE_MAP_KEYS = {"display", "name", "description"}
LRS_ASSIGNED = ("stored", "authority", "version")


def _canonical(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        lower_keys = key in LANGUAGE_MAP_KEYS and all(isinstance(v, str) for v in value.values())
        return {
            (k.lower() if lower_keys else k): _canonical(v, k)
            for k, v in value.items()
            if not (key == "" and k in LRS_ASSIGNED)
        }
    if isinstance(value, list):
        return [_canonical(v, key) for v in value]
    if isinstance(value, str):
        if key in ("id", "registration") and len(value) == 36:
            try:
                return str(uuid.UUID(value))
            except ValueError:
                return value
        if key in ("timestamp", "stored"):
            try:
                return format_timestamp(parse_timestamp(value, key))
            except XapiError:
                return value
        if key == "duration":
            return _duration_to_hundredths(value)
    return value


_SECONDS_FRACTION = re.compile(r"(\d+)[.,](\d+)S$")


def _duration_to_hundredths(value: str) -> str:
    """A duration as statements are compared: precision beyond 0.01 s is not part of a comparison
    (1.0.3 Data §4.6; 9274.1.1 §4.2.7), so the seconds' fraction is cut to two digits (``PT1.2345S``
    and ``PT1.2349S`` are the same duration, ``PT1.20S`` and ``PT1.2S`` too)."""

    def cut(match: re.Match[str]) -> str:
        fraction = match.group(2)[:2].rstrip("0")
        return f"{match.group(1)}.{fraction}S" if fraction else f"{match.group(1)}S"

    return _SECONDS_FRACTION.sub(cut, value)


def statements_match(stored: dict[str, Any], incoming: dict[str, Any]) -> bool:
    """True when ``incoming`` is the same statement as ``stored`` but for what the LRS may assign
    (id case, stored, authority, version, a timestamp it filled in), serialisation, the zone a
    timestamp is written in and a duration's precision beyond 0.01 s."""
    incoming = dict(incoming)
    _activities_as_arrays(incoming)
    a, b = _canonical(stored), _canonical(incoming)
    a.pop("id", None)
    b.pop("id", None)
    if "timestamp" not in incoming:
        a.pop("timestamp", None)
    return bool(a == b)


# --- writing --------------------------------------------------------------------------------------


@dataclass
class StoreResult:
    """The ids of the statements, in the order received (also those already stored)."""

    ids: list[str]
    written: int


#: An agent as the writer needs it: (pk, pupil pk or None, status).
AgentRow = tuple[int, int | None, str]


@dataclass
class Lookup:
    """What the store already holds about a batch, read before writing it."""

    existing: dict[str, str]  # statement id -> stored JSON text
    already_voided: set[str]  # statement ids a stored voiding statement targets
    agents: dict[str, AgentRow]  # IFI -> agent
    activities: dict[str, tuple[int, Any]]  # IRI -> (pk, definition as stored: JSON text or value)
    ids: list[int] = field(default_factory=list)  # row ids drawn for the new statements (PostgreSQL)


def _batch_keys(prepared: list[Prepared]) -> tuple[list[str], list[str], list[str]]:
    """The batch's statement ids, agent IFIs and activity IRIs (distinct)."""
    ifis = list(dict.fromkeys(ifi for p in prepared for ifi, _v, _u in p.agents))
    iris = list(dict.fromkeys(iri for p in prepared for iri, _d, _u in p.activities))
    return [p.statement_id for p in prepared], ifis, iris


# The raw SQL of the PostgreSQL write path, built once from the models' table names (no user input).
_STATEMENT = Statement._meta.db_table
_LOOKUP_SQL = ";\n".join(
    [
        f"SELECT statement_id::text, data FROM {_STATEMENT} WHERE statement_id = ANY(%s::uuid[])",  # noqa: S608
        f"SELECT target::text FROM {_STATEMENT} WHERE target = ANY(%s::uuid[]) AND verb = %s",  # noqa: S608
        f"SELECT ifi, id, student_id, status FROM {XapiAgent._meta.db_table} WHERE ifi = ANY(%s::text[])",  # noqa: S608
        f"SELECT iri, id, definition FROM {XapiActivity._meta.db_table} WHERE iri = ANY(%s::text[])",  # noqa: S608
        f"SELECT nextval(pg_get_serial_sequence('{_STATEMENT}', 'id')) FROM generate_series(1, %s)",  # noqa: S608
    ]
)
_COPY_SQL = (
    f"COPY {_STATEMENT} (id, statement_id, client_id, data, stored, timestamp, verb, actor_id, "
    "registration, target, voided, pupil_id) FROM STDIN"
)
_LINKS_SQL = (
    "INSERT INTO {} (statement_id, {}, usage) "
    "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::smallint[])"
)
_AGENT_LINKS_SQL = _LINKS_SQL.format(StatementAgent._meta.db_table, "agent_id")
_ACTIVITY_LINKS_SQL = _LINKS_SQL.format(StatementActivity._meta.db_table, "activity_id")
_FIELD_NAMES = [f.attname for f in Statement._meta.concrete_fields]
_VOID_SQL = f"UPDATE {_STATEMENT} SET voided = true WHERE statement_id = ANY(%s::uuid[]) AND verb <> %s"  # noqa: S608


def _lookup_pg(prepared: list[Prepared]) -> Lookup:
    """Everything :class:`Lookup` holds in one round trip to PostgreSQL: five SELECTs sent as one
    query text (Django's psycopg cursor binds parameters client-side, which allows several
    statements), read back with ``nextset``. Row ids for the whole batch are drawn from the sequence
    in the same trip (ids of statements that turn out to be stored already are simply not used)."""
    ids, ifis, iris = _batch_keys(prepared)
    with connection.cursor() as cursor:
        cursor.execute(
            _LOOKUP_SQL,
            [
                text_array(ids),
                text_array(ids),
                VOIDED_VERB,
                text_array(ifis),
                text_array(iris),
                len(prepared),
            ],
        )
        existing = dict(cursor.fetchall())
        cursor.nextset()
        already_voided = {row[0] for row in cursor.fetchall()}
        cursor.nextset()
        agents = {ifi: (pk, student, status) for ifi, pk, student, status in cursor.fetchall()}
        cursor.nextset()
        activities = {iri: (pk, definition) for iri, pk, definition in cursor.fetchall()}
        cursor.nextset()
        row_ids = sorted(row[0] for row in cursor.fetchall())
    return Lookup(existing, already_voided, agents, activities, row_ids)


def _lookup_orm(prepared: list[Prepared]) -> Lookup:
    """:class:`Lookup` through the ORM (SQLite and any other database): four set-based queries."""
    ids, ifis, iris = _batch_keys(prepared)
    existing = {
        str(sid): data
        for sid, data in Statement.objects.filter(statement_id__in=ids).values_list("statement_id", "data")
    }
    already_voided = {
        str(t)
        for t in Statement.objects.filter(target__in=ids, verb=VOIDED_VERB).values_list("target", flat=True)
    }
    return Lookup(existing, already_voided, _agent_rows(ifis), _activity_rows(iris))


def _agent_rows(ifis: list[str]) -> dict[str, AgentRow]:
    rows = XapiAgent.objects.filter(ifi__in=ifis).values_list("ifi", "pk", "student_id", "status")
    return {ifi: (pk, student, status) for ifi, pk, student, status in rows}


def _activity_rows(iris: list[str]) -> dict[str, tuple[int, Any]]:
    rows = XapiActivity.objects.filter(iri__in=iris).values_list("iri", "pk", "definition")
    return {iri: (pk, definition) for iri, pk, definition in rows}


def _ensure_agents(new: list[Prepared], found: dict[str, AgentRow]) -> dict[str, AgentRow]:
    """Create the agents the batch names that the store lacks; new actors are matched to pupils or
    quarantined (only agents first seen as an actor: a handful of queries when there are any)."""
    wanted: dict[str, dict[str, Any]] = {}
    actors: set[str] = set()
    for p in new:
        for ifi, value, usage in p.agents:
            wanted.setdefault(ifi, value)
            if usage == AgentUsage.ACTOR:
                actors.add(ifi)
    missing = [ifi for ifi in wanted if ifi not in found]
    if missing:
        XapiAgent.objects.bulk_create(
            [
                XapiAgent(
                    ifi=ifi,
                    object_type=wanted[ifi].get("objectType", "Agent"),
                    name=str(wanted[ifi].get("name", ""))[:200],
                )
                for ifi in missing
            ],
            ignore_conflicts=True,
        )
        found.update(_agent_rows(missing))
    newly_actors = [ifi for ifi in actors if found[ifi][2] == AgentStatus.NOT_PUPIL]
    if newly_actors:
        from tsunagu.learning.services import match_new_actors

        agents = list(XapiAgent.objects.filter(ifi__in=newly_actors))
        match_new_actors(agents=agents)
        for agent in agents:
            found[agent.ifi] = (agent.pk, agent.student_id, agent.status)
    return found


def _ensure_activities(new: list[Prepared], found: dict[str, tuple[int, Any]]) -> dict[str, int]:
    """Create missing activities; a definition received replaces the stored one (the LRS keeps the
    latest definition as its canonical one). Returns IRI -> pk."""
    wanted: dict[str, dict[str, Any] | None] = {}
    for p in new:
        for iri, definition, _usage in p.activities:
            if definition is not None or iri not in wanted:
                wanted[iri] = definition
    missing = [iri for iri in wanted if iri not in found]
    if missing:
        XapiActivity.objects.bulk_create(
            [XapiActivity(iri=iri, definition=wanted[iri]) for iri in missing], ignore_conflicts=True
        )
        found.update(_activity_rows(missing))
    changed = []
    for iri, definition in wanted.items():
        if definition is None or iri in missing:
            continue
        pk, current = found[iri]
        if isinstance(current, str):  # jsonb read by a raw cursor comes as text
            current = json.loads(current)
        if current != definition:
            changed.append(XapiActivity(pk=pk, iri=iri, definition=definition))
    if changed:
        XapiActivity.objects.bulk_update(changed, ["definition"])
    return {iri: found[iri][0] for iri in wanted}


def store_statements(
    *,
    raw: list[Any],
    client: LearningClient,
    version: str,
    statement_id: str | None = None,
    parts: list[Any] | None = None,
) -> StoreResult:
    """Validate and store a batch (see the module docstring); raises :class:`XapiError`, writing nothing.

    Queries per batch whatever its size: on PostgreSQL one round trip reads what the store holds
    (stored ids, voided targets, agents, activities, new row ids), one ``COPY`` writes the
    statements and one more round trip the link rows (and the voiding); new agents or activities
    add a few. Nothing is queried per statement.
    """
    now = timezone.now()
    stored = now.replace(microsecond=now.microsecond // 1000 * 1000)  # as precise as the JSON says
    authority = client_authority(client)
    prepared = [
        prepare(
            item,
            client=client,
            version=version,
            stored=stored,
            statement_id=statement_id,
            authority=authority,
        )
        for item in raw
    ]
    ids = [p.statement_id for p in prepared]
    if len(set(ids)) != len(ids):
        raise XapiError(400, "the batch holds two statements with the same id")
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        lookup = _lookup_pg(prepared) if postgres else _lookup_orm(prepared)
        new: list[Prepared] = []
        for index, p in enumerate(prepared):
            old = lookup.existing.get(p.statement_id)
            if old is None:
                new.append(p)
            elif not statements_match(jsontext.loads(old), raw[index]):
                raise XapiError(409, f"statement {p.statement_id} is already stored with other content")
        _check_voiding(new)
        if not new:
            return StoreResult(ids=ids, written=0)
        agents = _ensure_agents(new, lookup.agents)
        _check_schools(client, new, agents)
        activities = _ensure_activities(new, lookup.activities)
        client_id = client.pk
        values = []  # the statements' column values, in the model's field order (id first)
        agent_links: dict[tuple[int, int, int], None] = {}  # (row index, agent pk, usage), distinct
        activity_links: dict[tuple[int, int, int], None] = {}
        for index, p in enumerate(new):
            actor = agents[p.actor] if p.actor else None
            values.append(
                (
                    lookup.ids[index] if postgres else None,
                    p.statement_id,
                    client_id,
                    dumps(p.data),
                    stored,
                    p.timestamp,
                    p.verb,
                    actor[0] if actor else None,
                    p.registration,
                    p.target,
                    p.statement_id in lookup.already_voided and not p.voiding,
                    actor[1] if actor else None,
                )
            )
            for ifi, _value, usage in p.agents:
                agent_links[(index, agents[ifi][0], usage)] = None
            for iri, _definition, usage in p.activities:
                activity_links[(index, activities[iri], usage)] = None
        targets = [p.target for p in new if p.voiding and p.target]
        if postgres:
            rows = _write_pg(values, list(agent_links), list(activity_links), targets)
        else:
            rows = _write_orm(values, list(agent_links), list(activity_links), targets)
        if parts:
            XapiAttachment.objects.bulk_create(
                [XapiAttachment(sha2=p.sha2, content_type=p.content_type, content=p.content) for p in parts],
                ignore_conflicts=True,
            )
        statements_stored.send(sender=Statement, statements=rows(), voided=[str(t) for t in targets])
    return StoreResult(ids=ids, written=len(new))


def _write_orm(
    values: list[tuple[Any, ...]],
    agent_links: list[tuple[int, int, int]],
    activity_links: list[tuple[int, int, int]],
    targets: list[str],
) -> Callable[[], list[Statement]]:
    """Insert the statements and their link rows with ``bulk_create`` (SQLite and the rest)."""
    rows = [Statement(*v) for v in values]  # type: ignore[misc]  # positional, field order
    Statement.objects.bulk_create(rows)
    StatementAgent.objects.bulk_create(
        [StatementAgent(statement=rows[i], agent_id=a, usage=u) for i, a, u in agent_links]
    )
    StatementActivity.objects.bulk_create(
        [StatementActivity(statement=rows[i], activity_id=a, usage=u) for i, a, u in activity_links]
    )
    if targets:
        Statement.objects.filter(statement_id__in=targets).exclude(verb=VOIDED_VERB).update(voided=True)
    return lambda: rows


def _write_pg(
    values: list[tuple[Any, ...]],
    agent_links: list[tuple[int, int, int]],
    activity_links: list[tuple[int, int, int]],
    targets: list[str],
) -> Callable[[], list[Statement]]:
    """PostgreSQL: the statements with ``COPY`` (it spares the per-value quoting of a large INSERT,
    which was most of a batch's cost), then the link rows as ``INSERT … SELECT unnest`` of three
    integer arrays each and the voiding ``UPDATE``, sent as one query text (one round trip).

    Returns a function building the :class:`Statement` rows for the ``statements_stored`` signal
    (called once, when it is sent; ``from_db`` is the cheap positional constructor)."""
    sql: list[str] = []
    params: list[Any] = []
    for link_sql, links in ((_AGENT_LINKS_SQL, agent_links), (_ACTIVITY_LINKS_SQL, activity_links)):
        if links:
            sql.append(link_sql)
            params += [
                int_array([values[i][0] for i, _a, _u in links]),
                int_array([a for _i, a, _u in links]),
                int_array([u for _i, _a, u in links]),
            ]
    if targets:
        sql.append(_VOID_SQL)
        params += [text_array(targets), VOIDED_VERB]
    with connection.cursor() as cursor:
        with cursor.cursor.copy(_COPY_SQL) as copy:
            for row in values:
                copy.write_row(row)
        if sql:
            cursor.execute(";\n".join(sql), params)

    def rows() -> list[Statement]:
        if not statements_stored.has_listeners(Statement):
            return []
        alias = connection.alias
        return [Statement.from_db(alias, _FIELD_NAMES, (v[0], uuid.UUID(v[1]), *v[2:])) for v in values]

    return rows


def _check_schools(client: LearningClient, new: list[Prepared], agents: dict[str, AgentRow]) -> None:
    """403 when a statement names a pupil not enrolled at a school the client serves (see
    ``schools.py``; one or two queries for a client serving some schools, none for one serving all)."""
    if client.all_schools:
        return
    # An agent stands for a pupil when matched to one, or when it is an account of our issuer naming
    # a pupil's UUID though the store has seen it only as an object, instructor … (never matched).
    named = agent_pupils({ifi for p in new for ifi, _v, _u in p.agents}, known=agents)
    outside = pupils_outside(client, set(named.values()))
    if not outside:
        return
    for p in new:
        if any(named.get(ifi) in outside for ifi, _v, _u in p.agents):
            raise XapiError(
                403,
                f"statement {p.statement_id} is about a pupil of a school this learning app does not serve",
            )


def _check_voiding(new: list[Prepared]) -> None:
    """A voiding statement must not target a voiding statement (Data §2.3.2)."""
    targets = {p.target for p in new if p.voiding and p.target}
    if not targets:
        return
    batch_voiding = {p.statement_id for p in new if p.voiding}
    stored_voiding = set(
        str(s)
        for s in Statement.objects.filter(statement_id__in=targets, verb=VOIDED_VERB).values_list(
            "statement_id", flat=True
        )
    )
    if targets & (batch_voiding | stored_voiding):
        raise XapiError(400, "a voiding statement cannot be voided")
