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

A client serving every school is not narrowed at all (no extra query).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.learning.models import LearningClient


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
