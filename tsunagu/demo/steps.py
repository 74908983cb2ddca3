"""How later features add their own demo data: a ``demo.py`` module in an app defines functions
decorated with ``@demo_step(order=N)``; the generator runs them, in order, after the ward itself.

Each step receives the :class:`DemoContext` (the random generator seeded for the run, the date the
demo treats as today, the school years, the schools) and must be deterministic given it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps


@dataclass
class DemoContext:
    """What a demo step may use. ``schools`` maps a stable key (``sakura``, ``kaede``, ``midori``,
    then ``e003``…, ``j002``…) to the school."""

    scale: str
    seed: int
    rng: random.Random
    today: dt.date
    school_year: Any
    previous_year: Any
    board: Any
    schools: dict[str, Any] = field(default_factory=dict)

    def detailed_schools(self) -> list[Any]:
        """The schools that get a year of per-pupil records from every app (scores and 所見, learning
        statements, いいところ, insights): all of them, except on ``city``, where only the cast's schools
        (:data:`CAST_SCHOOLS`) do. ``city`` exists for benchmarks, which measure one school's year (さくら小)
        or the ward's roster; writing ~5 million scores and ~400,000 statements for the other 87 schools
        would triple its seeding time and no benchmark reads them (docs/bench.md). Settings every school
        needs (grading rules, phrase banks, templates) are still written for all."""
        return [s for key, s in self.schools.items() if self.scale != "city" or key in CAST_SCHOOLS]


Step = Callable[[DemoContext], None]
#: The named cast's schools: the first two elementary schools and the first junior high.
CAST_SCHOOLS = ("sakura", "kaede", "midori")
_steps: list[tuple[int, str, Step]] = []


def demo_step(*, order: int) -> Callable[[Step], Step]:
    """Register a function as a demo step run after the ward is seeded (lower ``order`` first)."""

    def register(func: Step) -> Step:
        name = f"{func.__module__}.{func.__qualname__}"
        if all(existing != name for _, existing, _ in _steps):
            _steps.append((order, name, func))
        return func

    return register


def registered_steps() -> list[tuple[str, Step]]:
    """Every app's demo steps (importing each app's ``demo`` module once), in order."""
    for config in apps.get_app_configs():
        if config.name.startswith("tsunagu.") and config.name != "tsunagu.demo":
            try:
                importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
    return [(name, func) for _, name, func in sorted(_steps, key=lambda s: (s[0], s[1]))]
