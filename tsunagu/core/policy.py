"""The access-policy registry: who may do what to which rows, declared once per app.

Each app's ``policies.py`` registers rules with :func:`rule`. A rule belongs to one model, one or
more actions (``view``, ``add``, ``change``, ``delete``, ``export`` …) and one or more role codes.
Given one of the actor's *active* role assignments (bound to a school year and a scope), it returns
a ``Q`` filter, or :data:`EVERYTHING`. ``ScopedQuerySet.visible_to`` ORs the filters of every active
assignment of the actor; an actor with no matching rule sees nothing. The same registry generates
docs/permissions.md, so the documentation cannot drift from what runs.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, Final, TypeVar

from django.apps import apps
from django.db import models
from django.db.models import F, Q

if TYPE_CHECKING:
    from tsunagu.accounts.models import RoleAssignment

QS = TypeVar("QS", bound=models.QuerySet)


class _Everything:
    """Sentinel: the rule grants every row of the model."""

    def __repr__(self) -> str:
        return "EVERYTHING"


EVERYTHING: Final = _Everything()

RuleResult = Q | _Everything
RuleFunc = Callable[["RoleAssignment"], RuleResult]


@dataclass(frozen=True)
class Rule:
    """One registered rule: for ``model`` and ``action``, what an assignment of ``role`` grants."""

    model_label: str
    action: str
    role: str
    func: RuleFunc

    @property
    def description(self) -> str:
        """The rule's docstring, the sentence that appears in docs/permissions.md."""
        return inspect.cleandoc(self.func.__doc__ or "").replace("\n", " ")


class PolicyRegistry:
    """All rules, keyed by (model label, action) and then role."""

    def __init__(self) -> None:
        self._rules: dict[tuple[str, str], dict[str, list[Rule]]] = defaultdict(lambda: defaultdict(list))
        self._join_cache: dict[tuple[str, Hashable], bool] = {}

    def register(
        self, model: type[models.Model] | str, actions: Iterable[str], roles: Iterable[str], func: RuleFunc
    ) -> None:
        label = model if isinstance(model, str) else model._meta.label
        if not func.__doc__:
            raise ValueError(f"policy rule {func.__name__} needs a docstring (it is the documentation)")
        for action in actions:
            for role in roles:
                self._rules[(label, action)][role].append(Rule(label, action, role, func))

    def rules_for(self, model: type[models.Model] | str, action: str) -> dict[str, list[Rule]]:
        label = model if isinstance(model, str) else model._meta.label
        return self._rules.get((label, action), {})

    def all_rules(self) -> list[Rule]:
        return sorted(
            (rule for by_role in self._rules.values() for rules in by_role.values() for rule in rules),
            key=lambda r: (r.model_label, r.action, r.role),
        )

    def filter_for(self, actor: Any, model: type[models.Model], action: str) -> RuleResult | None:
        """The combined filter for ``actor``; ``None`` when no active assignment has a rule."""
        from tsunagu.accounts.selectors import actor_assignments

        by_role = self.rules_for(model, action)
        if not by_role:
            return None
        combined: Q | None = None
        for assignment in actor_assignments(actor):
            for rule in by_role.get(assignment.role, ()):
                result = rule.func(assignment)
                if isinstance(result, _Everything):
                    return EVERYTHING
                combined = result if combined is None else combined | result
        return combined

    def allows_any(self, actor: Any, model: type[models.Model] | str, action: str) -> bool:
        """Function-level check: does any active role of ``actor`` have a rule for this model/action?"""
        from tsunagu.accounts.selectors import actor_assignments

        by_role = self.rules_for(model, action)
        return any(a.role in by_role for a in actor_assignments(actor))

    def narrow(self, queryset: QS, actor: Any, action: str) -> QS:
        """Return ``queryset`` narrowed to what ``actor`` may ``action``."""
        result = self.filter_for(actor, queryset.model, action)
        if result is None:
            return queryset.none()
        if isinstance(result, _Everything):
            return queryset.all()
        if not self._joins_many(queryset.model, result):
            return queryset.filter(result)
        # A sub-select on the primary key keeps joins over multi-valued relations from
        # duplicating rows, without a DISTINCT that would break ordering and aggregates.
        return queryset.filter(pk__in=queryset.model._base_manager.filter(result).values("pk"))

    def _joins_many(self, model: type[models.Model], result: Q) -> bool:
        """:func:`joins_many` of ``model`` filtered by ``result``, remembered per shape of the filter.

        Which tables a filter joins depends only on its lookup paths, not on their values, and a
        policy produces few shapes (one per combination of roles); building a throw-away query to
        find out cost as much as the narrowed query itself, on every query of every page."""
        shape = _shape(result)
        key = None if shape is None else (model._meta.label, shape)
        known = None if key is None else self._join_cache.get(key)
        if known is None:
            known = joins_many(model._base_manager.filter(result).query)
            if key is not None:
                self._join_cache[key] = known
        return known


registry = PolicyRegistry()


def joins_many(query: Any) -> bool:
    """Whether ``query`` joins a relation that can match several rows per row of its model (a reverse
    foreign key or a many-to-many): filtering by such a join can repeat rows, so :meth:`narrow`
    wraps those filters in a sub-select of primary keys. Filters that only follow foreign keys
    forward (or use sub-selects, as :func:`tsunagu.core.scopes.pupil_scope` does) are applied to the
    table directly, which the database plans far better than a list of every visible key."""
    for join in query.alias_map.values():
        field = getattr(join, "join_field", None)  # the base table has none
        if getattr(field, "one_to_many", False) or getattr(field, "many_to_many", False):
            return True
    return False


def _shape(q: Q) -> Hashable | None:
    """The lookup paths of ``q`` as a hashable tree (values left out; sub-selects join nothing in the
    outer query), or ``None`` when a child is an expression whose joins its shape cannot tell."""
    children: list[Hashable] = []
    for child in q.children:
        if isinstance(child, Q):
            inner = _shape(child)
            if inner is None:
                return None
            children.append(inner)
        elif isinstance(child, tuple) and not isinstance(child[1], F):
            children.append(child[0])
        else:
            return None
    return (q.connector, q.negated, tuple(children))


def rule(
    model: type[models.Model] | str, *, actions: Sequence[str], roles: Sequence[str]
) -> Callable[[RuleFunc], RuleFunc]:
    """Decorator registering a rule; the function's docstring documents it.

    Several rules may grant the same role the same action; their filters are ORed.
    """

    def decorator(func: RuleFunc) -> RuleFunc:
        registry.register(model, actions, roles, func)
        return func

    return decorator


def everything(_: RoleAssignment) -> RuleResult:
    """All rows."""
    return EVERYTHING


def autodiscover() -> None:
    """Import ``policies`` from every installed Tsunagu app so their rules register."""
    for config in apps.get_app_configs():
        if config.name.startswith("tsunagu."):
            try:
                import_module(f"{config.name}.policies")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.policies":
                    raise
