"""A phone that comes back downloads no static file again (issue 17, kit/ops/static_files.py).

A phone opens the keypad, joins the demo session and reaches the live page; every static file it fetched
is named by its content and cached a year, `immutable`. It then opens the keypad and the live page again,
in the same browser: Chromium takes every static file from its cache, none from the network (not even a
304 revalidation), as the DevTools protocol tells.

Within its max-age a file is taken from the cache whatever the header says: with the former `max-age=3600`
the second visit passed too, a minute later. What fails with it is the header of the first visit, which says
whether the phone still finds its files cached after an hour, a day or a week (Chromium's clock for its
cache cannot be moved forward from a test).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import PHONE
from tests.browser.test_phone import join
from tests.livedriver import LiveAnimator
from tests.servers import AppServer


class StaticTraffic:
    """The static files a page loads, and whether each came from the cache (DevTools protocol events)."""

    def __init__(self, page: Page) -> None:
        self.responses: dict[str, dict[str, Any]] = {}  # request id → response
        self.from_cache: set[str] = set()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.requestServedFromCache", lambda event: self.from_cache.add(event["requestId"]))

    def _received(self, event: dict[str, Any]) -> None:
        if "/static/" in event["response"]["url"]:
            self.responses[event["requestId"]] = event["response"]

    def clear(self) -> None:
        self.responses.clear()
        self.from_cache.clear()

    def from_network(self) -> list[str]:
        """The static files that did not come from the browser's cache, with their status."""
        return [f"{r['status']} {r['url']}" for rid, r in self.responses.items()
                if rid not in self.from_cache and not r.get("fromDiskCache")]


def test_a_phone_that_comes_back_downloads_nothing_again(browser: Browser, app_server: AppServer,
                                                         artifacts: Path) -> None:
    animator = LiveAnimator(app_server.url)
    code = animator.start()
    context = browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True)
    try:
        page = context.new_page()
        traffic = StaticTraffic(page)
        page.goto(app_server.url + "/j")
        join(page, app_server.url, code, "Lina")
        first = dict(traffic.responses)
        assert len({r["url"] for r in first.values()}) >= 3, first  # CSS, the page's script, Socket.IO's client
        for response in first.values():
            headers = {name.lower(): value for name, value in response["headers"].items()}
            assert headers.get("cache-control") == "public, max-age=31536000, immutable", response["url"]
            assert "cookie" not in headers.get("vary", "").lower(), response["url"]

        traffic.clear()
        page.goto(app_server.url + "/j")
        expect(page.get_by_label("Tapez le code affiché à l'écran")).to_be_visible()
        page.goto(f"{app_server.url}/j/{code}")
        expect(page.locator("[data-connection]")).to_have_text("En ligne")
        page.screenshot(path=str(artifacts / "telephone-retour-cache.png"))
        again = {r["url"] for r in traffic.responses.values()}
        assert len(again) >= 3 and again <= {r["url"] for r in first.values()}, again
        assert traffic.from_network() == []
    finally:
        context.close()
        animator.close()
