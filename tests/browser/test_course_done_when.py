"""Issue 15's « Done when », with the demo data, in Chromium against a real server (run.py):

1. the demo SIAE animatrice (animatrice2@demo.fr) publishes a course of 3 seats;
2. conseil2 and conseil3 fill it, and put a fourth person on the waiting list;
3. one enrolled person is cancelled: the waiting person is promoted, their counselor e-mailed (the outbox);
4. the course runs: its first half-day is started, two phones join, it ends, the attendance is confirmed;
5. the month's figures (coordination@demo.fr) show the counts, typed by nobody.
Screenshots in test-artifacts/done-when-*.png.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kit.courses.demo import COUNSELORS, OFFER_ANIMATOR
from kit.courses.times import today_local
from kit.extensions import db
from kit.models import CourseOffer, Siae
from kit.people.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD
from tests.browser.helpers import PHONE, PROJECTOR, signed_in
from tests.conftest import make_app
from tests.servers import AppServer

ENROLLED = "Salariés inscrits à une formation par la structure (place obtenue dans le mois)"
CAME = "Salariés inscrits venus à au moins une demi-journée du mois"
HOURS = "Heures de formation animées par les animateurs de la structure (pour leur paiement)"
FIGURES = {  # what the month shows, per SIAE (Bruno got a seat in the month, then was cancelled: he counts)
    "Chantier d'insertion du Canal (démo)": {ENROLLED: "2", CAME: "1", "Absences (non excusées)": "0"},
    "Association intermédiaire Avenir (démo)": {ENROLLED: "2", CAME: "1", "Absences (non excusées)": "1",
                                                "Taux d'absence (%)": "50"},
    "Régie de quartier (démo)": {HOURS: "3,5", "Participants formés (présents à au moins une séance)": "2"},
}


def _shot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"done-when-{name}.png"), full_page=True)


def _enrol(page: Page, name: str) -> None:
    select = page.get_by_label("Salarié·e à inscrire")
    value = select.locator("option", has_text=name).first.get_attribute("value")
    assert value, name
    select.select_option(value)
    page.get_by_role("button", name="Inscrire").click()
    expect(page.locator(".flash").first).to_contain_text(name)


def _ids(database_url: str, place: str) -> tuple[int, int, dict[str, int]]:
    """The new offer's id, its first half-day's session, and the demo SIAE's ids by name."""
    app = make_app(database_url)
    with app.app_context():
        offer = db.session.scalar(sa.select(CourseOffer).where(CourseOffer.place_name == place))
        assert offer is not None and offer.half_days[0].session_id is not None
        siaes = {s.name: s.id for s in db.session.scalars(sa.select(Siae))}
        return offer.id, offer.half_days[0].session_id, siaes


def test_done_when_with_the_demo_data(browser: Browser, app_server: AppServer, artifacts: Path) -> None:
    base = app_server.url
    contexts: list[BrowserContext] = []

    def sign_in(email: str, password: str) -> Page:
        contexts.append(signed_in(browser, base, email, password, PROJECTOR))
        return contexts[-1].new_page()

    try:
        # 1. The SIAE animatrice publishes a course: 4 weekly half-days from tomorrow, 3 seats.
        animator = sign_in(*OFFER_ANIMATOR[:2])
        animator.goto(base + "/formations/nouvelle")
        first = today_local() + timedelta(days=1)
        for n in range(4):
            animator.get_by_label(f"Date de la demi-journée {n + 1}").fill((first + timedelta(days=7 * n)).isoformat())
        animator.get_by_label("Date limite d'inscription").fill((first - timedelta(days=1)).isoformat())
        animator.get_by_label("Nombre de places").fill("3")
        animator.get_by_label("Nom du lieu").fill("Maison de quartier du Faubourg")
        animator.get_by_label("Adresse").fill("5 place du Marché, 59000 Lille")
        _shot(animator, artifacts, "1-publier")
        animator.get_by_role("button", name="Publier la formation").click()
        expect(animator.locator(".places")).to_have_text("Places : 0 / 3")
        offer_id, session_id, siaes = _ids(app_server.database_url, "Maison de quartier du Faubourg")
        offer_url = f"{base}/formations/{offer_id}"

        # 2. Two counselors of two other SIAE fill it; the fourth person goes on the waiting list.
        canal, avenir = (sign_in(email, password) for email, password, *_rest in COUNSELORS)
        for page, names in ((canal, ("Awa", "Bruno")), (avenir, ("Fatou", "Gérard"))):
            page.goto(offer_url)
            for name in names:
                _enrol(page, name)
        expect(avenir.locator(".flash").first).to_contain_text("liste d'attente")
        avenir.goto(offer_url)
        expect(avenir.locator(".places")).to_have_text("Places : 3 / 3")
        _shot(avenir, artifacts, "2-complet-conseil3")

        # 3. Bruno cannot come: his counselor cancels; Gérard, waiting, gets the seat and conseil3 is e-mailed.
        canal.goto(offer_url)
        canal.locator("summary", has_text="Annuler l'inscription de Bruno").click()
        row = canal.locator("#inscrits tbody tr", has_text="Bruno")
        row.get_by_label("Raison").select_option("emploi")
        row.get_by_role("button", name="Confirmer l'annulation").click()
        expect(canal.locator(".flash").first).to_contain_text("Gérard P., en liste d'attente, a la place.")
        _shot(canal, artifacts, "3-annulation-promotion")
        admin = sign_in(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
        admin.goto(base + "/admin/courriels/")
        expect(admin.locator("body")).to_contain_text(COUNSELORS[1][0])
        _shot(admin, artifacts, "3-courriels")

        # 4. The course runs: the first half-day starts, Awa and Fatou join on their phones, it ends.
        animator.goto(f"{base}/animateur/seances/{session_id}")
        animator.get_by_role("button", name="Démarrer la séance").click()
        found = re.search(r"\b(\d{3}) (\d{3})\b", animator.locator(".join-code").inner_text())
        assert found
        code = found.group(1) + found.group(2)
        for name in ("Awa", "Fatou"):
            contexts.append(browser.new_context(viewport=PHONE))
            phone = contexts[-1].new_page()
            phone.goto(f"{base}/j/{code}")
            phone.locator(".people-buttons button", has_text=name).click()
            expect(phone.locator("[data-connection]")).to_have_text("En ligne")
        animator.goto(f"{base}/animateur/seances/{session_id}")
        animator.locator("[data-end-confirm] summary").click()  # a confirm step (issue 17)
        animator.get_by_role("button", name="Oui, terminer la séance").click()
        for name, state in (("Awa", "Présent·e"), ("Fatou", "Présent·e"), ("Gérard", "Absent·e")):
            animator.get_by_role("group", name=re.compile(name)).get_by_label(state).check()
        animator.get_by_label("Durée de la séance, en minutes").fill("210")
        _shot(animator, artifacts, "4-presences")
        animator.get_by_role("button", name="Confirmer les présences").click()
        expect(animator.locator("#presences")).to_contain_text("La séance compte pour une demi-journée")

        # 5. The month's figures, for each SIAE: nobody typed any.
        coordinator = sign_in(DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD)
        month = first.strftime("%Y-%m")
        for name, siae_id in siaes.items():
            coordinator.goto(f"{base}/coordination/rapport/?structure={siae_id}&mois={month}")
            slug = re.sub(r"[^a-z]+", "-", name.lower()).strip("-")[:30]
            _shot(coordinator, artifacts, f"5-chiffres-{slug}")
            text = coordinator.locator("main").inner_text()
            print(f"\n=== {name} ({month}) ===\n" + text)
            for label, value in FIGURES.get(name, {}).items():
                if label == ENROLLED and first.month != today_local().month:
                    continue  # the seats were taken the month before the half-day: another month's figure
                assert re.search(rf"{re.escape(label)}\s+{re.escape(value)}\n", text), (name, label, value)
        coordinator.goto(f"{base}/coordination/")  # the region's sum (this month)
        _shot(coordinator, artifacts, "5-coordination-region")
        print("\n=== Coordination (région) ===\n" + coordinator.locator("main").inner_text())
    finally:
        for context in contexts:
            context.close()
