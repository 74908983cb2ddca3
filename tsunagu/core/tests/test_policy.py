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


def _narrowed_sql(model_label: str, rule_q: Q, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    """The SQL and row count of ``model_label``'s rows narrowed by a rule returning ``rule_q``."""
    from django.apps import apps

    local = PolicyRegistry()

    def scoped(a):
        """The rule under test."""
        return rule_q

    local.register(model_label, ["view"], ["principal"], scoped)
    monkeypatch.setattr(
        "tsunagu.accounts.selectors.actor_assignments", lambda actor: [FakeAssignment("principal", 0)]
    )
    model = apps.get_model(model_label)
    narrowed = local.narrow(model._base_manager.all(), object(), "view")
    return str(narrowed.query), narrowed.count()


@pytest.mark.django_db
def test_a_rule_over_a_many_valued_relation_never_repeats_a_row(
    ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pupil with enrolments in two years matches a join on enrolments twice; the narrowed list
    still holds each pupil once (the filter is wrapped in a sub-select of keys)."""
    from tsunagu.students.models import Enrolment, Student

    school = ward.schools["sakura"]
    sql, count = _narrowed_sql("students.Student", Q(enrolments__school=school.pk), monkeypatch)
    assert '"students_student"."id" IN (SELECT' in sql  # the sub-select of keys
    pupils = set(Enrolment._base_manager.filter(school=school).values_list("student_id", flat=True))
    twice = Enrolment._base_manager.filter(school=school, student_id__in=pupils).count()
    assert twice > len(pupils)  # the ward really has pupils enrolled twice here
    assert count == len(pupils) == Student._base_manager.filter(pk__in=pupils).count()


@pytest.mark.django_db
def test_a_rule_over_forward_keys_and_sub_selects_filters_the_table_directly(
    ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``pupil_scope`` reaches pupils through a sub-select of student ids, so a record table is filtered
    in place rather than through a list of every visible key (which cost the karte 40 ms a query)."""
    from tsunagu.accounts.models import RoleAssignment
    from tsunagu.core.scopes import pupil_scope
    from tsunagu.students.models import Enrolment

    school = ward.schools["sakura"]
    principal = RoleAssignment(role="principal", school_id=school.pk)
    sql, count = _narrowed_sql("students.Enrolment", pupil_scope(principal, "student__"), monkeypatch)
    assert '"students_enrolment"."id" IN' not in sql
    assert '"students_enrolment"."student_id" IN (SELECT' in sql
    pupils = Enrolment._base_manager.filter(school=school).values_list("student_id", flat=True)
    assert count == Enrolment._base_manager.filter(student_id__in=pupils).count()


def test_the_join_decision_is_remembered_per_shape_of_filter_not_per_value() -> None:
    """:meth:`PolicyRegistry._joins_many` builds a query once per model and shape of filter: the same
    paths with other values reuse it, other paths (or an expression it cannot read) decide anew."""
    from django.db.models import F

    from tsunagu.students.models import Student

    local = PolicyRegistry()
    assert local._joins_many(Student, Q(enrolments__school=1)) is True
    assert local._joins_many(Student, Q(enrolments__school=2)) is True
    assert local._joins_many(Student, Q(pk__in=[1, 2]) | Q(family_name="x")) is False
    assert len(local._join_cache) == 2
    # A different shape of the same paths is its own entry.
    assert local._joins_many(Student, Q(family_name="x") | Q(pk__in=[3])) is False
    assert len(local._join_cache) == 3
    # An F() value could join on its own path: never cached, still decided correctly.
    assert local._joins_many(Student, Q(family_name=F("enrolments__school__name"))) is True
    assert len(local._join_cache) == 3
