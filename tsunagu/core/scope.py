"""Fail-closed scoping of querysets.

Every model that holds personal data inherits :class:`ScopedModel`. Its default manager hands
out querysets that refuse to run (count, iterate, update, delete …) until they have been
narrowed to an actor with ``.visible_to(actor, action)``. Background jobs and the demo seeder
use ``with system_scope(reason=...)``, which is logged. This turns "a developer forgot the
permission filter" from a data leak into a failing test.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Self

from django.db import models

if TYPE_CHECKING:
    from tsunagu.accounts.models import User

logger = logging.getLogger("tsunagu.scope")

_system_reason: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "tsunagu_system_scope", default=None
)


class UnscopedQueryError(RuntimeError):
    """Raised when a scoped model is queried without ``visible_to`` or ``system_scope``."""


@contextlib.contextmanager
def system_scope(*, reason: str) -> Iterator[None]:
    """Allow unscoped queries of scoped models inside the block; the reason is logged.

    Use for background jobs, imports run on behalf of the board, and the demo seeder, never in
    a request handler for a user.
    """
    if not reason.strip():
        raise ValueError("system_scope needs a reason")
    outer = _system_reason.get()
    token = _system_reason.set(reason)
    if outer is None:
        from tsunagu.core.audit import audit_event

        logger.info("system scope entered: %s", reason)
        audit_event(kind="system_scope", detail={"reason": reason})
    try:
        yield
    finally:
        _system_reason.reset(token)


@contextlib.contextmanager
def _internal_scope() -> Iterator[None]:
    """Unlogged bypass for Django internals that only check existence (uniqueness checks)."""
    token = _system_reason.set(_system_reason.get() or "internal")
    try:
        yield
    finally:
        _system_reason.reset(token)


def in_system_scope() -> bool:
    """True inside ``system_scope`` (or an internal uniqueness check)."""
    return _system_reason.get() is not None


class PolicyQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what an actor may do (``visible_to``).

    Used as is by organisation models (schools, homerooms), which carry no personal data: they
    may be listed unscoped, and views narrow them to decide which pages an actor may open.
    """

    _tsunagu_scoped = False

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._tsunagu_scoped = self._tsunagu_scoped
        return clone

    def visible_to(self, actor: User | Any, action: str = "view") -> Self:
        """Narrow to the rows ``actor`` may ``action`` under the policy registry (none if no rule)."""
        from tsunagu.core.policy import registry

        narrowed = registry.narrow(self, actor, action)
        narrowed._tsunagu_scoped = True
        return narrowed


class PolicyManager(models.Manager.from_queryset(PolicyQuerySet)):  # type: ignore[misc]
    """Default manager of unscoped models that still take part in the policy registry."""


class ScopedQuerySet(PolicyQuerySet):
    """A queryset that must be narrowed to an actor before it touches the database."""

    def _check_scope(self) -> None:
        if self._tsunagu_scoped or in_system_scope():
            return
        raise UnscopedQueryError(
            f"{self.model._meta.label} queried without .visible_to(actor, action) or system_scope(reason=...)"
        )

    # Every way a queryset reaches the database goes through one of these.
    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def iterator(self, chunk_size: int | None = None) -> Iterator[Any]:
        self._check_scope()
        return super().iterator(chunk_size=chunk_size)

    def count(self) -> int:
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scope()
        return super().delete()

    def explain(self, *, format: str | None = None, **options: Any) -> str:
        self._check_scope()
        return super().explain(format=format, **options)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """Default manager of scoped models; reverse relations inherit it, so they are scoped too."""
