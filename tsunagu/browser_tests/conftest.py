"""Browser tests: Playwright (Python) driving Debian's chromium against pytest-django's live server.

Without chromium (or without the built front-end assets) every test here is skipped with the reason
printed in the summary. Screenshots go to artifacts/screenshots/ (gitignored; CI keeps them).

Playwright's sync API keeps an event loop alive in the test thread while a browser is open, and
Django refuses ORM calls from a thread with a running loop. The browser therefore lives for one
module at a time, and ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set only while it does.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: iPad Air in portrait, and a staff-room PC.
IPAD = {"width": 820, "height": 1180}
DESKTOP = {"width": 1366, "height": 900}
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
AXE = Path(settings.PACKAGE_DIR) / "static" / "vendor" / "axe" / "axe.min.js"


def chromium_path() -> str | None:
    """Debian's chromium, where CI installs it (``apt-get install chromium``)."""
    for candidate in (os.environ.get("TSUNAGU_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _skip_reason() -> str | None:
    if chromium_path() is None:
        return "chromium not found: browser tests skipped (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright not installed: browser tests skipped"
    if not AXE.is_file():
        return "front-end assets not built (manage.py build_assets): browser tests skipped"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    reason = _skip_reason()
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    reason = _skip_reason()
    if reason and any("browser_tests" in str(arg) for arg in terminalreporter.config.args or ["."]):
        terminalreporter.write_line(reason, yellow=True, bold=True)


def _drop_append_only_triggers() -> None:
    """Remove the audit tables' append-only triggers (test databases only; see below)."""
    from django.db import connection

    from tsunagu.core.audit import audit_table_names

    with connection.cursor() as cursor:
        for table in audit_table_names():
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS tsunagu_append_only ON {quoted}")
            elif connection.vendor == "sqlite":
                for event in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"DROP TRIGGER IF EXISTS {connection.ops.quote_name(f'{table}_append_only_{event}')}"
                    )


@pytest.fixture(autouse=True)
def _flushable_audit_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let the flush after a live-server test empty the audit tables.

    The live server needs a transactional test, and a transactional test ends by deleting every
    row — which the append-only triggers refuse for the audit tables. The triggers stay in force
    during the test and are dropped only for that final flush; the next test puts them back.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up before, and flushed after, this fixture
    from tsunagu.core.audit import install_append_only_triggers

    install_append_only_triggers()
    yield
    _drop_append_only_triggers()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless chromium for the tests of one module."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
            )
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Page:
    """A Playwright page that records console errors, failed requests and CSP violations."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("response", self._on_response)

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _on_response(self, response: Any) -> None:
        # The browser asks for /favicon.ico on its own; everything else must load.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"{response.status} {response.url}")

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        self.settle()
        return response

    def settle(self) -> None:
        """Wait until the network is idle and the web fonts are in, so screenshots are final."""
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("document.fonts.ready.then(() => true)")

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def axe_violations(self) -> list[dict[str, Any]]:
        """axe-core's WCAG 2.x A/AA findings on the current page (empty when clean)."""
        # From the server, as a same-origin file: the CSP (rightly) refuses an inline copy.
        self.page.add_script_tag(
            url=f"{self.base_url}{'/' + settings.STATIC_URL.strip('/')}/vendor/axe/axe.min.js"
        )
        result = self.page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
        )
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [node["target"] for node in v["nodes"][:5]],
            }
            for v in result["violations"]
        ]

    def horizontal_overflow(self) -> int:
        """Pixels the page is wider than the window (0 when nothing is cut off sideways)."""
        return int(self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.fixture
def open_page(
    browser: Any, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """``open_page(username or None, viewport=IPAD)``: a logged-in (or anonymous) Japanese page.

    Logged-in pages carry the session of the shared ``client_as`` fixture (password and second
    factor already satisfied), so the cast needs no real login here.
    """
    try:
        client_as: Callable[[str], Any] = request.getfixturevalue("client_as")
    except pytest.FixtureLookupError:
        pytest.skip("the shared demo-ward fixtures (client_as) are not available")
    contexts = []

    def make(username: str | None, *, viewport: dict[str, int] = IPAD, language: str = "ja") -> Page:
        context = browser.new_context(
            viewport=viewport, locale="ja-JP" if language == "ja" else "en-GB", device_scale_factor=1
        )
        contexts.append(context)
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        if username:
            client = client_as(username)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url})
        context.add_cookies(cookies)
        return Page(context.new_page(), live_server.url)

    yield make
    for context in contexts:
        context.close()
