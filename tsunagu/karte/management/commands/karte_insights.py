"""``manage.py karte_insights``: run the insight rules for every school (nightly), or one school."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.karte.services import insights_refresh
from tsunagu.org.models import School


class Command(BaseCommand):
    help = "Run the karte's insight rules for every school (or --school CODE) as of today (or --date)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="学校コード of one school")
        parser.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["date"] or timezone.localdate()
        with system_scope(reason="nightly insight refresh"):
            schools = School.objects.order_by("mext_code")
            if options["school"]:
                schools = schools.filter(mext_code=options["school"])
            schools = list(schools)
        for school in schools:
            counts = insights_refresh(school=school, day=day)
            self.stdout.write(
                f"{school.name}: {counts['pupils']} pupils, {counts['opened']} new, "
                f"{counts['updated']} seen again, {counts['resolved']} resolved"
            )
