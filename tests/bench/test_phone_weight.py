"""What a participant's phone downloads, measured in Chromium against the real server (run.py, gevent).

Budget (docs/../PRODUCT.md): the phone page's first load is at most 60 KB of compressed transfer in all,
Socket.IO client included. The figures are the bytes Chromium received (DevTools' "transferred": the
gzipped bodies plus the HTTP headers), read from the DevTools protocol, and the Socket.IO traffic of
the first connection (long-polling requests and WebSocket frames) until the page shows "En ligne".

Run: .venv/bin/pytest tests/bench -m bench -q -p no:cacheprovider -s -k phone
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.bench.harness import write_section
from tests.livedriver import LiveAnimator
from tests.servers import AppServer
from tests.web import WebClient

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent.parent
BUDGET = 60_000  # bytes: 60 KB, counted in thousands to stay on the safe side
PHONE = {"width": 393, "height": 727}
SECTION = "## Page téléphone"
BEGIN, END = "<!-- téléphone:début (écrit par tests/bench/test_phone_weight.py) -->", "<!-- téléphone:fin -->"


@dataclass
class Row:
    """One download seen by Chromium."""

    url: str
    kind: str
    status: int = 0
    encoding: str = ""
    transferred: int = 0  # bytes on the wire, headers included
    decoded: int = 0  # bytes once decompressed
    cached: bool = False
    redirects: int = 0  # bytes of the redirect responses that led to it


@dataclass
class Meter:
    """Every request and WebSocket frame of one page, from the DevTools protocol."""

    rows: dict[str, Row] = field(default_factory=dict)
    frames_in: int = 0
    frames_out: int = 0

    def attach(self, page: Page) -> Meter:
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestServedFromCache", self._from_cache)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame_in)
        cdp.on("Network.webSocketFrameSent", self._frame_out)
        cdp.send("Network.enable")
        return self

    def _request(self, event: dict[str, Any]) -> None:
        row = self.rows.setdefault(event["requestId"], Row(event["request"]["url"], event.get("type", "")))
        redirect = event.get("redirectResponse")
        if redirect:  # a redirect keeps its request id: count the redirect's own bytes too
            row.redirects += int(redirect.get("encodedDataLength", 0))
            row.url = f"{row.url} → {urlsplit(event['request']['url']).path}"

    def _response(self, event: dict[str, Any]) -> None:
        row = self.rows.setdefault(event["requestId"], Row(event["response"]["url"], event.get("type", "")))
        response = event["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        row.status = response.get("status", 0)
        row.encoding = headers.get("content-encoding", "")
        row.cached = row.cached or bool(response.get("fromDiskCache") or response.get("fromMemoryCache"))
        row.kind = event.get("type", row.kind)

    def _from_cache(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.rows:
            self.rows[event["requestId"]].cached = True

    def _data(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.rows:
            self.rows[event["requestId"]].decoded += event.get("dataLength", 0)

    def _finished(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.rows:
            row = self.rows[event["requestId"]]
            row.transferred = row.redirects + int(event.get("encodedDataLength", 0))

    def _frame_in(self, event: dict[str, Any]) -> None:
        self.frames_in += len(event["response"].get("payloadData", "").encode()) + 2

    def _frame_out(self, event: dict[str, Any]) -> None:
        self.frames_out += len(event["response"].get("payloadData", "").encode()) + 6  # masked client frames

    @property
    def total(self) -> int:
        """Every byte received: responses (headers included) and WebSocket frames."""
        return sum(r.transferred for r in self.rows.values() if not r.cached) + self.frames_in

    def table(self, title: str) -> str:
        """A markdown table of the downloads."""
        lines = [f"**{title}**", "", "| fichier | type | encodage | transféré | décompressé |", "|---|---|---|--:|--:|"]
        for row in self.rows.values():
            if row.url.startswith("data:"):
                continue
            first, _, rest = row.url.partition(" → ")
            path = urlsplit(first)
            name = path.path + ("?…" if path.query else "") + (f" → {rest}" if rest else "")
            size = "cache" if row.cached else f"{row.transferred:,} o".replace(",", " ")
            lines.append(f"| `{name}` | {row.kind} | {row.encoding or '—'} | {size} | "
                         f"{row.decoded:,} o |".replace(",", " "))
        if self.frames_in or self.frames_out:
            lines.append(f"| WebSocket (trames reçues / envoyées) | WebSocket | — | {self.frames_in} o | "
                         f"{self.frames_out} o envoyés |")
        lines.append(f"| **total reçu** | | | **{self.total:,} o** | |".replace(",", " "))
        return "\n".join(lines)



def fresh_phone(browser: Browser, base_url: str, cookies: WebClient | None = None) -> BrowserContext:
    """A phone with an empty cache (and, if given, the cookies of a client that joined)."""
    context = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Encoding": "gzip"})  # type: ignore[arg-type]
    if cookies is not None:
        context.add_cookies([{"name": c.name, "value": c.value or "", "url": base_url} for c in cookies.http.cookies])
    return context


def measure(context: BrowserContext, url: str, ready: Any) -> Meter:
    """Open `url` in a new tab of `context`, wait until `ready(page)` and the network is quiet."""
    page = context.new_page()
    meter = Meter().attach(page)
    page.goto(url)
    ready(page)
    page.wait_for_load_state("networkidle")
    time.sleep(1)  # the WebSocket upgrade of Socket.IO, after the first long-polling requests
    page.close()
    return meter


def online(page: Page) -> None:
    """The live page is connected."""
    expect(page.locator("[data-connection]")).to_have_text("En ligne", timeout=15000)


def choose_a_name(page: Page) -> None:
    """On the name page: a new nickname, then the live page."""
    page.get_by_label("Votre prénom ou surnom").fill("Première fois")
    page.get_by_role("button", name="C'est parti !").click()
    online(page)




def test_phone_page_weight(browser: Browser, app_server: AppServer) -> None:
    """The live page's first load, cache empty, is within 60 KB compressed; /j is measured too."""
    animator = LiveAnimator(app_server.url)
    code = animator.start()
    try:
        base = app_server.url
        # /j, the keypad, on a phone that never came.
        with_keypad = fresh_phone(browser, base)
        keypad = measure(with_keypad, base + "/j", lambda p: expect(p.locator("[data-keypad]")).to_be_visible())
        with_keypad.close()

        # A whole first visit: the QR code opens the session's page, the participant picks a name, the live
        # page follows (its CSS comes from the cache by then).
        newcomer = fresh_phone(browser, base)
        path = measure(newcomer, f"{base}/j/{code}", choose_a_name)
        newcomer.close()

        # The live page, cache empty: a phone that joined (CSRF token read from the form by WebClient).
        joined = WebClient(base)
        joined.join(code, "Mesure")
        phone = fresh_phone(browser, base, joined)
        live = measure(phone, f"{base}/j/{code}", online)
        # The same phone coming back (reload, or the next half-day): static files come from its cache.
        again = measure(phone, f"{base}/j/{code}", online)
        phone.close()
    finally:
        animator.close()

    tables = [keypad.table("/j : le clavier du code"),
              live.table("/j/‹code› : la page en direct, premier chargement (cache vide)"),
              path.table("/j/‹code› : premier passage complet (QR code → prénom → page en direct)"),
              again.table("/j/‹code› : la page en direct, deuxième visite (cache du téléphone)")]
    first_visit = path.total
    summary = (f"Mesuré le {datetime.now():%d/%m/%Y à %H:%M} avec Chromium (fenêtre 393 × 727), serveur run.py "
               f"(gevent) sur 127.0.0.1, `Accept-Encoding: gzip`. « Transféré » : octets reçus, en-têtes HTTP compris "
               f"(DevTools, `encodedDataLength`), plus les trames WebSocket de Socket.IO.\n\n"
               f"- Page en direct, premier chargement : **{live.total / 1000:.1f} Ko** "
               f"(budget : {BUDGET // 1000} Ko).\n"
               f"- Premier passage complet (QR code → choix du prénom → page en direct) : "
               f"{first_visit / 1000:.1f} Ko.\n"
               f"- Clavier /j : {keypad.total / 1000:.1f} Ko. Deuxième visite de la page en direct : "
               f"{again.total / 1000:.1f} Ko.\n")
    report = (summary + "\n" + "\n\n".join(tables) + "\n").replace(code, "‹code›")
    print("\n" + report)
    write_section(ROOT / "docs" / "performance.md", report, SECTION, BEGIN, END)
    assert live.total <= BUDGET, f"page en direct : {live.total} octets > {BUDGET}"
    assert first_visit <= BUDGET, f"premier passage complet : {first_visit} octets > {BUDGET}"
