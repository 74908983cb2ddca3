"""The policy registry: rules combine per actor, and it documents itself."""

from __future__ import annotations

import pytest
from django.db.models import Q

from tsunagu.core.policy import EVERYTHING, PolicyRegistry, registry


class FakeAssignment:
    def __init__(self, role: str, value: int) -> None:
        self.role = role
        self.value = value


def test_a_rule_without_a_docstring_is_refused() -> None:
    local = PolicyRegistry()

    def undocumented(a):
        return Q()

    with pytest.raises(ValueError, match="docstring"):
        local.register("students.Student", ["view"], ["teacher"], undocumented)


def test_rules_of_all_active_assignments_are_ored(monkeypatch: pytest.MonkeyPatch) -> None:
    local = PolicyRegistry()

    def by_value(a):
        """Rows with the assignment's value."""
        return Q(pk=a.value)

    local.register("students.Student", ["view"], ["homeroom_teacher", "nurse"], by_value)
    assignments = [
        FakeAssignment("homeroom_teacher", 1),
        FakeAssignment("nurse", 2),
        FakeAssignment("office", 3),
    ]
    monkeypatch.setattr("tsunagu.accounts.selectors.actor_assignments", lambda actor: assignments)
    from tsunagu.students.models import Student

    combined = local.filter_for(object(), Student, "view")
    assert combined == Q(pk=1) | Q(pk=2)
    assert local.allows_any(object(), Student, "view")
    assert not local.allows_any(object(), Student, "change")


def test_everything_wins_over_narrower_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    local = PolicyRegistry()

    def narrow(a):
        """Narrow."""
        return Q(pk=1)

    def wide(a):
        """Everything."""
        return EVERYTHING

    local.register("students.Student", ["view"], ["nurse"], narrow)
    local.register("students.Student", ["view"], ["principal"], wide)
    monkeypatch.setattr(
        "tsunagu.accounts.selectors.actor_assignments",
        lambda actor: [FakeAssignment("nurse", 0), FakeAssignment("principal", 0)],
    )
    from tsunagu.students.models import Student

    assert local.filter_for(object(), Student, "view") is EVERYTHING


def test_every_registered_rule_is_documented_and_names_a_known_role() -> None:
    from tsunagu.accounts.models import Role

    rules = registry.all_rules()
    assert rules, "no policy rules registered"
    for item in rules:
        assert item.description, item
        assert item.role in Role.values, item


def test_every_scoped_model_has_a_view_rule() -> None:
    from django.apps import apps

    from tsunagu.core.models import ScopedModel

    for model in apps.get_models():
        if issubclass(model, ScopedModel):
            assert registry.rules_for(model, "view"), f"{model._meta.label} has no view rule"


def test_every_model_declares_a_data_class() -> None:
    from django.apps import apps

    from tsunagu.core.models import DataClass

    for model in apps.get_models():
        if model._meta.app_label in {"core", "accounts", "org", "students"} and not model.__name__.startswith(
            "Historical"
        ):
            assert isinstance(getattr(model, "data_class", None), DataClass), model._meta.label
