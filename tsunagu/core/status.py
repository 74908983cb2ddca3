"""``/healthz``: whether this process answers and reaches its database, for the ward's load balancer
and monitoring (docs/deployment.md §6).

Open to everyone and says nothing about anyone: the body is ``ok`` or the name of what failed, never
an error's text (which could name hosts or users). Not logged in the access log, never cached.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 ``ok`` when a trivial query answers; 503 ``database unavailable`` (logged) when it fails."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: the database did not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
