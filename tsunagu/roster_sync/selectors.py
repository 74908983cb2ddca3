"""Reads of the OneRoster app for other pages: the REST provider's calls per learning app and day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from tsunagu.roster_sync.models import ApiCall


@dataclass(frozen=True)
class CallsOfDay:
    """One learning app's OneRoster calls on one day: answered, refused, records returned."""

    client_id: int | None
    day: dt.date
    calls: int
    refused: int
    records: int


def api_calls_per_day(*, actor: Any, since: dt.date) -> list[CallsOfDay]:
    """The calls the actor may see (the board: its apps' and those without valid credentials) since
    ``since``, per app and day, newest day first — one query, for the monitoring page."""
    rows = (
        ApiCall.objects.visible_to(actor, "view")
        .filter(at__date__gte=since)
        .annotate(day=TruncDate("at"))
        .values("client_id", "day")
        .annotate(
            calls=Count("pk"),
            refused=Count("pk", filter=Q(status__gte=400)),
            records=Sum("count"),
        )
        .order_by("-day", "client_id")
    )
    return [CallsOfDay(r["client_id"], r["day"], r["calls"], r["refused"], r["records"] or 0) for r in rows]
