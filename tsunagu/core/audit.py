"""Audit: security events, reads of class-I data, and append-only protection of audit tables.

Change history (before/after) of class I/II models is kept by django-simple-history
(``history = HistoricalRecords()`` on each model). This module adds what it lacks: the log of
*reads*, the log of security events, and database triggers that refuse UPDATE and DELETE (and, on
PostgreSQL, TRUNCATE) on every audit table, so that not even the application's own database role can
rewrite history.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth import signals as auth_signals
from django.db import models
from django.db.models.signals import post_migrate
from django.http import HttpRequest

logger = logging.getLogger("tsunagu.audit")


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _clean(text: str, limit: int = 500) -> str:
    """Escape control characters so that a crafted value cannot forge log lines."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)[:limit]


def audit_event(
    *,
    kind: str,
    actor: Any = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> None:
    """Append one security event (login, failed login, refused access, system scope …)."""
    from tsunagu.core.models import AuditEvent

    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_username=_clean(username or (actor.get_username() if actor else ""), 150),
        ip_address=_client_ip(request),
        path=_clean(request.get_full_path() if request else ""),
        detail={k: _clean(str(v)) for k, v in (detail or {}).items()},
    )


def log_access(
    *,
    actor: Any,
    records: Iterable[models.Model],
    request: HttpRequest | None = None,
    action: str = "view",
    fields: Iterable[str] = (),
) -> None:
    """Record that ``actor`` read class-I ``records`` (one row per record, in one INSERT).

    ``student_uuid`` is filled from the record itself when it is a pupil, or from its
    ``student`` relation, so that a principal can ask "who looked at this child's records".
    """
    from tsunagu.core.models import AccessLog

    rows = []
    field_text = _clean(",".join(fields))
    for record in records:
        student_uuid = None
        if record._meta.label == "students.Student":
            student_uuid = record.uuid  # type: ignore[attr-defined]
        elif getattr(record, "student_id", None) is not None:
            student_uuid = record.student.uuid  # type: ignore[attr-defined]
        rows.append(
            AccessLog(
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                actor_username=_clean(actor.get_username() if actor else "", 150),
                action=action,
                model=record._meta.label,
                object_uuid=getattr(record, "uuid", None),
                student_uuid=student_uuid,
                fields=field_text,
                path=_clean(request.get_full_path() if request else ""),
            )
        )
    AccessLog.objects.bulk_create(rows)


def audit_table_names() -> list[str]:
    """Tables that must be append-only: our two logs and every simple-history table."""
    from simple_history.models import HistoricalChanges

    names = []
    for model in apps.get_models():
        if model._meta.label in {"core.AuditEvent", "core.AccessLog"} or issubclass(model, HistoricalChanges):
            names.append(model._meta.db_table)
    return sorted(names)


#: PostgreSQL's triggers on each audit table: name → when it fires. TRUNCATE fires no row trigger, so
#: it has a statement trigger of its own; both call ``tsunagu_append_only()`` (a statement trigger's
#: NEW/OLD are unused, TG_TABLE_NAME is set).
_PG_TRIGGERS = {
    "tsunagu_append_only": "BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW",
    "tsunagu_append_only_truncate": "BEFORE TRUNCATE ON {table} FOR EACH STATEMENT",
}
#: SQLite has no TRUNCATE: "DELETE FROM t" without WHERE is its truncate, and the DELETE trigger
#: refuses it (a table with triggers is never truncated by the shortcut).
_SQLITE_EVENTS = ("UPDATE", "DELETE")


def _audit_tables(using: str) -> tuple[Any, list[str]]:
    """The connection named ``using`` and the audit tables that exist in its database, sorted."""
    from django.db import connections

    conn = connections[using]
    return conn, sorted(set(audit_table_names()) & set(conn.introspection.table_names()))


def _sqlite_trigger(conn: Any, table: str, event: str) -> str:
    return str(conn.ops.quote_name(f"{table}_append_only_{event}"))


def install_append_only_triggers(using: str = "default", **_: Any) -> None:
    """Create triggers refusing UPDATE/DELETE (PostgreSQL: and TRUNCATE) on audit tables (idempotent;
    runs after migrate)."""
    conn, tables = _audit_tables(using)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION tsunagu_append_only() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'audit table % is append-only', TG_TABLE_NAME "
                "USING ERRCODE = 'insufficient_privilege'; END; $$ LANGUAGE plpgsql"
            )
            for table in tables:
                quoted = conn.ops.quote_name(table)
                for name, when in _PG_TRIGGERS.items():
                    cursor.execute(
                        f"CREATE OR REPLACE TRIGGER {name} {when.format(table=quoted)} "
                        "EXECUTE FUNCTION tsunagu_append_only()"
                    )
                cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quoted} FROM PUBLIC, CURRENT_USER")
        elif conn.vendor == "sqlite":
            for table in tables:
                quoted = conn.ops.quote_name(table)
                for event in _SQLITE_EVENTS:
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {_sqlite_trigger(conn, table, event)} BEFORE {event} "
                        f"ON {quoted} BEGIN SELECT RAISE(ABORT, 'audit table is append-only'); END"
                    )


def remove_append_only_triggers(using: str = "default") -> None:
    """Drop every trigger ``install_append_only_triggers`` creates — for test databases only.

    A transactional test ends by emptying every table (TRUNCATE on PostgreSQL, DELETE on SQLite),
    which the triggers refuse for the audit tables; the test harness drops them just for that flush,
    and the flush's own post_migrate signal installs them again.
    """
    conn, tables = _audit_tables(using)
    with conn.cursor() as cursor:
        for table in tables:
            if conn.vendor == "postgresql":
                for name in _PG_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {conn.ops.quote_name(table)}")
            elif conn.vendor == "sqlite":
                for event in _SQLITE_EVENTS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {_sqlite_trigger(conn, table, event)}")


def _on_login(sender: Any, request: HttpRequest, user: Any, **_: Any) -> None:
    audit_event(kind="login", actor=user, request=request)


def _on_logout(sender: Any, request: HttpRequest, user: Any, **_: Any) -> None:
    if user is not None:
        audit_event(kind="logout", actor=user, request=request)


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    username = str(credentials.get("username") or credentials.get("login") or "")
    audit_event(kind="login_failed", request=request, username=username)


def connect_signals() -> None:
    """Wire authentication signals and the post-migrate trigger installer."""
    auth_signals.user_logged_in.connect(_on_login, dispatch_uid="tsunagu_audit_login")
    auth_signals.user_logged_out.connect(_on_logout, dispatch_uid="tsunagu_audit_logout")
    auth_signals.user_login_failed.connect(_on_login_failed, dispatch_uid="tsunagu_audit_login_failed")
    post_migrate.connect(_post_migrate, dispatch_uid="tsunagu_append_only")


def _post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # post_migrate fires per app after *all* migrations have run, so every history table exists
    # by the time core's signal arrives; running once is enough.
    if sender.label == "core":
        install_append_only_triggers(using=using)


__all__ = [
    "audit_event",
    "audit_table_names",
    "install_append_only_triggers",
    "log_access",
    "remove_append_only_triggers",
]
