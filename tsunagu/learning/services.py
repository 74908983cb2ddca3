"""Writes of the learning app: registering clients and their credentials, matching actors to pupils,
and the log of refused LRS requests. (Statements are written by ``xapi/store.py``.)"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from tsunagu.core.audit import audit_event
from tsunagu.core.scope import system_scope
from tsunagu.learning import credentials
from tsunagu.learning.models import (
    AgentStatus,
    LearningClient,
    Permission,
    RejectedRequest,
    Statement,
    StatementDay,
    XapiAgent,
)
from tsunagu.learning.signals import statements_reattributed


class MatchError(ValueError):
    """The pupil to match an actor to was not found."""


def client_register(
    *,
    actor: Any,
    board: Any,
    name: str,
    kind: str,
    all_schools: bool,
    schools: Iterable[Any] = (),
    permissions: Iterable[str],
    key: str | None = None,
    secret: str | None = None,
) -> tuple[LearningClient, str]:
    """Register a learning app or portal; returns it with its secret (shown once, stored hashed).

    ``key`` and ``secret`` may be given only by the demo seeder (known demo credentials).
    """
    secret = secret or credentials.new_secret()
    valid = {p.value for p in Permission}
    with transaction.atomic():
        client = LearningClient.objects.create(
            board=board,
            name=name,
            kind=kind,
            all_schools=all_schools,
            permissions=[p for p in permissions if p in valid],
            key=key or credentials.new_key(),
            secret_hash=credentials.hash_secret(secret),
            rotated_at=timezone.now(),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if not all_schools:
            client.schools.set(list(schools))
        audit_event(
            kind="learning_client_registered", actor=actor, detail={"client": str(client.uuid), "name": name}
        )
    return client, secret


def client_update(
    *,
    actor: Any,
    client: LearningClient,
    name: str,
    kind: str,
    all_schools: bool,
    schools: Iterable[Any],
    permissions: Iterable[str],
) -> LearningClient:
    """Change a client's name, kind, schools and permissions (its credentials stay)."""
    valid = {p.value for p in Permission}
    with transaction.atomic():
        client.name, client.kind, client.all_schools = name, kind, all_schools
        client.permissions = [p for p in permissions if p in valid]
        client.save(update_fields=["name", "kind", "all_schools", "permissions", "updated_at"])
        client.schools.set([] if all_schools else list(schools))
        audit_event(kind="learning_client_changed", actor=actor, detail={"client": str(client.uuid)})
    return client


def client_rotate(*, actor: Any, client: LearningClient) -> str:
    """Issue a new secret (the old one stops working at once) and re-activate a revoked client."""
    secret = credentials.new_secret()
    with transaction.atomic():
        client.secret_hash = credentials.hash_secret(secret)
        client.rotated_at = timezone.now()
        client.active, client.revoked_at = True, None
        client.save(update_fields=["secret_hash", "rotated_at", "active", "revoked_at", "updated_at"])
        audit_event(kind="learning_client_rotated", actor=actor, detail={"client": str(client.uuid)})
    return secret


def client_revoke(*, actor: Any, client: LearningClient) -> None:
    """Revoke a client's credentials: its next request is answered 401."""
    with transaction.atomic():
        client.active, client.revoked_at = False, timezone.now()
        client.save(update_fields=["active", "revoked_at", "updated_at"])
        audit_event(kind="learning_client_revoked", actor=actor, detail={"client": str(client.uuid)})


def match_new_actors(*, agents: list[XapiAgent]) -> None:
    """Agents first seen as a statement's actor: matched to the pupil their account names, or left
    waiting in the quarantine (called inside the LRS's write transaction)."""
    from tsunagu.learning.xapi.schools import issuer_pupil_uuid
    from tsunagu.students.models import Student

    wanted = {a.pk: issuer_pupil_uuid(a.ifi) for a in agents}
    uuids = [u for u in wanted.values() if u is not None]
    pupils: dict[uuid.UUID, int] = {}
    if uuids:
        with system_scope(reason="xAPI: match new statement actors to pupils by UUID"):
            pupils = dict(Student.objects.filter(uuid__in=uuids).values_list("uuid", "pk"))
    for agent in agents:
        pupil_uuid = wanted[agent.pk]
        agent.student_id = pupils.get(pupil_uuid) if pupil_uuid else None
        agent.status = AgentStatus.MATCHED if agent.student_id else AgentStatus.UNMATCHED
    XapiAgent.objects.bulk_update(agents, ["student", "status"])


def _statements_reattribute(*, agent: XapiAgent, pupil_id: int | None) -> None:
    """Give the statements ``agent`` is the actor of to ``pupil_id`` (None: to nobody) and send
    ``statements_reattributed`` once per pupil they leave (inside the caller's transaction, so what
    receivers derive moves with the decision or not at all). Statements already the pupil's move
    nothing and are not sent."""
    moving = Statement.objects.filter(actor=agent)
    moving = moving.filter(pupil__isnull=False) if pupil_id is None else moving.exclude(pupil_id=pupil_id)
    by_old: dict[int | None, list[str]] = {}
    for statement_id, old in moving.values_list("statement_id", "pupil_id").order_by("pk"):
        by_old.setdefault(old, []).append(str(statement_id))
    if not by_old:
        return
    Statement.objects.filter(actor=agent).update(pupil_id=pupil_id)
    for old, ids in by_old.items():
        statements_reattributed.send(
            sender=Statement, statement_ids=ids, old_pupil_id=old, new_pupil_id=pupil_id
        )


def agent_match(*, actor: Any, agent: XapiAgent, pupil_uuid: str) -> XapiAgent:
    """The board matches a quarantined actor to a pupil (by the pupil's UUID): the agent and every
    statement it is the actor of now belong to the pupil (``statements_reattributed`` tells the apps
    that derive data from them, in this transaction)."""
    from tsunagu.students.models import Student

    try:
        wanted = uuid.UUID(pupil_uuid.strip())
    except ValueError as exc:
        raise MatchError("not a UUID") from exc
    with transaction.atomic():
        with system_scope(reason="board matches a quarantined xAPI actor to a pupil"):
            pupil = Student.objects.filter(uuid=wanted).first()
        if pupil is None:
            raise MatchError("no such pupil")
        agent.student, agent.status = pupil, AgentStatus.MATCHED
        agent.decided_by, agent.decided_at = actor, timezone.now()
        agent.save(update_fields=["student", "status", "decided_by", "decided_at"])
        _statements_reattribute(agent=agent, pupil_id=pupil.pk)
        audit_event(
            kind="xapi_actor_matched", actor=actor, detail={"agent": agent.pk, "pupil": str(pupil.uuid)}
        )
    return agent


def agent_reject(*, actor: Any, agent: XapiAgent) -> XapiAgent:
    """The board rejects a quarantined actor: its statements stay stored (xAPI statements are
    immutable) but are never attributed to a pupil (taken from the pupil a matched actor had, with
    ``statements_reattributed``)."""
    with transaction.atomic():
        agent.student, agent.status = None, AgentStatus.REJECTED
        agent.decided_by, agent.decided_at = actor, timezone.now()
        agent.save(update_fields=["student", "status", "decided_by", "decided_at"])
        _statements_reattribute(agent=agent, pupil_id=None)
        audit_event(kind="xapi_actor_rejected", actor=actor, detail={"agent": agent.pk})
    return agent


def rejection_log(*, client: LearningClient | None, method: str, path: str, status: int, reason: str) -> None:
    """Record a refused LRS request (outside the refused request's rolled-back transaction)."""
    RejectedRequest.objects.create(
        client=client, method=method[:10], path=path[:200], status=status, reason=reason[:500]
    )


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of ``day`` and of the next day, in the local time zone."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def statement_days_summarise(*, since: dt.date, until: dt.date) -> int:
    """Count the statements of each closed day from ``since`` to ``until`` not counted yet, per app,
    into :class:`StatementDay` (one aggregate query per missing day; nothing when all are counted).
    ``until`` must be a day no batch can still be stored on (the caller keeps yesterday live: a
    batch stamped just before midnight may commit after it). Returns the number of days counted."""
    done = set(
        StatementDay.objects.filter(client__isnull=True, day__range=(since, until)).values_list(
            "day", flat=True
        )
    )
    missing = [
        since + dt.timedelta(days=i)
        for i in range((until - since).days + 1)
        if since + dt.timedelta(days=i) not in done
    ]
    for day in missing:
        start, end = day_bounds(day)
        counts = list(
            Statement.objects.filter(stored__gte=start, stored__lt=end)
            .values_list("client_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        with transaction.atomic():
            rows = [StatementDay(day=day, client_id=client, count=n) for client, n in counts]
            rows.append(StatementDay(day=day, client=None, count=sum(n for _c, n in counts)))
            StatementDay.objects.bulk_create(rows, ignore_conflicts=True)
    return len(missing)
