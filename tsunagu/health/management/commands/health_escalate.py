"""``manage.py health_escalate``: escalate talk requests nobody acknowledged in time (run it every few
minutes from cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tsunagu.health.services import talk_requests_escalate


class Command(BaseCommand):
    help = "Escalate unacknowledged talk requests (話したい) to the school nurse and the principal."

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = talk_requests_escalate()
        self.stdout.write(f"escalated {len(escalated)} talk request(s)")
