"""Nothing jumps while a page loads: its Cumulative Layout Shift (CLS) stays under 0.1, the Web Vitals' "good",
at 1280×720 and 393×727, for the live pages (a started demo session on a real server, run.py) and the others.

The figures are written to test-artifacts/cls-*.txt, and a failure lists what moved (tests/browser/layout_shift.py).
The presenter is measured again with a four times slower processor, as Lighthouse's mobile run has it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, Route, ViewportSize

from kit.extensions import db
from kit.models import CourseOffer, Employee, TrainingGroup, TrainingSession, User
from kit.people import demo
from slides import Deck
from tests.browser.helpers import PHONE, PROJECTOR, SLUG, signed_in
from tests.browser.layout_shift import Layout, measure, throttle_cpu, unstable, watch_layout
from tests.browser.test_phone import join, slide_of
from tests.conftest import demo_database, make_app, served
from tests.databases import Databases
from tests.livedriver import LiveAnimator
from tests.servers import AppServer

VIEWPORTS: dict[str, ViewportSize] = {"1280": PROJECTOR, "393": PHONE}
ANIMATOR = (demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
ADMIN = (demo.DEMO_ADMIN_EMAIL, demo.DEMO_ADMIN_PASSWORD)
COUNSELOR = (demo.DEMO_COUNSELOR_EMAIL, demo.DEMO_COUNSELOR_PASSWORD)
COORDINATOR = (demo.DEMO_COORDINATOR_EMAIL, demo.DEMO_COORDINATOR_PASSWORD)
# The pages that are not live, by the account that opens them (None: nobody signed in); {name} from the demo data.
PAGES: list[tuple[tuple[str, str] | None, str, str]] = [
    (None, "catalogue", "/"),
    (None, "module", f"/modules/{SLUG}"),
    (None, "fiche", f"/modules/{SLUG}/fiche"),
    (None, "trame", f"/modules/{SLUG}/trame"),
    (None, "projection", f"/modules/{SLUG}/projection/2"),
    (None, "presentateur", f"/modules/{SLUG}/presentateur/2"),
    (ANIMATOR, "animateur-accueil", "/animateur/"),
    (ANIMATOR, "seance", "/animateur/seances/{session}"),
    (ANIMATOR, "groupe", "/animateur/groupes/{group}"),
    (ANIMATOR, "progression", "/progression/"),
    (ADMIN, "admin", "/admin/"),
    (ADMIN, "editeur", "/editeur/"),
    (ADMIN, "editeur-module", f"/editeur/modules/{SLUG}"),
    (COUNSELOR, "diagnostic", "/diagnostic/"),
    (COUNSELOR, "diagnostic-salarie", "/diagnostic/salaries/{employee}"),
    (COUNSELOR, "formations", "/formations/"),
    (COUNSELOR, "formation", "/formations/{offer}"),
    (COORDINATOR, "coordination", "/coordination/"),
    (COORDINATOR, "coordination-animatrice", "/coordination/animateurs/{animator}"),
    (COORDINATOR, "rapport", "/coordination/rapport/"),
    (COORDINATOR, "evaluation", "/coordination/evaluation/"),
]
LIVE = "[data-live-status=online]"  # an animator's window got the server's state
PHONE_LIVE = "[data-connection]:has-text('En ligne')"  # a participant's phone did
QUIZ = 11  # a question with an image (tests/browser/test_phone.py)
MODULE_PICTURES = "**/modules/images/**"
PICTURE_DELAY = 0.8  # seconds: the pictures arrive after the question is drawn


def late_picture(route: Route) -> None:
    """Hold a picture back, then let it through (the page goes on meanwhile: it runs in the browser)."""
    time.sleep(PICTURE_DELAY)
    route.continue_()


@dataclass
class Site:
    url: str
    ids: dict[str, int]


@pytest.fixture(scope="module")
def site(databases: Databases) -> Iterator[Site]:
    """The demo data served in a thread, and the ids its pages need."""
    app = make_app(demo_database(databases))
    with app.app_context():
        ids = {"session": db.session.scalar(sa.select(TrainingSession.id)),
               "group": db.session.scalar(sa.select(TrainingGroup.id)),
               "employee": db.session.scalar(sa.select(Employee.id).where(Employee.first_name == "Karim")),
               "offer": db.session.scalar(sa.select(CourseOffer.id)),
               "animator": db.session.scalar(sa.select(User.id).where(User.email == demo.DEMO_EMAIL))}
    with served(app) as url:
        yield Site(url, ids)


def write_figures(artifacts: Path, name: str, layouts: list[Layout]) -> None:
    """The figures of a run, one page a line, to look at and to copy into docs/performance.md."""
    lines = [f"{layout.what}\t{layout.cls:.3f}\t{layout.total:.3f}" for layout in layouts]
    (artifacts / f"cls-{name}.txt").write_text("page\tCLS\ttotal\n" + "\n".join(lines) + "\n")
    (artifacts / f"cls-{name}-details.txt").write_text("\n".join(layout.report() for layout in layouts) + "\n")


def new_window(browser: Browser, base: str, account: tuple[str, str] | None, size: ViewportSize) -> BrowserContext:
    """A context of this size, signed in with the account if any."""
    if account is None:
        return browser.new_context(viewport=size, locale="fr-FR")
    return signed_in(browser, base, *account, viewport=size)


def watched_page(context: BrowserContext, cpu: float = 1) -> Page:
    """A new tab whose layout shifts are recorded, its processor slowed `cpu` times."""
    page = context.new_page()
    watch_layout(page)
    if cpu > 1:
        throttle_cpu(page, cpu)
    return page


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_pages_hold_still_while_they_load(browser: Browser, site: Site, artifacts: Path, viewport: str) -> None:
    """Catalogue, module, projection and presenter (not live), and the pages of every role."""
    layouts = []
    for account in dict.fromkeys(account for account, _name, _path in PAGES):
        context = new_window(browser, site.url, account, VIEWPORTS[viewport])
        try:
            page = watched_page(context)
            for _account, name, path in (p for p in PAGES if p[0] == account):
                layouts.append(measure(page, site.url + path.format(**site.ids), f"{name} ({viewport})",
                                       settle_ms=1000))
                page.screenshot(path=str(artifacts / f"cls-{name}-{viewport}.png"))
        finally:
            context.close()
    write_figures(artifacts, f"pages-{viewport}", layouts)
    assert not (failures := unstable(layouts)), "des pages bougent pendant leur chargement :\n" + failures


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_live_pages_hold_still_while_they_load(browser: Browser, app_server: AppServer, deck: Deck, artifacts: Path,
                                              viewport: str) -> None:
    """A started session: presenter and projector (also slowed down), the phone's join, name and live pages
    (waiting, a question open, after the reveal), and the presenter again while the question is open."""
    base, size = app_server.url, VIEWPORTS[viewport]
    animator = LiveAnimator(base)
    code = animator.start()
    seance = f"{base}/animateur/seances/{animator.session_id}"
    windows = new_window(browser, base, ANIMATOR, size)
    phone = browser.new_context(viewport=size, locale="fr-FR", has_touch=True)
    layouts: list[Layout] = []

    def shoot(page: Page, name: str) -> None:
        page.screenshot(path=str(artifacts / f"cls-{name}-{viewport}.png"))

    try:
        page = watched_page(windows)
        for name, url, ready in (("presentateur-direct", seance + "/presentateur", LIVE),
                                 ("projection-direct", seance + "/projection", LIVE), ("seance-direct", seance, None)):
            layouts.append(measure(page, url, f"{name} ({viewport})", ready=ready))
            shoot(page, name)
        slow = watched_page(windows, cpu=4)
        layouts.append(measure(slow, seance + "/presentateur", f"presentateur-direct, processeur ÷4 ({viewport})",
                               ready=LIVE))
        shoot(slow, "presentateur-lent")

        mobile = watched_page(phone)
        layouts.append(measure(mobile, f"{base}/j", f"telephone-code ({viewport})"))
        layouts.append(measure(mobile, f"{base}/j/{code}", f"telephone-prenom ({viewport})"))
        shoot(mobile, "telephone-prenom")
        join(mobile, base, code, "Awa")
        layouts.append(measure(mobile, f"{base}/j/{code}", f"telephone-attente ({viewport})", ready=PHONE_LIVE))
        shoot(mobile, "telephone-attente")

        animator.goto(slide_of(deck, QUIZ))
        animator.question("open", QUIZ)
        layouts.append(measure(mobile, f"{base}/j/{code}", f"telephone-question ({viewport})", ready=PHONE_LIVE))
        shoot(mobile, "telephone-question")
        # Again with the question's pictures held back, as on a slow data plan: the answers must not move once
        # shown (a finger about to tap would hit the wrong one). A route also turns the browser's cache off.
        mobile.route(MODULE_PICTURES, late_picture)
        layouts.append(measure(mobile, f"{base}/j/{code}", f"telephone-question, images en retard ({viewport})",
                               ready=PHONE_LIVE))
        mobile.unroute(MODULE_PICTURES)
        layouts.append(measure(page, seance + "/presentateur", f"presentateur-question ({viewport})", ready=LIVE))
        shoot(page, "presentateur-question")
        layouts.append(measure(slow, seance + "/presentateur",
                               f"presentateur-question, processeur ÷4 ({viewport})", ready=LIVE))
        cold = new_window(browser, base, ANIMATOR, size)  # nothing in its cache: the question's picture comes late
        try:
            layouts.append(measure(watched_page(cold), seance + "/projection", f"projection-question ({viewport})",
                                   ready=LIVE))
        finally:
            cold.close()
        animator.question("close", QUIZ)
        animator.question("reveal", QUIZ)
        layouts.append(measure(mobile, f"{base}/j/{code}", f"telephone-revelee ({viewport})", ready=PHONE_LIVE))
        shoot(mobile, "telephone-revelee")
        layouts.append(measure(page, seance + "/projection", f"projection-revelee ({viewport})", ready=LIVE))
        shoot(page, "projection-revelee")
    finally:
        animator.close()
        windows.close()
        phone.close()
    write_figures(artifacts, f"direct-{viewport}", layouts)
    assert not (failures := unstable(layouts)), "des pages en direct bougent pendant leur chargement :\n" + failures
