"""The throwaway benchmark database, and the subprocess that works in it.

Benchmarks never touch the developer's database. On SQLite the ward is seeded into
``var/bench/<scale>.sqlite3``; when ``DATABASE_URL`` points at PostgreSQL, into a database
``tsunagu_bench_<scale>`` created on the same server (dropped and created again for each seeding).

The work itself (migrate, seed, request the pages) runs in a child process,
``python -m tsunagu.bench.worker``, whose ``DATABASE_URL`` names the throwaway database: Django
binds its connection at start-up, so a separate process is the simple way to be sure every query
goes there. The child runs with ``TSUNAGU_DEBUG=false``, as a server does (DEBUG keeps a log of
every SQL statement, which would slow both the seeding and the pages).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from tsunagu.bench.registry import BenchError

BENCH_DIR = Path(settings.BASE_DIR) / "var" / "bench"
PG_NAME_PREFIX = "tsunagu_bench_"


def vendor() -> str:
    """``sqlite`` or ``postgresql``: the kind of database the developer's settings use."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BenchError(f"benchmarks support SQLite and PostgreSQL, not {engine}")


def bench_database_url(scale: str) -> str:
    """The URL of the throwaway database for ``scale``, next to (never equal to) the configured one."""
    if vendor() == "sqlite":
        return f"sqlite:///{BENCH_DIR / f'{scale}.sqlite3'}"
    raw = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(raw)
    name = f"{PG_NAME_PREFIX}{scale}"
    if parts.path.lstrip("/") == name or settings.DATABASES["default"]["NAME"] == name:
        raise BenchError(f"DATABASE_URL already names the benchmark database {name}; point it elsewhere")
    return urlunsplit(parts._replace(path=f"/{name}"))


def _sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///…`` URL (as built above), or None for another database."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _pg_name(url: str) -> str:
    """The database name of a ``postgres://…/name`` URL."""
    return urlsplit(url).path.lstrip("/")


def describe(url: str) -> str:
    """A short name of the benchmark database for the report (a path or a database name; no password)."""
    path = _sqlite_path(url)
    if path is not None:
        try:
            return str(path.relative_to(settings.BASE_DIR))
        except ValueError:
            return str(path)
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 5432}/{_pg_name(url)}"


def exists(url: str) -> bool:
    """Whether the benchmark database exists at all (checked without creating it)."""
    path = _sqlite_path(url)
    if path is not None:
        return path.exists()
    with _maintenance(url) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_pg_name(url)]).fetchone()
    return row is not None


def recreate(url: str) -> None:
    """Drop the benchmark database if it exists and create it empty."""
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from psycopg import sql

    name = _pg_name(url)
    if not name.startswith(PG_NAME_PREFIX):  # a last guard: only ever drop our own databases
        raise BenchError(f"refusing to drop {name!r}: not a benchmark database")
    with _maintenance(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextlib.contextmanager
def _maintenance(url: str) -> Iterator[Any]:
    """A connection (autocommit) to the same server's ``postgres`` database, from which databases
    are created and dropped; a server error becomes a :class:`BenchError`."""
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            yield conn
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL at {parts.hostname}:{parts.port or 5432}: {exc}") from exc


def run_worker(url: str, *args: str) -> dict[str, Any]:
    """Run ``python -m tsunagu.bench.worker *args`` against ``url``; return the JSON it prints last."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TSUNAGU_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "tsunagu.config.settings",
        "TSUNAGU_LOG_LEVEL": os.environ.get("TSUNAGU_LOG_LEVEL", "WARNING"),
    }
    proc = subprocess.run(  # noqa: S603 (our own interpreter and module, fixed arguments)
        [sys.executable, "-m", "tsunagu.bench.worker", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise BenchError(f"benchmark worker {' '.join(args)} failed (exit {proc.returncode}):\n{tail}")
    lines = proc.stdout.strip().splitlines()
    try:
        data: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, ValueError) as exc:
        raise BenchError(
            f"benchmark worker {' '.join(args)} printed no JSON: {proc.stdout[-500:]!r}"
        ) from exc
    return data


def run_in_worker(url: str, function: Callable[..., dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    """Call ``function`` (a module-level function of tsunagu.bench.scenarios returning a JSON-able dict)
    in the worker process bound to ``url``, with JSON-able keyword arguments."""
    module = function.__module__.removeprefix("tsunagu.bench.scenarios.")
    if module == function.__module__:
        raise BenchError(f"{function.__module__}.{function.__name__} is not in tsunagu.bench.scenarios")
    target = f"{module}:{function.__name__}"
    return run_worker(url, "call", "--function", target, "--kwargs", json.dumps(kwargs))


def analyze() -> None:
    """Bring the connected database to the state production's autovacuum keeps it in after a bulk
    write: ``VACUUM (ANALYZE)`` on PostgreSQL (only ``ANALYZE`` inside a transaction, where VACUUM
    cannot run); SQLite plans without statistics. Autovacuum does this within minutes of such a
    write; a benchmark measuring at once would otherwise time plans made for empty tables (the
    karte's learning query took 190 ms instead of 9 ms on a freshly written class) and index-only
    scans that visit the table for every row because the visibility map is still empty (the
    roster's 1,098 "Heap Fetches" on the pupils' key)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
