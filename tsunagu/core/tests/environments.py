"""A server's environment for tests that load the settings in a fresh Python process: the complete
production environment (each refusal test takes one variable away or spoils it) and a runner that
passes exactly the given Tsunagu variables, none of the test run's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

#: A complete production environment; each refusal test takes one variable away or spoils it.
PRODUCTION_ENV = {
    "TSUNAGU_ENV": "production",
    "TSUNAGU_SECRET_KEY": "prod-" + "k3y" * 20,
    "TSUNAGU_ALLOWED_HOSTS": "tsunagu.example.jp",
    "TSUNAGU_FIELD_KEYS": "p1:" + "A" * 43,
    # Parsed only: loading the settings opens no connection.
    "DATABASE_URL": "postgres://tsunagu@db.invalid:5432/tsunagu",
    "TSUNAGU_XAPI_ISSUER": "https://tsunagu.city.example.lg.jp",
}


def run_settings(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python with exactly ``env`` as Tsunagu's environment (the test run's is left out)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGU_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=inherited | env | {"DJANGO_SETTINGS_MODULE": "tsunagu.config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
