"""docs/permissions.md is generated from the registry and must be committed up to date."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from tsunagu.core.permissions_doc import render


def test_permissions_doc_is_up_to_date() -> None:
    committed = (Path(settings.BASE_DIR) / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/permissions.md is stale: run `manage.py permissions_doc`"


def test_permissions_doc_names_every_rule() -> None:
    text = render()
    assert "Pupils currently enrolled at the school." in text
    assert "`students.Student`" in text
