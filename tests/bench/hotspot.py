"""What the slow-hotspot benchmark (test_slow_hotspot.py) drives: a throttled Chromium phone, measured from
inside the page, and a swarm of Socket.IO phones (python-socketio) for the rooms' worth of load."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import socketio
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kit.live.devices import COOKIE

ROOT = Path(__file__).resolve().parent.parent.parent
NARROW = {"width": 320, "height": 640}
CPU_SLOWDOWN = 6
TYPING = 3.0  # seconds on the name page before « C'est parti », as a person types a first name
PARTICIPANTS = "/participant"

# In every page: when « C'est parti » is tapped (kept across the navigation it starts), and each time the
# connection badge says « En ligne » or something else, by the wall clock (the test's clock too).
MARKS = """
(function () {
  document.addEventListener("click", function (event) {
    var t = event.target;
    if (t && t.closest && t.closest("form button")) sessionStorage.setItem("bench-click", String(Date.now()));
  }, true);
  window.__online = []; window.__offline = [];
  document.addEventListener("DOMContentLoaded", function () {
    var badge = document.querySelector("[data-connection]");
    if (!badge) return;
    var last = badge.textContent;
    new MutationObserver(function () {
      if (badge.textContent === last) return;
      last = badge.textContent;
      (last === "En ligne" ? window.__online : window.__offline).push(Date.now());
    }).observe(badge, {childList: true, characterData: true, subtree: true});
  });
  // Tap answer `index` and resolve with the ms until its « ✓ Réponse envoyée ».
  window.__tap = function (index) {
    return new Promise(function (resolve) {
      var button = document.querySelectorAll("[data-answers] button")[index];
      var tag = button.querySelector("[data-answer-tag]");
      var start = performance.now();
      var seen = new MutationObserver(function () {
        if (tag.textContent.indexOf("Réponse envoyée") === -1) return;
        seen.disconnect();
        resolve(performance.now() - start);
      });
      seen.observe(button, {childList: true, characterData: true, subtree: true});
      button.click();
    });
  };
})();
"""


def client_backoff() -> tuple[float, float, float]:
    """The phone page's reconnection delays (s, s, factor), so that the swarm's phones wait as the page does."""
    source = (ROOT / "static" / "js" / "phone.js").read_text()

    def option(name: str, default: float) -> float:
        found = re.search(rf"\b{name}\s*:\s*([\d.]+)", source)
        return float(found.group(1)) if found else default
    return (option("reconnectionDelay", 1000) / 1000, option("reconnectionDelayMax", 5000) / 1000,
            option("randomizationFactor", 0.5))


class SlowPhone:
    """A Chromium phone at 320 × 640, its CPU slowed CPU_SLOWDOWN times, behind a relay."""

    def __init__(self, browser: Browser, base: str, cookie: tuple[str, str] | None = None) -> None:
        self.base = base
        self.context: BrowserContext = browser.new_context(viewport=NARROW, locale="fr-FR", has_touch=True)  # type: ignore[arg-type]
        if cookie:
            self.context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": base}])
        self.context.add_init_script(MARKS)
        self.page: Page = self.context.new_page()
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})

    def join(self, code: str, nickname: str) -> float:
        """Type a name, tap « C'est parti » and return the seconds until « En ligne »."""
        self.page.goto(f"{self.base}/j/{code}")
        time.sleep(TYPING)
        self.page.get_by_label("Votre prénom ou surnom").fill(nickname)
        self.page.locator("label.avatar-choice").first.click()
        self.page.get_by_role("button", name="C'est parti !").click()
        self.wait_online()
        click = float(self.page.evaluate("Number(sessionStorage.getItem('bench-click'))"))
        if os.environ.get("HOTSPOT_DEBUG"):
            print(self.page.evaluate("""(click) => {
              var t0 = performance.timeOrigin, out = ["click→navStart " + Math.round(t0 - click)];
              performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource")).forEach(
                function (e) { out.push(e.name.replace(/^https?:\\/\\/[^/]+/, "").slice(0, 60) + " start " +
                  Math.round(e.startTime) + " end " + Math.round(e.responseEnd) + " size " + e.transferSize); });
              out.push("online " + Math.round(window.__online[0] - t0));
              return out.join("\\n"); }""", click))
        return (self.online_times()[0] - click) / 1000

    def open_live(self, code: str) -> None:
        """Open the live page directly (a phone whose name is chosen)."""
        self.page.goto(f"{self.base}/j/{code}")
        self.wait_online()

    def wait_online(self, timeout: float = 30) -> None:
        expect(self.page.locator("[data-connection]")).to_have_text("En ligne", timeout=timeout * 1000)

    def online_times(self) -> list[float]:
        return [float(t) for t in self.page.evaluate("window.__online")]

    def wait_question(self, choices: int) -> None:
        expect(self.page.locator("[data-answers] button")).to_have_count(choices, timeout=30_000)
        expect(self.page.locator("[data-answers] button").first).to_be_enabled(timeout=30_000)

    def tap(self, index: int) -> float:
        """Tap an answer; seconds until its « ✓ Réponse envoyée »."""
        return float(self.page.evaluate("i => window.__tap(i)", index)) / 1000

    def offline_seen(self) -> bool:
        return bool(self.page.evaluate("window.__offline.length > 0"))

    def back_after(self, returned: float, timeout: float = 30) -> float:
        """Seconds from `returned` (wall clock) to the first « En ligne » after it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            later = [t / 1000 for t in self.online_times() if t / 1000 >= returned - 0.05]
            if later:
                return later[0] - returned
            time.sleep(0.05)
        raise AssertionError("le téléphone n'est pas revenu « En ligne »")

    def close(self) -> None:
        self.context.close()


@dataclass
class SwarmPhone:
    """A phone of the swarm: a python-socketio client behind the relay, with the page's back-off."""

    code: str
    token: str
    answer_at: float  # seconds after the question opens
    choice: int
    answered: float | None = None
    connects: list[float] = field(default_factory=list)
    drops: list[float] = field(default_factory=list)
    quiz: int | None = None


class Swarm:
    """Many Socket.IO phones in one asyncio loop (a thread): connect, answer the open question, come back."""

    def __init__(self, url: str, phones: list[SwarmPhone]) -> None:
        self.url, self.phones = url, phones
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.clients: list[socketio.AsyncClient] = []
        self.opened = 0.0
        self.closing = False

    def run(self, coroutine: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def connect(self) -> list[str]:
        """Connect every phone; the errors of those that could not."""
        done = self.run(self._all(*(self._connect(phone) for phone in self.phones)))
        return [repr(error) for error in done if isinstance(error, BaseException)]

    @staticmethod
    async def _all(*coroutines: Any) -> list[Any]:
        return await asyncio.gather(*coroutines, return_exceptions=True)

    async def _connect(self, phone: SwarmPhone) -> None:
        # python-socketio's own reconnection gives up when the transport dies with an error: the swarm
        # reconnects by itself, with the page's back-off (socket.io-client's formula).
        client = socketio.AsyncClient(reconnection=False)
        client.on("connect", lambda: phone.connects.append(time.time()), namespace=PARTICIPANTS)

        def on_disconnect(*_: object) -> None:
            phone.drops.append(time.time())
            if not self.closing:
                self.loop.create_task(self._reconnect(client, phone))
        client.on("disconnect", on_disconnect, namespace=PARTICIPANTS)

        def on_state(state: dict[str, Any]) -> None:
            question = state.get("question") or {}
            if question.get("state") == "open" and phone.quiz is None:
                phone.quiz = int(question["number"])
                self.loop.create_task(self._answer(client, phone))
        client.on("state", on_state, namespace=PARTICIPANTS)
        self.clients.append(client)
        await self._open(client, phone)

    async def _open(self, client: socketio.AsyncClient, phone: SwarmPhone) -> None:
        await client.connect(self.url, namespaces=[PARTICIPANTS], auth={"code": phone.code},
                             headers={"Cookie": f"{COOKIE}={phone.token}"}, wait_timeout=30)

    async def _reconnect(self, client: socketio.AsyncClient, phone: SwarmPhone) -> None:
        delay, delay_max, jitter = client_backoff()
        for attempt in range(1000):
            wait = delay * 2 ** min(attempt, 20)
            deviation = random.random() * jitter * wait
            await asyncio.sleep(min(wait + deviation if random.random() < 0.5 else wait - deviation, delay_max))
            if self.closing:
                return
            try:
                await self._open(client, phone)
                return
            except socketio.exceptions.ConnectionError:
                with contextlib.suppress(Exception):
                    await client.disconnect()

    async def _answer(self, client: socketio.AsyncClient, phone: SwarmPhone) -> None:
        """Answer at the phone's time; a lost answer is sent again once connected, as a person taps again."""
        await asyncio.sleep(max(0.0, self.opened + phone.answer_at - time.time()))
        while phone.answered is None:
            try:
                ack = await client.call("answer", {"quiz": phone.quiz, "choices": [phone.choice]},
                                        namespace=PARTICIPANTS, timeout=5)
                if ack and ack.get("ok"):
                    phone.answered = time.time()
                    return
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                pass
            await asyncio.sleep(0.5 + random.random() * 0.5)

    def close(self) -> None:
        self.closing = True
        self.run(self._all(*(client.disconnect() for client in self.clients)))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]
