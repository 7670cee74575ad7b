"""The presenter's observation grid, in Chromium against a real gevent server (run.py).

The animator drives from their own phone (393×727, touch): on an activity that declares skills, they tick
« Seul·e », « Avec aide », « Pas encore » for three joined phones. A laptop presenter (1280×720) of the same
session sees each tap, and taps back; a reload shows what the database holds. The phones never hear of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect

from kit.content.library import deck_by_revision_id
from kit.extensions import db
from kit.models import Participant, SkillObservation, TrainingSession
from kit.people.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.browser.helpers import PHONE, PROJECTOR, signed_in
from tests.browser.test_live_animator import axe_violations, describe, join_phone, open_presenter
from tests.conftest import demo_database, dispose, free_port, make_app
from tests.databases import Databases
from tests.factories import make_session
from tests.servers import AppServer, start_demo_session
from tests.skill_decks import activity_slides, publish_skilled_module

SKILLS = (("deverrouiller", "wifi"), ("deverrouiller",))
WIFI = "Se connecter à un réseau Wi-Fi"
UNLOCK = "Déverrouiller le téléphone et ouvrir une application"
TABLET: ViewportSize = {"width": 810, "height": 1080}
TABLET_LANDSCAPE: ViewportSize = {"width": 1080, "height": 810}


@dataclass
class GridServer:
    """The server, and the slides of its demo session's module: two that declare skills, one that does not."""

    server: AppServer
    both: int  # declares « deverrouiller » and « wifi »
    plain: int  # the next slide that declares none
    one: int  # declares « deverrouiller » only


@pytest.fixture
def grid_server(tmp_path: Path, databases: Databases) -> Iterator[GridServer]:
    """The demo server, its session pinned to a version of module 1 whose activities declare skills."""
    url = demo_database(databases)
    app = make_app(url)
    with app.app_context():
        revision_id = publish_skilled_module(SKILLS)
        db.session.execute(sa.update(TrainingSession).values(revision_id=revision_id))
        db.session.commit()
        deck = deck_by_revision_id(revision_id)
    dispose(app)
    both, one = activity_slides(deck)[:2]
    plain = next(s.number for s in deck.slides if s.number > both and not s.skills)
    server = AppServer(url, free_port(), tmp_path / "server.log").start()
    yield GridServer(server, both, plain, one)
    server.stop()
    databases.release(url)


def stored(url: str) -> list[tuple[str, str, str]]:
    """The observations of the live session in the server's database: (nickname, skill, level).

    The demo's finished course (kit/evidence/demo.py) has observations of its own, in ended sessions.
    """
    app = make_app(url)
    try:
        with app.app_context():
            return [tuple(r) for r in db.session.execute(  # type: ignore[misc]
                sa.select(Participant.nickname, SkillObservation.skill, SkillObservation.level)
                .join(Participant, Participant.id == SkillObservation.participant_id)
                .join(TrainingSession, TrainingSession.id == SkillObservation.session_id)
                .where(TrainingSession.status == "live")
                .order_by(Participant.nickname, SkillObservation.skill))]
    finally:
        dispose(app)


def cell(page: Page, nickname: str, skill: str) -> Locator:
    """One cell of the grid: the group of three buttons for this person and skill."""
    return page.get_by_role("group", name=f"{nickname} {skill}", exact=True)


def pick(page: Page, nickname: str, skill: str, level: str, touch: bool = False) -> None:
    """Tap (on the phone) or click (on the laptop) one level of a cell."""
    button = cell(page, nickname, skill).get_by_role("button", name=level, exact=True)
    if touch:
        button.tap()
    else:
        button.click()


def settled(page: Page) -> None:
    """Every tap of the page answered by the server (a tap shows at once, greyed until then)."""
    expect(page.locator(".skill-level.is-pending")).to_have_count(0)


def pressed(page: Page, nickname: str, skill: str) -> Locator:
    return cell(page, nickname, skill).locator("[aria-pressed=true]")


def test_the_animator_ticks_the_grid_from_their_phone(browser: Browser, grid_server: GridServer,
                                                      artifacts: Path) -> None:
    base = grid_server.server.url
    _animator, session_id, code = start_demo_session(base)
    phones = [join_phone(base, code, name) for name in ("Awa", "Bruno", "Chloé")]
    heard: list[str] = []
    for phone in phones:
        phone.on("*", lambda event, *args: heard.append(event), namespace="/participant")
    laptop_context = signed_in(browser, base, DEMO_EMAIL, DEMO_PASSWORD, viewport=PROJECTOR)
    phone_context: BrowserContext = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                                        storage_state=laptop_context.storage_state())
    try:
        remote = open_presenter(phone_context, base, session_id)
        grid = remote.locator("[data-skill-grid]")
        expect(grid).to_be_hidden()  # the join slide has no skills
        remote.get_by_label("Aller à").select_option(str(grid_server.both))
        expect(remote.locator("[data-counter]").first).to_have_text(str(grid_server.both))
        expect(grid).to_be_visible()
        for nickname in ("Awa", "Bruno", "Chloé"):
            expect(grid.locator(".skill-person-name", has_text=nickname)).to_have_count(1)
        expect(cell(remote, "Awa", WIFI).get_by_role("button")).to_have_text(["Seul·e", "Avec aide", "Pas encore"])

        # Big targets, readable labels, three to a row within the phone's width.
        for button in cell(remote, "Chloé", UNLOCK).get_by_role("button").all():
            box = button.bounding_box()
            assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
            assert button.evaluate("b => parseFloat(getComputedStyle(b).fontSize)") >= 16
        assert remote.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # One tap per cell.
        taps = [("Awa", WIFI, "Seul·e"), ("Awa", UNLOCK, "Seul·e"), ("Bruno", WIFI, "Avec aide"),
                ("Bruno", UNLOCK, "Seul·e"), ("Chloé", WIFI, "Pas encore"), ("Chloé", UNLOCK, "Avec aide")]
        for nickname, skill, level in taps:
            cell(remote, nickname, skill).scroll_into_view_if_needed()
            pick(remote, nickname, skill, level, touch=True)
            expect(pressed(remote, nickname, skill)).to_have_text(level)
        expect(remote.locator(".skill-level[aria-pressed=true]")).to_have_count(6)
        expect(grid.locator("[data-skill-count]")).to_have_text("6 / 6 notées")
        settled(remote)
        assert stored(grid_server.server.database_url) == [
            ("Awa", "deverrouiller", "seul"), ("Awa", "wifi", "seul"), ("Bruno", "deverrouiller", "seul"),
            ("Bruno", "wifi", "avec_aide"), ("Chloé", "deverrouiller", "avec_aide"), ("Chloé", "wifi", "pas_encore")]
        grid.scroll_into_view_if_needed()
        remote.screenshot(path=str(artifacts / "grille-telephone.png"))
        remote.screenshot(path=str(artifacts / "grille-telephone-page.png"), full_page=True)
        violations = axe_violations(remote)
        assert not violations, "axe, présentateur sur téléphone avec la grille :\n" + describe(violations)

        # A laptop presenter of the same session shows the same levels, and its taps reach the phone.
        laptop = open_presenter(laptop_context, base, session_id)
        expect(pressed(laptop, "Bruno", WIFI)).to_have_text("Avec aide")
        expect(laptop.locator(".skill-level[aria-pressed=true]")).to_have_count(6)
        pick(laptop, "Chloé", WIFI, "Avec aide")  # changed later
        expect(pressed(remote, "Chloé", WIFI)).to_have_text("Avec aide")
        pick(remote, "Bruno", WIFI, "Avec aide", touch=True)  # the level shown, tapped again: cleared
        expect(pressed(remote, "Bruno", WIFI)).to_have_count(0)
        expect(pressed(laptop, "Bruno", WIFI)).to_have_count(0)
        laptop.screenshot(path=str(artifacts / "grille-portable.png"))
        violations = axe_violations(laptop)
        assert not violations, "axe, présentateur 1280×720 avec la grille :\n" + describe(violations)

        # A tablet, upright then on its side.
        for name, size in (("grille-tablette.png", TABLET), ("grille-tablette-paysage.png", TABLET_LANDSCAPE)):
            laptop.set_viewport_size(size)
            cell(laptop, "Awa", WIFI).scroll_into_view_if_needed()
            box = cell(laptop, "Awa", WIFI).get_by_role("button", name="Pas encore").bounding_box()
            assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= size["width"], box
            assert laptop.evaluate("document.documentElement.scrollWidth") <= size["width"]
            laptop.screenshot(path=str(artifacts / name))

        # A reload draws what the database holds.
        remote.reload()
        expect(remote.locator("[data-live-status=online]")).to_have_count(1)
        expect(pressed(remote, "Chloé", WIFI)).to_have_text("Avec aide")
        expect(pressed(remote, "Awa", UNLOCK)).to_have_text("Seul·e")
        expect(pressed(remote, "Bruno", WIFI)).to_have_count(0)
        expect(remote.locator(".skill-level[aria-pressed=true]")).to_have_count(5)
        expect(grid.locator("[data-skill-count]")).to_have_text("5 / 6 notées")

        # A slide without skills hides the grid; another activity declares one skill only.
        remote.get_by_label("Aller à").select_option(str(grid_server.plain))
        expect(remote.locator("[data-counter]").first).to_have_text(str(grid_server.plain))
        expect(grid).to_be_hidden()
        remote.get_by_label("Aller à").select_option(str(grid_server.one))
        expect(grid).to_be_visible()
        expect(grid.get_by_role("group")).to_have_count(3)
        expect(pressed(remote, "Awa", UNLOCK)).to_have_text("Seul·e")  # the session's level for that skill
        settled(remote)
        assert stored(grid_server.server.database_url) == [
            ("Awa", "deverrouiller", "seul"), ("Awa", "wifi", "seul"), ("Bruno", "deverrouiller", "seul"),
            ("Chloé", "deverrouiller", "avec_aide"), ("Chloé", "wifi", "avec_aide")]
        assert "observation" not in heard and "observations" not in heard, heard
    finally:
        for phone in phones:
            phone.disconnect()
        phone_context.close()
        laptop_context.close()


FINAL = "04-installer-applications"
CHALLENGES = {"wifi": "Se connecter à un réseau Wi-Fi", "recherche": "Faire une recherche avec des mots-clés",
              "application": "Trouver et installer une application"}


@pytest.fixture
def final_session(tmp_path: Path, databases: Databases) -> Iterator[tuple[AppServer, int, str, list[int]]]:
    """The demo server with a live module 4 session of the demo group: (server, session id, code, the slides
    of its three final challenges)."""
    url = demo_database(databases)
    app = make_app(url)
    with app.app_context():
        demo = db.session.scalar(sa.select(TrainingSession).limit(1))
        assert demo is not None
        session = make_session(demo.group, FINAL)
        session_id, code = session.id, session.join_code
        deck = deck_by_revision_id(session.revision_id)
    dispose(app)
    challenges = [s.number for s in deck.slides if s.title.startswith("Défi")]
    assert [deck.slides[n - 1].skills for n in challenges] == [("wifi",), ("recherche",), ("application",)]
    server = AppServer(url, free_port(), tmp_path / "server.log").start()
    yield server, session_id, code, challenges
    server.stop()
    databases.release(url)


def test_module_4_ends_with_the_three_outcomes_observed(browser: Browser, final_session: tuple[AppServer, int, str,
                                                                                               list[int]],
                                                        artifacts: Path) -> None:
    """Module 4's three challenges, each person alone: the animator notes them from their phone."""
    server, session_id, code, challenges = final_session
    base = server.url
    phones = [join_phone(base, code, name) for name in ("Awa", "Bruno", "Chloé")]
    signed = signed_in(browser, base, DEMO_EMAIL, DEMO_PASSWORD)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, storage_state=signed.storage_state())
    signed.close()
    try:
        remote = open_presenter(context, base, session_id)
        results = {"Awa": ("Seul·e", "Seul·e", "Seul·e"), "Bruno": ("Seul·e", "Avec aide", "Seul·e"),
                   "Chloé": ("Avec aide", "Pas encore", "Seul·e")}
        for index, (slide, (skill, label)) in enumerate(zip(challenges, CHALLENGES.items(), strict=True)):
            remote.get_by_label("Aller à").select_option(str(slide))
            expect(remote.locator("[data-counter]").first).to_have_text(str(slide))
            expect(remote.locator("[data-skill-grid]")).to_be_visible()
            expect(remote.locator("[data-skill-grid]").get_by_role("group")).to_have_count(3)
            # The last tap of a challenge, then at once the next slide: the tap is not lost.
            for nickname, levels in results.items():
                cell(remote, nickname, label).scroll_into_view_if_needed()
                pick(remote, nickname, label, levels[index], touch=True)
                expect(pressed(remote, nickname, label)).to_have_text(levels[index])
            if skill == "application":
                remote.locator("[data-skill-grid]").scroll_into_view_if_needed()
                remote.screenshot(path=str(artifacts / "grille-module-4-defi-3.png"))
        codes = {"Seul·e": "seul", "Avec aide": "avec_aide", "Pas encore": "pas_encore"}
        settled(remote)
        assert stored(server.database_url) == sorted(
            (nickname, skill, codes[levels[index]]) for nickname, levels in results.items()
            for index, skill in enumerate(CHALLENGES))
        violations = axe_violations(remote)
        assert not violations, "axe, présentateur du module 4 :\n" + describe(violations)
    finally:
        for phone in phones:
            phone.disconnect()
        context.close()
