"""Playwright driving Debian's Chromium (`playwright install` cannot download browsers here)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from kit.people.demo import DEMO_EMAIL, DEMO_PASSWORD
from slides import Deck, compile_file
from tests.browser.helpers import PROJECTOR, ROOT, SLUG, signed_in
from tests.livedriver import LiveAnimator
from tests.servers import AppServer

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(browser: Any) -> Any:
    """tests/conftest.py's Chromium, whose contexts and pages all report CSP violations and script errors."""
    return WatchedBrowser(browser)


# What a page did wrong during the current test: Content-Security-Policy violations, uncaught script errors,
# console errors. `no_page_error` fails the test with them.
PAGE_ERRORS: list[str] = []
# The browser reports each violation as a console error too; this says which directive, and where.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Violation de la CSP : " + event.violatedDirective + " bloque "
                + (event.blockedURI || "du code en ligne") + " (" + event.sourceFile + ":" + event.lineNumber + ")");
});"""
# Not the page's fault: a status the test asked for (a 404, a 403), or the Socket.IO client's retries while a
# test stops the server.
IGNORED_CONSOLE = ("Failed to load resource", "WebSocket connection to")


def watch_page(page: Any) -> None:
    """Collect the page's script errors and console errors into PAGE_ERRORS."""
    page.on("pageerror", lambda error: PAGE_ERRORS.append(f"{page.url} : erreur de script : {error}"))
    page.on("console", lambda message: PAGE_ERRORS.append(f"{page.url} : {message.text}")
            if message.type == "error" and not message.text.startswith(IGNORED_CONSOLE) else None)


def watch_context(context: Any) -> Any:
    """Every page of the context, now and later, reports its violations and errors."""
    context.add_init_script(REPORT_VIOLATIONS)
    context.on("page", watch_page)
    for page in context.pages:
        watch_page(page)
    return context


class WatchedBrowser:
    """The Playwright browser, whose contexts and pages all report CSP violations and script errors."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)

    def new_context(self, **options: Any) -> Any:
        return watch_context(self._browser.new_context(**options))

    def new_page(self, **options: Any) -> Any:
        page = self._browser.new_page(**options)
        watch_context(page.context)
        return page


@pytest.fixture(autouse=True)
def no_page_error() -> Iterator[None]:
    """A browser test fails when a page broke the Content-Security-Policy or logged an error."""
    PAGE_ERRORS.clear()
    yield
    errors, PAGE_ERRORS[:] = list(PAGE_ERRORS), []
    if errors:
        pytest.fail("erreurs dans les pages :\n" + "\n".join(errors[:20]), pytrace=False)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and PDFs are written, to look at them."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def context(browser: Browser, app_server: AppServer) -> Iterator[BrowserContext]:
    """A projector-sized browser context signed in as the demo animator, through the login page."""
    context = signed_in(browser, app_server.url, DEMO_EMAIL, DEMO_PASSWORD)
    yield context
    context.close()


@pytest.fixture(scope="module")
def deck() -> Deck:
    """The module of the demo session, as the server compiles it."""
    return compile_file(ROOT / "modules" / f"{SLUG}.md")


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[BrowserContext]:
    """One projector-sized context for the whole file: its tabs share a BroadcastChannel."""
    context = browser.new_context(viewport=PROJECTOR)
    yield context
    context.close()


@pytest.fixture
def page(tabs: BrowserContext) -> Iterator[Page]:
    """A fresh tab of the file's shared context."""
    page = tabs.new_page()
    yield page
    page.close()


@dataclass
class Live:
    """A started demo session: its server, its code and its animator."""

    server: AppServer
    code: str
    animator: LiveAnimator

    @property
    def url(self) -> str:
        """The server's base URL."""
        return self.server.url


@pytest.fixture
def live(app_server: AppServer) -> Iterator[Live]:
    """The demo session, started by its animator, on a fresh real server."""
    animator = LiveAnimator(app_server.url)
    code = animator.start()
    yield Live(app_server, code, animator)
    animator.close()
