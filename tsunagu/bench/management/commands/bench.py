"""``manage.py bench <scenario>|all``: run benchmark scenarios, one JSON line each on stdout.

Exit status 0 when every scenario was measured, even if a figure misses its target (its line says
``"ok": false``); non-zero when a scenario could not be measured (the reason goes to stderr).
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.bench.registry import BenchError, BenchOptions, all_scenarios
from tsunagu.demo.generator import SCALES


class Command(BaseCommand):
    help = "Run benchmark scenarios (or all) and print one JSON object per scenario."

    def add_arguments(self, parser: CommandParser) -> None:
        names = ", ".join(s.name for s in all_scenarios())
        parser.add_argument("scenario", help=f"a scenario ({names}) or 'all'")
        parser.add_argument("--scale", choices=sorted(SCALES), default="city", help="demo ward scale")
        parser.add_argument("--samples", type=int, default=50, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
        parser.add_argument(
            "--current-database",
            action="store_true",
            help="measure pages in the configured database (which must hold a demo ward) instead of "
            "the throwaway benchmark database",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scenarios = all_scenarios()
        wanted = options["scenario"]
        if wanted != "all":
            scenarios = [s for s in scenarios if s.name == wanted]
            if not scenarios:
                known = ", ".join(s.name for s in all_scenarios())
                raise CommandError(f"unknown scenario {wanted!r}; choose from {known} or all")
        bench_options = BenchOptions(
            scale=options["scale"],
            samples=options["samples"],
            warmup=options["warmup"],
            current_database=options["current_database"],
        )
        failed = []
        for spec in scenarios:
            try:
                result = spec.func(bench_options)
            except BenchError as exc:
                self.stderr.write(f"{spec.name}: {exc}")
                failed.append(spec.name)
                continue
            # The machine's size and how busy it was (1-minute load average) tell how to read a figure.
            result.extra.setdefault("cpus", os.cpu_count())
            result.extra.setdefault("load_1m", round(os.getloadavg()[0], 2))
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            self.stdout.flush()
        if failed:
            raise CommandError(f"could not measure: {', '.join(failed)}")
