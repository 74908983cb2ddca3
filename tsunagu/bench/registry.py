"""The registry of benchmark scenarios and the shape of what each one reports.

A scenario is a function in a module of :mod:`tsunagu.bench.scenarios`, registered with
``@scenario("name", order=N)``. It receives the runner's :class:`BenchOptions` and returns a
:class:`Result`, which the ``bench`` command prints as one JSON line. A scenario that cannot run
raises :class:`BenchError`; a missed target is not an error (the result says ``ok: false``).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class BenchError(RuntimeError):
    """A scenario could not be measured (as opposed to a measurement that missed its target)."""


@dataclass(frozen=True)
class BenchOptions:
    """What the runner passes to every scenario."""

    #: The demo ward scale to measure (``city`` for the published figures).
    scale: str = "city"
    #: Timed repetitions of a request (after ``warmup`` untimed ones).
    samples: int = 50
    warmup: int = 5
    #: Measure against the database Django is connected to (which already holds a demo ward)
    #: instead of the throwaway benchmark database. Used by the tests.
    current_database: bool = False


@dataclass
class Result:
    """One figure with its unit and target; lower is better. ``ok`` defaults to ``value <= target``."""

    scenario: str
    value: float
    unit: str
    target: float
    extra: dict[str, Any] = field(default_factory=dict)
    ok: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON object the runner prints: the five fixed keys first, then the scenario's own."""
        ok = self.value <= self.target if self.ok is None else self.ok
        fixed = {
            "scenario": self.scenario,
            "value": self.value,
            "unit": self.unit,
            "target": self.target,
            "ok": ok,
        }
        return fixed | {k: v for k, v in self.extra.items() if k not in fixed}


ScenarioFunc = Callable[[BenchOptions], Result]


@dataclass(frozen=True)
class Scenario:
    """A registered scenario: its name, its place in ``bench all`` and the function that measures it."""

    name: str
    order: int
    func: ScenarioFunc

    @property
    def summary(self) -> str:
        """The first line of the function's docstring."""
        return (self.func.__doc__ or "").strip().splitlines()[0] if self.func.__doc__ else ""


_scenarios: dict[str, Scenario] = {}


def scenario(name: str, *, order: int) -> Callable[[ScenarioFunc], ScenarioFunc]:
    """Register a scenario under ``name``; ``bench all`` runs them by ascending ``order``."""

    def register(func: ScenarioFunc) -> ScenarioFunc:
        existing = _scenarios.get(name)
        if existing is not None and existing.func.__qualname__ != func.__qualname__:
            raise ValueError(f"two benchmark scenarios are called {name!r}")
        _scenarios[name] = Scenario(name=name, order=order, func=func)
        return func

    return register


def all_scenarios() -> list[Scenario]:
    """Every scenario (importing each module of :mod:`tsunagu.bench.scenarios` once), in run order."""
    from tsunagu.bench import scenarios as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return sorted(_scenarios.values(), key=lambda s: (s.order, s.name))
