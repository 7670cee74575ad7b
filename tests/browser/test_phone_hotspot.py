"""A phone behind a flaky hotspot (tests/netem/relay.py): it falls back to long-polling when WebSockets are
cut, comes back by itself after the Wi-Fi is lost, and no answer is lost. Behaviour only: how fast is
measured in tests/bench/test_slow_hotspot.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from slides import Deck
from tests.browser.conftest import Live
from tests.browser.test_phone import NARROW, answer, join, slide_of
from tests.databases import query
from tests.netem.relay import Relay

QUIZ = 11  # four answers, no timer


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=NARROW, locale="fr-FR", has_touch=True)
    yield context.new_page()
    context.close()


def stored(live: Live, nickname: str) -> list[tuple[str]]:
    return query(live.server.database_url, "SELECT a.choices FROM answer a JOIN participant p"
                 " ON p.id = a.participant_id WHERE p.nickname = :n AND a.quiz_number = :q", n=nickname, q=QUIZ)  # type: ignore[return-value]


@pytest.mark.parametrize("websocket", [True, False], ids=["websocket", "long-polling"])
def test_the_phone_comes_back_after_the_wifi_is_lost(page: Page, live: Live, deck: Deck, websocket: bool,
                                                     artifacts: Path) -> None:
    nickname = "Wifi" if websocket else "Proxy"
    with Relay(live.server.port, delay=0.02, block_websocket=not websocket) as relay:
        sockets: list[str] = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        join(page, relay.url, live.code, nickname)
        live.animator.goto(slide_of(deck, QUIZ))
        live.animator.question("open", QUIZ)
        answer(page, "A")
        expect(page.get_by_role("button", name=re.compile(r"^Réponse A : "))).to_contain_text("Réponse envoyée")

        relay.outage(1.5)
        expect(page.locator("[data-connection]")).to_have_text("Hors ligne")
        expect(page.locator("[data-banner]")).to_have_text("Connexion perdue… on réessaie")
        expect(page.locator("[data-connection]")).to_have_text("En ligne", timeout=10_000)
        expect(page.locator("[data-banner]")).to_have_text("De retour en ligne ✓")
        answer(page, "B")
        expect(page.get_by_role("button", name=re.compile(r"^Réponse B : "))).to_contain_text("Réponse envoyée")
        page.screenshot(path=str(artifacts / f"telephone-point-acces-{nickname.lower()}.png"))
    assert stored(live, nickname) == [("1",)]
    if websocket:
        assert sockets, "le téléphone n'a jamais pris de WebSocket"
    else:
        assert relay.blocked > 0, "le téléphone n'a pas essayé de WebSocket : le repli n'a pas été éprouvé"
