"""The schools a learning app serves: what it may write and read about pupils (decision 0019).

A client registered for some schools only (``all_schools`` off) may

- **write** statements about pupils enrolled, on the day the statement is stored, at one of the
  schools it serves. A statement naming a pupil of another school — as the actor or anywhere else
  an agent appears (object, team, instructor, context agents, a sub-statement) — refuses the whole
  batch with 403 (xAPI: authenticated but not allowed; a batch is all or nothing), and the refusal
  is logged for the monitoring page. Not quarantined: the pupil is known, and storing what an app
  says about a pupil it has no business with is exactly what the registry is there to prevent.
  Statements about agents that are not (yet) pupils are stored as before and wait in the
  quarantine.
- **read** statements about pupils of the schools it serves, and its own statements about no pupil
  (its quarantined actors, teachers); statements about pupils of other schools stay out of its
  answers, also when it holds ``statements/read``.

The documents and the Agents resource follow the same line (:func:`documents_scope`,
:func:`check_agent`):

- **State and Agent Profile** are keyed by an agent. An agent that stands for a pupil (matched to
  them, or an account of our issuer naming their UUID) must be a pupil enrolled today at a school
  the client serves, else 403 — for reading, writing and deleting alike. The documents of an agent
  that stands for no pupil (an unknown actor waiting in the quarantine, a teacher's address) are
  the app's own: it reads, lists, changes and deletes only the documents it created.
- **Agents** (the Person object, which joins every identifier matched to the same pupil): 403 for a
  pupil of another school; an agent that stands for no pupil is answered as given.
- **Activity Profile** documents name no agent, but an app may keep anything in them: they too are
  the app's own (the documents it created).
- **Activities** (an IRI's canonical definition: a question's name and interaction, never a
  person) are answered to every client allowed the resource.

A document of another app out of a client's reach answers as a missing one (404 on GET, left out
of the id lists, a DELETE removes nothing); a PUT or POST onto it is refused with 403 (the key is
taken). A client serving every school is not narrowed at all (no extra query).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.learning.models import AgentStatus, LearningClient, XapiAgent
from tsunagu.learning.xapi.errors import XapiError

#: What the store knows of an agent: (pk, pupil id or None, status).
AgentRow = tuple[int, int | None, str]


def served_school_ids(client: LearningClient) -> list[int] | None:
    """The pks of the schools ``client`` serves; None when it serves every school."""
    if client.all_schools:
        return None
    cached: list[int] | None = getattr(client, "_served_school_ids", None)
    if cached is None:
        cached = list(client.schools.values_list("pk", flat=True))
        client._served_school_ids = cached  # type: ignore[attr-defined]
    return cached


def _enrolled_today(school_ids: list[int]) -> Q:
    from tsunagu.students.selectors import enrolled_on

    today = timezone.localdate()
    return Q(school_id__in=school_ids) & enrolled_on(today)


def pupils_outside(client: LearningClient, pupil_ids: Iterable[int]) -> set[int]:
    """Of ``pupil_ids``, those not enrolled today at a school ``client`` serves (one query; none for a
    client serving every school)."""
    wanted = {p for p in pupil_ids if p is not None}
    schools = served_school_ids(client)
    if schools is None or not wanted:
        return set()
    from tsunagu.students.models import Enrolment

    with system_scope(reason="xAPI: are the pupils of a batch at the schools the learning app serves"):
        inside = set(
            Enrolment.objects.filter(_enrolled_today(schools), student_id__in=wanted).values_list(
                "student_id", flat=True
            )
        )
    return wanted - inside


def readable(client: LearningClient) -> Q | None:
    """The statements ``client`` may read as far as schools go (None: no narrowing)."""
    schools = served_school_ids(client)
    if schools is None:
        return None
    from tsunagu.students.models import Enrolment

    with system_scope(reason="xAPI: the pupils of the schools a learning app serves"):
        pupils = Enrolment.objects.filter(_enrolled_today(schools)).values("student_id")
    return Q(pupil_id__in=pupils) | Q(pupil__isnull=True, client=client)


def issuer_pupil_uuid(ifi: str) -> uuid.UUID | None:
    """The pupil UUID an IFI names when it is an account of our issuer (``account:<issuer>|<uuid>``)."""
    from tsunagu.learning.xapi.store import issuer

    prefix = f"account:{issuer()}|"
    if not ifi.startswith(prefix):
        return None
    try:
        return uuid.UUID(ifi[len(prefix) :])
    except ValueError:
        return None


def agent_pupils(ifis: Iterable[str], *, known: Mapping[str, AgentRow] | None = None) -> dict[str, int]:
    """The pupil each of ``ifis`` stands for (only those standing for one): the pupil the agent is
    matched to (by the store or the board), else — for an agent the store has not seen as an actor,
    or not at all — the pupil whose UUID an account of our issuer names. An agent the board rejected
    stands for nobody. ``known`` are the store's rows when the caller has them (else one query);
    one more query only for accounts of our issuer not matched yet."""
    wanted = set(ifis)
    if known is None:
        rows = XapiAgent.objects.filter(ifi__in=wanted).values_list("ifi", "pk", "student_id", "status")
        known = {ifi: (pk, student, status) for ifi, pk, student, status in rows}
    found: dict[str, int] = {}
    by_uuid: dict[uuid.UUID, list[str]] = {}
    for ifi in wanted:
        row = known.get(ifi)
        if row is not None and row[1] is not None:
            found[ifi] = row[1]
        elif row is None or row[2] != AgentStatus.REJECTED:
            pupil_uuid = issuer_pupil_uuid(ifi)
            if pupil_uuid is not None:
                by_uuid.setdefault(pupil_uuid, []).append(ifi)
    if by_uuid:
        from tsunagu.students.models import Student

        with system_scope(reason="xAPI: the pupils named by accounts of our issuer"):
            pupils = Student.objects.filter(uuid__in=list(by_uuid)).values_list("uuid", "pk")
            for pupil_uuid, pk in pupils:
                for ifi in by_uuid[pupil_uuid]:
                    found[ifi] = pk
    return found


def check_agent(client: LearningClient, ifi: str) -> bool:
    """For a request naming the agent ``ifi``: 403 when it stands for a pupil not enrolled today at a
    school ``client`` serves. Returns whether the agent stands for a pupil (always True, without a
    query, for a client serving every school: nothing of its is narrowed)."""
    if served_school_ids(client) is None:
        return True
    pupil = agent_pupils([ifi]).get(ifi)
    if pupil is None:
        return False
    if pupils_outside(client, [pupil]):
        raise XapiError(403, "the agent is a pupil of a school this learning app does not serve")
    return True


def documents_scope(client: LearningClient, agent_ifi: str | None) -> dict[str, Any]:
    """The extra filter of the documents ``client`` may touch under one agent (State, Agent Profile)
    or under none (Activity Profile, ``agent_ifi`` None): nothing more for a client serving every
    school and for a pupil of a school it serves; else the documents it created (403 first for a
    pupil of another school, see :func:`check_agent`)."""
    if served_school_ids(client) is None:
        return {}
    if agent_ifi and check_agent(client, agent_ifi):
        return {}
    return {"client": client}
