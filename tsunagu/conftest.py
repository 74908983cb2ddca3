"""Shared test fixtures: the demo ward seeded once per test database, and clients logged in as its cast.

The ``tiny`` demo ward is seeded when the test database is created (once per xdist worker), so every
test sees the same schools, classes and cast without paying for them. Tests run inside a transaction
that is rolled back, so the ward stays as seeded. A transactional test (the live-server browser
tests) ends by emptying every table; the hooks below seed the ward again before the next test.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest
from django.test import Client

from tsunagu.demo.generator import WardSummary

WARD_SCALE = "tiny"
WARD_SEED = 1

_blocker: Any = None


def pytest_configure(config: pytest.Config) -> None:
    """Background tasks run at once in tests, inside the request or service that enqueues them."""
    from django.test import override_settings

    immediate = "django_tasks.backends.immediate.ImmediateBackend"
    override_settings(TASKS={"default": {"BACKEND": immediate}}).enable()


def _seed_if_missing() -> None:
    from tsunagu.core.scope import system_scope
    from tsunagu.demo.generator import seed_ward, ward_exists

    with system_scope(reason="tests check for the demo ward"):
        if ward_exists():
            return
    seed_ward(WARD_SCALE, WARD_SEED)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Create the test database as usual, then seed the demo ward in it."""
    global _blocker
    _blocker = django_db_blocker
    with django_db_blocker.unblock():
        _seed_if_missing()
    yield


_emptied = False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    """Note when a transactional test has emptied the database (its teardown flushes every table).

    The audit tables' append-only triggers refuse that flush (TRUNCATE on PostgreSQL, DELETE on
    SQLite), so they are dropped just before it; the flush's post_migrate and the next set-up put
    them back.
    """
    global _emptied
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and bool(marker.kwargs.get("transaction"))
    transactional = transactional or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )
    if transactional and _blocker is not None:
        from tsunagu.core.audit import remove_append_only_triggers

        with _blocker.unblock():
            remove_append_only_triggers()
    yield
    if transactional:
        _emptied = True


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """Before the next test, seed the ward (and the audit triggers) again in the emptied database.

    Done here rather than in the teardown above: after the session's last test the test database is
    already gone by then, and the connection points back at the real database.
    """
    global _emptied
    if _emptied and _blocker is not None:
        from tsunagu.core.audit import install_append_only_triggers

        with _blocker.unblock():
            _seed_if_missing()
            install_append_only_triggers()
        _emptied = False
    yield


@pytest.fixture
def ward(db: Any) -> WardSummary:
    """The seeded demo ward: board, this year and last, and the schools by key (sakura, kaede, midori)."""
    from tsunagu.demo.generator import ward_summary

    return ward_summary()


ClientAs = Callable[[str], Client]


@pytest.fixture
def client_as(ward: WardSummary) -> ClientAs:
    """``client_as("teacher")``: a test client logged in as a cast member (second factor satisfied for
    staff, as after a real login with TOTP)."""
    from tsunagu.accounts.models import User
    from tsunagu.accounts.testing import force_login
    from tsunagu.demo.cast import CAST_BY_USERNAME

    def make(username: str) -> Client:
        user = User.objects.get(username=username)
        member = CAST_BY_USERNAME.get(username)
        client = Client()
        force_login(client, user, mfa=member.is_staff_role if member else True)
        return client

    return make
