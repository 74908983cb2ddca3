"""``manage.py demo_logins``: print the demo cast's logins (only where the demo ward is seeded)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.core.scope import system_scope
from tsunagu.demo.cast import CAST, DEMO_PASSWORD, totp_now, totp_secret_for
from tsunagu.demo.generator import ward_exists


class Command(BaseCommand):
    help = "Print the demo cast: usernames, the shared demo password and each staff member's TOTP secret."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--codes", action="store_true", help="also print each staff member's current code"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with system_scope(reason="demo_logins checks for the demo ward"):
            if not ward_exists():
                raise CommandError("The demo ward is not seeded here, so there are no demo logins.")
        out = self.stdout.write
        out("")
        out("Tsunagu demo ward (すずかけ区, fictional) — http://127.0.0.1:8000/")
        out(f"Password for every cast member: {DEMO_PASSWORD}")
        out("Staff sign in with a second factor: add the TOTP secret to an authenticator app,")
        out("or run `.venv/bin/python manage.py demo_logins --codes` for the current codes.")
        out("")
        for member in CAST:
            secret = totp_secret_for(member.username) if member.is_staff_role else "(no second factor)"
            code = f"  now: {totp_now(member.username)}" if options["codes"] and member.is_staff_role else ""
            out(f"  {member.username:<16} {secret:<34}{code}  {member.description}")
        out("")
