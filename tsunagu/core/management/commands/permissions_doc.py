"""Write docs/permissions.md from the policy registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from tsunagu.core.permissions_doc import render


class Command(BaseCommand):
    help = "Regenerate docs/permissions.md from the policy registry."

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(settings.BASE_DIR) / "docs" / "permissions.md"
        target.write_text(render(), encoding="utf-8")
        self.stdout.write(f"wrote {target}")
