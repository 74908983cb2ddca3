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
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

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
from tsunagu.learning.xapi.validate import (
    VOIDED_VERB,
    format_timestamp,
    parse_timestamp,
    validate_statement,
)

#: The issuer of our pupils' xAPI accounts: ``actor.account.homePage`` (STANDARDS.md §3). A setting
#: ``TSUNAGU_XAPI_ISSUER`` overrides it (proposed for tsunagu/config/settings.py).
DEFAULT_ISSUER = "https://tsunagu.example.jp"


def issuer() -> str:
    """Our xAPI account ``homePage`` (without a trailing slash)."""
    return str(getattr(settings, "TSUNAGU_XAPI_ISSUER", DEFAULT_ISSUER)).rstrip("/")


def dumps(value: Any) -> str:
    """Compact JSON text as the LRS stores and returns it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


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
    raw: Any, *, client: LearningClient, version: str, stored: dt.datetime, statement_id: str | None = None
) -> Prepared:
    """Validate ``raw`` and build what will be stored (``statement_id`` from a PUT's parameter)."""
    statement = validate_statement(raw, version=version)
    if statement_id is not None:
        if "id" in statement and statement["id"].lower() != statement_id.lower():
            raise XapiError(400, "statement.id differs from the statementId parameter")
        statement["id"] = statement_id
    data = dict(statement)
    _activities_as_arrays(data)
    data["id"] = str(uuid.UUID(data["id"])) if "id" in data else str(uuid.uuid4())
    data["stored"] = format_timestamp(stored)
    data["authority"] = client_authority(client)
    data.setdefault("version", "2.0.0" if version.startswith("2.") else "1.0.0")
    timestamp = parse_timestamp(data["timestamp"], "statement.timestamp") if "timestamp" in data else stored
    data.setdefault("timestamp", format_timestamp(stored))
    obj = data["object"]
    prepared = Prepared(
        statement_id=data["id"],
        data=data,
        verb=data["verb"]["id"],
        actor=agent_ifi(data["actor"]),
        timestamp=timestamp,
        registration=(data.get("context") or {}).get("registration"),
        target=str(uuid.UUID(obj["id"])) if obj.get("objectType") == "StatementRef" else None,
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
    return value


def statements_match(stored: dict[str, Any], incoming: dict[str, Any]) -> bool:
    """True when ``incoming`` is the same statement as ``stored`` but for what the LRS may assign
    (id case, stored, authority, version, a timestamp it filled in) and serialisation."""
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


def _agents_by_ifi(prepared: list[Prepared]) -> dict[str, XapiAgent]:
    """Find or create every agent the batch names; new actors are matched to pupils or quarantined."""
    wanted: dict[str, dict[str, Any]] = {}
    actors: set[str] = set()
    for p in prepared:
        for ifi, value, usage in p.agents:
            wanted.setdefault(ifi, value)
            if usage == AgentUsage.ACTOR:
                actors.add(ifi)
    found = {a.ifi: a for a in XapiAgent.objects.filter(ifi__in=list(wanted))}
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
        found.update({a.ifi: a for a in XapiAgent.objects.filter(ifi__in=missing)})
    newly_actors = [found[ifi] for ifi in actors if found[ifi].status == AgentStatus.NOT_PUPIL]
    if newly_actors:
        from tsunagu.learning.services import match_new_actors

        match_new_actors(agents=newly_actors)
    return found


def _activities_by_iri(prepared: list[Prepared]) -> dict[str, XapiActivity]:
    """Find or create every activity; a definition received replaces the stored one (the LRS keeps
    the latest definition as its canonical one)."""
    wanted: dict[str, dict[str, Any] | None] = {}
    for p in prepared:
        for iri, definition, _usage in p.activities:
            if definition is not None or iri not in wanted:
                wanted[iri] = definition
    found = {a.iri: a for a in XapiActivity.objects.filter(iri__in=list(wanted))}
    missing = [iri for iri in wanted if iri not in found]
    if missing:
        XapiActivity.objects.bulk_create(
            [XapiActivity(iri=iri, definition=wanted[iri]) for iri in missing], ignore_conflicts=True
        )
        found.update({a.iri: a for a in XapiActivity.objects.filter(iri__in=missing)})
    changed = [
        found[iri]
        for iri, definition in wanted.items()
        if definition is not None and iri not in missing and found[iri].definition != definition
    ]
    for activity in changed:
        activity.definition = wanted[activity.iri]
    if changed:
        XapiActivity.objects.bulk_update(changed, ["definition"])
    return found


def store_statements(
    *,
    raw: list[Any],
    client: LearningClient,
    version: str,
    statement_id: str | None = None,
    parts: list[Any] | None = None,
) -> StoreResult:
    """Validate and store a batch (see the module docstring); raises :class:`XapiError`, writing nothing."""
    now = timezone.now()
    stored = now.replace(microsecond=now.microsecond // 1000 * 1000)  # as precise as the JSON says
    prepared = [
        prepare(item, client=client, version=version, stored=stored, statement_id=statement_id)
        for item in raw
    ]
    ids = [p.statement_id for p in prepared]
    if len(set(ids)) != len(ids):
        raise XapiError(400, "the batch holds two statements with the same id")
    with transaction.atomic():
        existing = {
            str(s.statement_id): s
            for s in Statement.objects.filter(statement_id__in=ids).only("statement_id", "data", "verb")
        }
        new: list[Prepared] = []
        for p in prepared:
            old = existing.get(p.statement_id)
            if old is None:
                new.append(p)
            elif not statements_match(json.loads(old.data), raw[ids.index(p.statement_id)]):
                raise XapiError(409, f"statement {p.statement_id} is already stored with other content")
        _check_voiding(new)
        if not new:
            return StoreResult(ids=ids, written=0)
        agents = _agents_by_ifi(new)
        activities = _activities_by_iri(new)
        already_voided = set(
            str(t)
            for t in Statement.objects.filter(
                target__in=[p.statement_id for p in new], verb=VOIDED_VERB
            ).values_list("target", flat=True)
        )
        rows = [
            Statement(
                statement_id=p.statement_id,
                client=client,
                data=dumps(p.data),
                stored=stored,
                timestamp=p.timestamp,
                verb=p.verb,
                actor=agents[p.actor] if p.actor else None,
                registration=p.registration,
                target=p.target,
                voided=p.statement_id in already_voided and not p.voiding,
                pupil_id=agents[p.actor].student_id if p.actor else None,
            )
            for p in new
        ]
        agent_links: list[tuple[int, int, int]] = []  # (row index, agent pk, usage)
        activity_links: list[tuple[int, int, int]] = []
        for index, p in enumerate(new):
            for ifi, _value, usage in p.agents:
                agent_links.append((index, agents[ifi].pk, usage))
            for iri, _definition, usage in p.activities:
                activity_links.append((index, activities[iri].pk, usage))
        _write_rows(rows, list(dict.fromkeys(agent_links)), list(dict.fromkeys(activity_links)))
        if parts:
            XapiAttachment.objects.bulk_create(
                [XapiAttachment(sha2=p.sha2, content_type=p.content_type, content=p.content) for p in parts],
                ignore_conflicts=True,
            )
        targets = [p.target for p in new if p.voiding]
        if targets:
            Statement.objects.filter(statement_id__in=targets).exclude(verb=VOIDED_VERB).update(voided=True)
        statements_stored.send(sender=Statement, statements=rows, voided=[str(t) for t in targets])
    return StoreResult(ids=ids, written=len(new))


def _write_rows(
    rows: list[Statement], agent_links: list[tuple[int, int, int]], activity_links: list[tuple[int, int, int]]
) -> None:
    """Insert the statements and their link rows: PostgreSQL ``COPY`` (ids drawn from the sequence
    first, so the links can name them), else ``bulk_create``. COPY spares the per-value quoting of a
    large INSERT, which is most of the cost of a batch (measured with the ``xapi_ingest`` benchmark)."""
    if connection.vendor != "postgresql":
        Statement.objects.bulk_create(rows)
        StatementAgent.objects.bulk_create(
            [StatementAgent(statement=rows[i], agent_id=a, usage=u) for i, a, u in agent_links]
        )
        StatementActivity.objects.bulk_create(
            [StatementActivity(statement=rows[i], activity_id=a, usage=u) for i, a, u in activity_links]
        )
        return
    table = Statement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = sorted(r[0] for r in cursor.fetchall())
        raw = cursor.cursor
        columns = (
            "id, statement_id, client_id, data, stored, timestamp, verb, actor_id, registration, target, "
            "voided, pupil_id"
        )
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                row.pk = pk
                copy.write_row(
                    (
                        pk,
                        row.statement_id,
                        row.client_id,
                        row.data,
                        row.stored,
                        row.timestamp,
                        row.verb,
                        row.actor_id,
                        row.registration,
                        row.target,
                        row.voided,
                        row.pupil_id,
                    )
                )
        for model, links, column in (
            (StatementAgent, agent_links, "agent_id"),
            (StatementActivity, activity_links, "activity_id"),
        ):
            with raw.copy(f"COPY {model._meta.db_table} (statement_id, {column}, usage) FROM STDIN") as copy:
                for index, target, usage in links:
                    copy.write_row((ids[index], target, usage))


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
