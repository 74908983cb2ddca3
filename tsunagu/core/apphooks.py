"""Per-app contributions to shared pages, found by module name so that core never imports an app.

An app adds to the main menu with ``<app>/navigation.py: nav_entries(actor, assignments)`` and to the
home page with ``<app>/home.py: home_cards(actor, assignments)``; core calls each in INSTALLED_APPS
order. Adding a domain app therefore never edits core's navigation or home page.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

from django.apps import apps


@cache
def app_hooks(module: str, function: str) -> tuple[Callable[..., Any], ...]:
    """``<app>.<module>.<function>`` of every installed tsunagu app that defines it, in app order."""
    hooks: list[Callable[..., Any]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tsunagu.") or config.name == "tsunagu.core":
            continue
        try:
            found = importlib.import_module(f"{config.name}.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.{module}":
                raise  # the module exists but an import inside it failed: show that, never hide it
            continue
        hook = getattr(found, function, None)
        if hook is not None:
            hooks.append(hook)
    return tuple(hooks)
