"""WSGI entry point."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.config.settings")
application = get_wsgi_application()

from tsunagu.core.runtime import tune_gc  # noqa: E402 — after the apps are loaded

tune_gc()
