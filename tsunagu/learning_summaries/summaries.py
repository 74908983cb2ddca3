"""Keeping learning summaries: set-based increments from a batch of statements, and the rebuild.

:func:`summaries_apply` adds what new statements contribute and subtracts what voided ones had added,
as **one** ``INSERT … SELECT … ON CONFLICT DO UPDATE`` of net increments per (pupil, subject, day) — the
subject resolved by a join on its code inside the same statement — plus, only when something was
subtracted, one ``DELETE`` of rows left at zero (a rebuild would not have them). On PostgreSQL the rows
are inserted in key order, so two batches touching the same rows lock them in the same order and cannot
deadlock; ``ON CONFLICT`` makes concurrent increments of one row add up. SQLite has supported the same
upsert since 3.24 and serialises writers anyway.

:func:`summaries_rebuild` recomputes the rows of some pupils (or all) from the stored statements, in
chunks of pupils, each chunk in its own transaction. On PostgreSQL it first takes a ``SHARE ROW
EXCLUSIVE`` lock on the summary table: an ingest whose receiver already wrote commits first (and its
statements are then read), one that has not yet written waits and adds its increments after the rebuilt
rows — either way nothing is counted twice or lost.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from tsunagu.core import jsontext
from tsunagu.core.pgarray import int_array, literal_array, text_array
from tsunagu.core.scope import system_scope
from tsunagu.learning.models import Statement
from tsunagu.learning_summaries import subjects
from tsunagu.learning_summaries.extract import TIMED, VOIDED, Contribution, contribution
from tsunagu.learning_summaries.models import LearningSummary
from tsunagu.students.models import Enrolment

#: (pupil id, stored JSON text, verb, timestamp) — what a summary needs of a statement.
Item = tuple[int, str, str, dt.datetime]
Key = tuple[int, str, dt.date]  # (pupil id, subject code, day)
FIELDS = ("attempts", "answered", "correct", "score_milli", "score_max_milli", "seconds")
CHUNK_PUPILS = 500
INSERT_ROWS = 500


def _stages(pupil_days: set[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], str]:
    """The stage (``P``/``J``) of each pupil on each day, from the enrolment covering the day (else the
    pupil's latest earlier one): one query, only for statements that name a subject without a stage."""
    if not pupil_days:
        return {}
    pupils = sorted({p for p, _ in pupil_days})
    with system_scope(reason="learning summaries: the grade stage of pupils whose statements lack one"):
        rows = list(
            Enrolment.objects.filter(student_id__in=pupils)
            .order_by("student_id", "start_date")
            .values_list("student_id", "start_date", "end_date", "grade_level__stage")
        )
    by_pupil: dict[int, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
    for pupil, start, end, stage in rows:
        by_pupil[pupil].append((start, end, stage))
    found: dict[tuple[int, dt.date], str] = {}
    for pupil, day in pupil_days:
        stage = None
        for start, _end, row_stage in by_pupil.get(pupil, ()):
            if start <= day:
                stage = row_stage  # the latest enrolment begun by the day
        if stage is None and by_pupil.get(pupil):
            stage = by_pupil[pupil][0][2]
        if stage is not None:
            found[(pupil, day)] = stage
    return found


def accumulate(items: Iterable[Item], sign: int, into: dict[Key, list[int]]) -> None:
    """Add (``sign`` = 1) or subtract (−1) the contributions of ``items`` into per-key totals."""
    pending: list[tuple[int, Contribution]] = []
    for pupil, text, verb, timestamp in items:
        if not pupil or verb not in TIMED:
            continue
        found = contribution(jsontext.loads(text), verb, timestamp)
        if found is None:
            continue
        if found.needs_stage:
            pending.append((pupil, found))
            continue
        assert found.subject is not None
        _add(into, (pupil, found.subject, found.day), found, sign)
    if pending:
        stages = _stages({(p, c.day) for p, c in pending})
        for pupil, found in pending:
            code = subjects.subject_code(found.subject_name, stages.get((pupil, found.day)))
            if code is not None:
                _add(into, (pupil, code, found.day), found, sign)


def _add(into: dict[Key, list[int]], key: Key, found: Contribution, sign: int) -> None:
    totals = into.get(key)
    if totals is None:
        totals = into[key] = [0] * len(FIELDS)
    for index, name in enumerate(FIELDS):
        totals[index] += sign * getattr(found, name)


def _upsert(totals: dict[Key, list[int]]) -> None:
    """One ``INSERT … SELECT … ON CONFLICT DO UPDATE`` adding the totals (negative ones subtract), the
    subject joined by code in the statement itself. PostgreSQL gets the rows as one array per column
    (``unnest``: a handful of parameters whatever the batch); SQLite a ``VALUES`` list per
    :data:`INSERT_ROWS` keys."""
    keys = sorted(k for k, v in totals.items() if any(v))
    if not keys:
        return
    table = LearningSummary._meta.db_table
    columns = ", ".join(FIELDS)
    updates = ", ".join(f"{f} = {table}.{f} + excluded.{f}" for f in FIELDS)
    insert = (
        f"INSERT INTO {table} (student_id, subject_id, day, {columns}) "  # noqa: S608 - names are ours
        f"SELECT v.student_id, s.id, v.day, {', '.join('v.' + f for f in FIELDS)} "
        "FROM v JOIN org_subject s ON s.code = v.code WHERE true "
    )
    conflict = f"ON CONFLICT (student_id, subject_id, day) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = [int_array(k[0] for k in keys), text_array(k[1] for k in keys)]
            arrays.append(literal_array(k[2].isoformat() for k in keys))
            arrays += [int_array(totals[k][i] for k in keys) for i in range(len(FIELDS))]
            types = ["bigint[]", "text[]", "date[]"] + ["bigint[]"] * len(FIELDS)
            # Rows in key order: two batches lock shared rows in the same order (no deadlock).
            cursor.execute(
                f"WITH v (student_id, code, day, {columns}) AS (SELECT * FROM unnest("  # noqa: S608
                + ", ".join(f"%s::{t}" for t in types)
                + ")) "
                + insert
                + "ORDER BY v.student_id, s.id, v.day "
                + conflict,
                arrays,
            )
            return
        row = "(" + ", ".join(["%s"] * (3 + len(FIELDS))) + ")"
        for start in range(0, len(keys), INSERT_ROWS):
            chunk = keys[start : start + INSERT_ROWS]
            params: list[Any] = []
            for key in chunk:
                params += [key[0], key[1], key[2], *totals[key]]
            cursor.execute(
                f"WITH v (student_id, code, day, {columns}) AS (VALUES {', '.join([row] * len(chunk))}) "
                + insert
                + conflict,
                params,
            )


def _delete_empty(pupils: Sequence[int]) -> None:
    """Rows brought to zero by voiding are removed: a rebuild would not have them."""
    table = LearningSummary._meta.db_table
    zero = " AND ".join(f"{f} = 0" for f in FIELDS)
    with connection.cursor() as cursor:
        # Names are ours, values are parameters.
        cursor.execute(
            f"DELETE FROM {table} WHERE student_id IN ({', '.join(['%s'] * len(pupils))}) AND {zero}",  # noqa: S608
            list(pupils),
        )


def summaries_apply(*, added: Iterable[Item], removed: Iterable[Item] = ()) -> int:
    """Add the contributions of ``added`` and take back those of ``removed`` (voided statements), as
    set-based SQL; returns the number of (pupil, subject, day) keys touched. Call inside the
    transaction that stores or voids the statements."""
    totals: dict[Key, list[int]] = {}
    accumulate(added, 1, totals)
    before = len(totals)
    removed = list(removed)
    accumulate(removed, -1, totals)
    _upsert(totals)
    if removed:
        _delete_empty(sorted({k[0] for k in totals}))
    return max(before, len(totals))


def statements_stored_receiver(
    sender: Any, statements: Sequence[Any], voided: Sequence[str], **kwargs: Any
) -> None:
    """Receiver of ``tsunagu.learning.signals.statements_stored`` (contract C2), inside the LRS's storing
    transaction: the batch's new statements are added, the statements it voided are taken back —
    unless they were voided already before this batch (a second voiding changes nothing) or arrived in
    this same batch (then they are neither added nor taken back)."""
    batch = {str(s.statement_id) for s in statements}
    targets = set(voided)
    added = [
        (s.pupil_id, s.data, s.verb, s.timestamp)
        for s in statements
        if s.pupil_id and not s.voided and s.verb in TIMED and str(s.statement_id) not in targets
    ]
    removed: list[Item] = []
    earlier = sorted(targets - batch)
    if earlier:
        batch_voiding = [str(s.statement_id) for s in statements if s.verb == VOIDED]
        already = Statement.objects.filter(target=OuterRef("statement_id"), verb=VOIDED).exclude(
            statement_id__in=batch_voiding
        )
        removed = [
            (pupil, data, verb, timestamp)
            for pupil, data, verb, timestamp, before in Statement.objects.filter(
                statement_id__in=earlier, pupil__isnull=False, verb__in=TIMED
            )
            .annotate(before=Exists(already))
            .values_list("pupil_id", "data", "verb", "timestamp", "before")
            if not before
        ]
    if added or removed:
        summaries_apply(added=added, removed=removed)


def _lock_for_rebuild() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {LearningSummary._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def summaries_rebuild(*, student_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Recompute the summaries of ``student_ids`` (every pupil with statements or summaries when None)
    from the stored, non-voided statements; returns counts of pupils, statements read and rows written."""
    with system_scope(reason="learning summaries: rebuild from the stored statements"):
        if student_ids is None:
            ids = set(
                Statement.objects.filter(pupil__isnull=False).values_list("pupil_id", flat=True).distinct()
            )
            ids |= set(LearningSummary.objects.values_list("student_id", flat=True).distinct())
        else:
            ids = set(student_ids)
        pupils = sorted(ids)
        counts = {"pupils": len(pupils), "statements": 0, "rows": 0}
        for start in range(0, len(pupils), CHUNK_PUPILS):
            chunk = pupils[start : start + CHUNK_PUPILS]
            with transaction.atomic():
                _lock_for_rebuild()
                LearningSummary.objects.filter(student_id__in=chunk).delete()
                totals: dict[Key, list[int]] = {}
                items = (
                    Statement.objects.filter(pupil_id__in=chunk, voided=False, verb__in=TIMED)
                    .values_list("pupil_id", "data", "verb", "timestamp")
                    .iterator(chunk_size=2000)
                )

                def counted(rows: Iterable[Item]) -> Iterable[Item]:
                    for row in rows:
                        counts["statements"] += 1
                        yield row

                accumulate(counted(items), 1, totals)
                _upsert(totals)
                counts["rows"] += sum(1 for v in totals.values() if any(v))
    return counts


# --- statements given to another pupil: the board matches or rejects a quarantined actor ------------

#: Statement ids read per query when statements move between pupils.
MOVE_CHUNK = 1000


def statements_reattributed_receiver(
    sender: Any,
    statement_ids: Sequence[str],
    old_pupil_id: int | None,
    new_pupil_id: int | None,
    **kwargs: Any,
) -> None:
    """Receiver of ``tsunagu.learning.signals.statements_reattributed``, inside the board's decision's
    transaction: what the moved statements (not voided) contributed is taken from the pupil they
    left and added to the pupil they reached, in one upsert per chunk — the same rows a rebuild of
    both pupils would give, without reading their other statements."""
    if old_pupil_id == new_pupil_id:
        return
    for start in range(0, len(statement_ids), MOVE_CHUNK):
        rows = list(
            Statement.objects.filter(
                statement_id__in=statement_ids[start : start + MOVE_CHUNK], voided=False, verb__in=TIMED
            ).values_list("data", "verb", "timestamp")
        )
        added = [(new_pupil_id, d, v, t) for d, v, t in rows] if new_pupil_id else []
        removed = [(old_pupil_id, d, v, t) for d, v, t in rows] if old_pupil_id else []
        if added or removed:
            summaries_apply(added=added, removed=removed)
