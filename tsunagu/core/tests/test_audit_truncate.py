"""Audit tables cannot be truncated on PostgreSQL either (decision 0003, addendum).

TRUNCATE fires no row trigger, so ``install_append_only_triggers`` adds a statement trigger for it and
revokes the privilege. SQLite has no TRUNCATE (its ``DELETE FROM t`` is refused by the DELETE trigger,
see test_audit).
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from tsunagu.core.audit import audit_event, audit_table_names

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's"),
]


@pytest.mark.parametrize("table", ["core_auditevent", "core_accesslog", "students_historicalstudent"])
def test_the_database_refuses_to_truncate_an_audit_table(table: str) -> None:
    audit_event(kind="probe")
    quoted = connection.ops.quote_name(table)
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {quoted}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM core_auditevent")
        assert cursor.fetchone()[0] > 0


def test_every_audit_table_has_the_truncate_trigger() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'tsunagu_append_only_truncate' AND NOT t.tgisinternal"
        )
        guarded = {row[0] for row in cursor.fetchall()}
    assert set(audit_table_names()) <= guarded


def test_truncate_update_and_delete_are_revoked_from_the_migrating_role() -> None:
    # The test database's role is a superuser, which privileges do not stop (the trigger does); the
    # table's ACL shows what an ordinary owner role would be left with.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT acl.privilege_type FROM pg_class c, aclexplode(c.relacl) acl "
            "WHERE c.relname = 'core_auditevent' AND acl.grantee = "
            "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
        )
        privileges = {row[0] for row in cursor.fetchall()}
    assert {"SELECT", "INSERT"} <= privileges
    assert not {"UPDATE", "DELETE", "TRUNCATE"} & privileges
