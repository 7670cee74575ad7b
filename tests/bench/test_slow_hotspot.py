"""Phones on a slow, lossy, shared hotspot (issue 17), measured through the relay of tests/netem.

Profile: 200 ms each way, 400 kbit/s each way shared by every phone, phones at 320 × 640 with their CPU
slowed 6 times (Chromium's DevTools). Measured from inside the page (tests/bench/hotspot.py):
- « C'est parti » tapped → « En ligne »;
- an answer tapped → its « ✓ Réponse envoyée » (the animator's window is not behind the relay);
- the Wi-Fi lost for OUTAGE s (connections reset, new ones refused) → « En ligne » after it is back;
each over WebSocket and with WebSocket upgrades cut by the relay (long-polling only), checking that the
last answer is the one stored. Then 30 phones in 4 rooms (28 python-socketio clients with the page's
back-off, 2 Chromium pages) answer one question while the Wi-Fi goes for SWARM_OUTAGE s in the middle.

Run: HOTSPOT_LABEL=après .venv/bin/pytest tests/bench/test_slow_hotspot.py -m bench -q -s -p no:cacheprovider
Figures: docs/performance.md, « Point d'accès lent » (one block per HOTSPOT_LABEL).
"""

from __future__ import annotations

import os
import random
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kit.extensions import db
from slides import compile_file
from tests.bench.data import add_groups
from tests.bench.hotspot import ROOT, SlowPhone, Swarm, SwarmPhone, percentile
from tests.conftest import demo_database, dispose, free_port, make_app
from tests.databases import Databases, query
from tests.factories import PASSWORD
from tests.livedriver import LiveAnimator
from tests.netem.relay import Relay
from tests.servers import AppServer

pytestmark = pytest.mark.bench

DELAY, RATE = 0.2, 400_000  # one way; bits/s each way
RTT = 2 * DELAY
QUIZ, CHOICES = 11, 4  # module 1's photo question: four answers, no timer
TAPS = int(os.environ.get("HOTSPOT_TAPS", "20"))
RUNS = int(os.environ.get("HOTSPOT_RUNS", "3"))
OUTAGE, SWARM_OUTAGE = 5.0, 10.0
ROOMS, ROOM_SIZES = 4, (8, 8, 7, 7)  # 30 phones
EMAIL = "hotspot@test.fr"
SECTION = "## Point d'accès lent"


def stored(database: str, nickname: str) -> str | None:
    rows = query(database, "SELECT a.choices FROM answer a JOIN participant p ON p.id = a.participant_id "
                           "WHERE p.nickname = :n AND a.quiz_number = :q", n=nickname, q=QUIZ)
    return str(rows[0][0]) if rows else None


def one_phone(browser: Any, relay: Relay, code: str, nickname: str, database: str) -> dict[str, Any]:
    phone = SlowPhone(browser, relay.url)
    try:
        joined = phone.join(code, nickname)
        phone.wait_question(CHOICES)
        time.sleep(1.5)  # a person reads the question; the connection settles (upgrade)
        taps = []
        for i in range(TAPS):
            taps.append(phone.tap(i % 2))
            time.sleep(0.2)
        returned = relay.outage(OUTAGE)
        back = phone.back_after(returned)
        assert phone.offline_seen(), "la coupure n'a pas été vue"
        taps.append(phone.tap(2))
        assert stored(database, nickname) == "2", "la dernière réponse n'est pas celle enregistrée"
        return {"join": joined, "taps": taps, "back": back}
    finally:
        phone.close()


def swarm_run(browser: Any, server: AppServer, database: str, rooms: list[Any], deck: Any) -> dict[str, Any]:
    animators = [LiveAnimator(server.url, EMAIL, PASSWORD, session_id=room.id) for room in rooms]
    with Relay(server.port, delay=DELAY, rate=RATE) as relay:
        pages = [SlowPhone(browser, relay.url, ("kit_device", rooms[r].tokens[0])) for r in (0, 1)]
        # Rooms 1 and 2 have a Chromium page as their first phone.
        tokens = [(room, token) for r, room in enumerate(rooms)
                  for token in room.tokens[1 if r < 2 else 0:ROOM_SIZES[r]]]
        swarm = Swarm(relay.url, [SwarmPhone(room.code, token, random.uniform(0.5, 15), random.randrange(CHOICES))
                                  for room, token in tokens])
        try:
            for animator in animators:
                animator.connect()
            for page, r in zip(pages, (0, 1), strict=True):
                page.open_live(rooms[r].code)
            failed = swarm.connect()
            assert not failed, failed
            slide = next(s.number for s in deck.slides if s.quiz and s.quiz.number == QUIZ)
            for animator in animators:
                animator.goto(slide)
            swarm.opened = time.time()
            for animator in animators:
                animator.question("open", QUIZ)
            for page in pages:
                page.wait_question(CHOICES)
                page.tap(0)
            time.sleep(max(0.0, swarm.opened + 5 - time.time()))
            returned = relay.outage(SWARM_OUTAGE)
            pages_back = [page.back_after(returned, timeout=40) for page in pages]
            for page in pages:
                page.tap(1)
            deadline = time.monotonic() + 60
            while any(p.answered is None for p in swarm.phones) and time.monotonic() < deadline:
                time.sleep(0.2)
            ids = ",".join(str(room.id) for room in rooms)
            count = query(database, f"SELECT count(*) FROM answer WHERE quiz_number = :q AND session_id IN ({ids})",
                          q=QUIZ)[0][0]
            backs = [min(c for c in p.connects if c >= returned) - returned for p in swarm.phones
                     if p.drops and any(c >= returned for c in p.connects)]
            return {"answers": int(count), "expected": sum(ROOM_SIZES), "swarm_back": backs, "pages_back": pages_back,
                    "unanswered": sum(p.answered is None for p in swarm.phones),
                    "dropped": sum(bool(p.drops) for p in swarm.phones)}
        finally:
            swarm.close()
            for page in pages:
                page.close()
            for animator in animators:
                animator.close()


def one_run(browser: Any, databases: Databases, folder: Path, n: int) -> dict[str, Any]:
    database = demo_database(databases)
    app = make_app(database)
    with app.app_context():
        rooms = add_groups(EMAIL, ROOMS, max(ROOM_SIZES))
        db.session.remove()
    dispose(app)
    server = AppServer(database, free_port(), folder / f"server-{n}.log").start()
    deck = compile_file(ROOT / "modules" / "01-smartphone-wifi.md")
    try:
        animator = LiveAnimator(server.url)
        code = animator.start()
        animator.goto(next(s.number for s in deck.slides if s.quiz and s.quiz.number == QUIZ))
        animator.question("open", QUIZ)
        result: dict[str, Any] = {}
        if os.environ.get("HOTSPOT_ONLY") == "swarm":
            animator.close()
            return {"swarm": swarm_run(browser, server, database, rooms, deck)}
        with Relay(server.port, delay=DELAY, rate=RATE) as relay:
            result["ws"] = one_phone(browser, relay, code, f"Web{n}", database)
        with Relay(server.port, delay=DELAY, rate=RATE, block_websocket=True) as relay:
            result["poll"] = one_phone(browser, relay, code, f"Poll{n}", database)
            result["poll"]["blocked"] = relay.blocked
        animator.close()
        result["swarm"] = swarm_run(browser, server, database, rooms, deck)
        return result
    finally:
        server.stop()


def s(value: float) -> str:
    return f"{value:.2f} s"


def table(runs: list[dict[str, Any]]) -> str:
    lines = ["| essai | transport | « C'est parti » → « En ligne » | réponse → ✓ p50 / p99 / max | "
             f"retour « En ligne » après {OUTAGE:.0f} s de coupure | réponse perdue |", "|---|---|--:|--:|--:|--:|"]
    for n, run in enumerate(runs, 1):
        for name, label in (("ws", "WebSocket"), ("poll", "long-polling seul")):
            if name not in run:
                continue
            r = run[name]
            taps = r["taps"]
            spread = f"{percentile(taps, 50):.2f} / {percentile(taps, 99):.2f} / {max(taps):.2f} s"
            lines.append(f"| {n} | {label} | {s(r['join'])} | {spread} | {s(r['back'])} | 0 |")
    lines += ["", f"**30 téléphones, 4 salles, coupure de {SWARM_OUTAGE:.0f} s pendant la question** (28 clients "
              "python-socketio avec l'attente de la page, 2 pages Chromium)", "",
              "| essai | réponses enregistrées | retour des clients p50 / max | retour des 2 pages |",
              "|---|--:|--:|--:|"]
    for n, run in enumerate(runs, 1):
        w = run["swarm"]
        backs = w["swarm_back"] or [0.0]
        lines.append(f"| {n} | {w['answers']} / {w['expected']} | {percentile(backs, 50):.2f} / {max(backs):.2f} s "
                     f"({len(w['swarm_back'])} revenus) | {' ; '.join(s(b) for b in w['pages_back'])} |")
    return "\n".join(lines)


def write_block(label: str, text: str) -> None:
    """This label's block of the section, the others kept (« avant » and « après » side by side)."""
    path = ROOT / "docs" / "performance.md"
    doc = path.read_text()
    begin, end = f"<!-- point-d-accès:{label}:début (écrit par tests/bench/test_slow_hotspot.py) -->", \
        f"<!-- point-d-accès:{label}:fin -->"
    block = f"{begin}\n{text.strip()}\n{end}"
    if begin in doc and end in doc:
        doc = doc[:doc.index(begin)] + block + doc[doc.index(end) + len(end):]
    elif SECTION in doc:
        start = doc.index(SECTION)
        following = doc.find("\n## ", start + len(SECTION))
        cut = len(doc) if following == -1 else following + 1
        doc = doc[:cut].rstrip() + f"\n\n{block}\n" + ("\n" + doc[cut:] if following != -1 else "")
    else:
        doc = f"{doc.rstrip()}\n\n{SECTION}\n\n{block}\n"
    path.write_text(doc)


def test_slow_hotspot(browser: Any, databases: Databases, tmp_path: Path) -> None:
    runs = [one_run(browser, databases, tmp_path, n) for n in range(1, RUNS + 1)]
    label = os.environ.get("HOTSPOT_LABEL", "mesure")
    measured = (f"**{label}** — mesuré le {datetime.now():%d/%m/%Y à %H:%M}, {RUNS} essais, {TAPS + 1} réponses par "
                f"téléphone et par essai ; aller-retour du réseau : {RTT * 1000:.0f} ms.\n\n{table(runs)}")
    print("\n" + measured)
    write_block(label, measured)
    for run in runs:
        assert run["swarm"]["answers"] == run["swarm"]["expected"], "des réponses ont été perdues"
        assert run.get("poll", {"blocked": 1})["blocked"] > 0, "le relais n'a coupé aucune WebSocket"
