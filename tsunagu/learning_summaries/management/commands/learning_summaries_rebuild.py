"""``manage.py learning_summaries_rebuild [--school UUID|学校コード]``: recompute learning summaries from the
stored statements (every pupil, or the pupils ever enrolled at one school)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.learning_summaries.services import summaries_rebuild_school
from tsunagu.learning_summaries.summaries import summaries_rebuild
from tsunagu.org.models import School


class Command(BaseCommand):
    help = "Recompute learning summaries from the stored xAPI statements (all pupils, or one school's)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="the school's public ID (UUID) or 13-character school code")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["school"]:
            value = options["school"].strip()
            school = School.objects.filter(mext_code=value).first()
            if school is None:
                try:
                    school = School.objects.filter(uuid=value).first()
                except Exception:  # not a UUID either
                    school = None
            if school is None:
                raise CommandError(f"no school {value!r}")
            counts = summaries_rebuild_school(school=school)
        else:
            counts = summaries_rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"rebuilt {counts['rows']} row(s) of {counts['pupils']} pupil(s) "
            f"from {counts['statements']} statement(s) in {seconds:.1f} s"
        )
