"""Generate docs/permissions.md from the policy registry and the URL configuration.

Principals and auditors read that file to learn who may see what; because it is generated from the
same registry that filters every query, it cannot drift from the running system. A test fails when
the committed file is out of date (run ``manage.py permissions_doc`` to refresh it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from tsunagu.accounts.models import Role
from tsunagu.core.models import DataClass
from tsunagu.core.policy import registry

HEADER = """# Permissions

Generated from the policy registry (`*/policies.py`) by `manage.py permissions_doc`; do not edit by hand.
Each rule applies to a role assignment that is active today (bound to a school year and a scope). An actor
sees the union of what their active assignments grant; with no rule, nothing. Objects outside the actor's
scope answer 404, exactly like missing ones.
"""


def iter_urls(
    resolvers: list | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, object]]:
    """Yield (route, qualified name, callback) for every URL pattern."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from iter_urls(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + str(entry.pattern), name, entry.callback


def render() -> str:
    """The whole Markdown document (in English, whatever the active language)."""
    with translation.override("en"):
        return _render()


def _render() -> str:
    lines = [
        HEADER,
        "Roles: " + ", ".join(f"`{code}` ({label})" for code, label in Role.choices),
        "",
        "## Rules by record type",
        "",
    ]
    by_model: dict[str, list] = defaultdict(list)
    for item in registry.all_rules():
        by_model[item.model_label].append(item)
    for label in sorted(by_model):
        model = apps.get_model(label)
        data_class = getattr(model, "data_class", None)
        class_text = DataClass(data_class).name if data_class else "?"
        lines += [
            f"### {model._meta.verbose_name} (`{label}`, data class {class_text})",
            "",
            "| action | role | grants |",
            "|---|---|---|",
        ]
        grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
        for item in by_model[label]:
            grouped[(item.action, item.description)].append(item.role)
        for (action, description), roles in sorted(grouped.items()):
            lines.append(f"| {action} | {', '.join(roles)} | {description} |")
        lines.append("")
    lines += [
        "## Pages and the rule each one checks",
        "",
        "Pages not listed under a rule need only a login (or are public, like the login page).",
        "",
        "| URL | name | checks |",
        "|---|---|---|",
    ]
    for route, name, callback in sorted(iter_urls(), key=lambda r: r[0]):
        if route.startswith("admin/"):
            continue
        policy = getattr(callback, "tsunagu_policy", None)
        checks = f"`{policy[0]}` {policy[1]}" if policy else ""
        lines.append(f"| `/{route}` | {name} | {checks} |")
    lines += [
        "",
        "The Django admin (`/admin/`) is open only to accounts flagged as administrators; it shows "
        "no pupil records by default.",
        "",
    ]
    return "\n".join(str(line) for line in lines)
