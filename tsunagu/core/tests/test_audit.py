"""Audit tables are append-only in the database, and changes and reads leave a trace."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from tsunagu.accounts.models import User
from tsunagu.core.audit import audit_event, audit_table_names, log_access
from tsunagu.core.models import AccessLog, AuditEvent
from tsunagu.core.scope import system_scope
from tsunagu.students.models import Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil() -> Student:
    return Student.objects.create(
        family_name="佐藤",
        given_name="花子",
        family_name_kana="さとう",
        given_name_kana="はなこ",
        sex="F",
        birth_date=dt.date(2016, 6, 1),
    )


def test_every_history_table_and_both_logs_are_audit_tables() -> None:
    tables = audit_table_names()
    assert "core_auditevent" in tables
    assert "core_accesslog" in tables
    assert "students_historicalstudent" in tables
    assert "students_historicalguardianlink" in tables


@pytest.mark.parametrize("statement", ["UPDATE {table} SET {column} = {column}", "DELETE FROM {table}"])
@pytest.mark.parametrize(
    "table,column",
    [("core_auditevent", "kind"), ("core_accesslog", "model"), ("students_historicalstudent", "family_name")],
)
def test_the_database_refuses_to_rewrite_audit_rows(
    pupil: Student, table: str, column: str, statement: str
) -> None:
    audit_event(kind="probe")
    log_access(actor=None, records=[pupil])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        assert cursor.fetchone()[0] > 0
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table, column=column))


def test_the_orm_cannot_delete_audit_events_either() -> None:
    audit_event(kind="probe")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()


def test_a_change_keeps_before_and_after(pupil: Student) -> None:
    pupil.given_name = "花"
    pupil.save()
    with system_scope(reason="test reads history"):
        versions = list(pupil.history.order_by("history_id").values_list("given_name", "history_type"))
    assert versions == [("花子", "+"), ("花", "~")]


def test_log_access_records_the_pupil_and_the_fields(pupil: Student) -> None:
    reader = User.objects.create_user("audit-reader", password="unused-password-123")
    log_access(actor=reader, records=[pupil], fields=["address"])
    row = AccessLog.objects.get(actor_username="audit-reader")
    assert (row.actor_username, row.model, row.student_uuid, row.fields) == (
        "audit-reader",
        "students.Student",
        pupil.uuid,
        "address",
    )


def test_log_lines_cannot_be_forged_with_control_characters() -> None:
    audit_event(kind="login_failed", username="eve\nINFO forged line")
    assert AuditEvent.objects.get(kind="login_failed").actor_username == "eve\\x0aINFO forged line"
