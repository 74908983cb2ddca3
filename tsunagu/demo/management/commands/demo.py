"""``manage.py demo --scale small --seed 1``: seed the fictional demo ward."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.core.scope import system_scope
from tsunagu.demo.generator import SCALES, seed_ward, ward_exists


class Command(BaseCommand):
    help = "Seed the fictional demo ward すずかけ区 (deterministic for a given scale, seed and date)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing (and succeed) when the ward is already seeded"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.TSUNAGU_DEMO_ENABLED:
            # Demo accounts have a published password and TOTP secrets: never in production.
            raise CommandError("The demo ward is disabled here (TSUNAGU_DEMO_ENABLED is off).")
        with system_scope(reason="demo command checks for an existing ward"):
            exists = ward_exists()
        if exists:
            if options["if_empty"]:
                self.stdout.write("The demo ward is already seeded; nothing to do.")
                return
            raise CommandError("The demo ward is already seeded in this database (use a fresh database).")
        started = time.perf_counter()
        summary = seed_ward(options["scale"], options["seed"], options["today"])
        counts = ", ".join(f"{k} {v:,}" for k, v in summary.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded the demo ward ({summary.scale}, seed {summary.seed}) in "
                f"{time.perf_counter() - started:.1f} s: {counts}"
            )
        )
