"""The editor in a real browser against a real server (CSRF on): edit a quiz, see the preview, publish,
see it on a new session's projector while a running session keeps its text, roll back; nothing typed is lost."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from kit.extensions import db
from kit.models import TrainingSession
from kit.people.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD
from tests.browser.helpers import AXE, describe
from tests.conftest import demo_database, free_port, make_app
from tests.databases import Databases
from tests.servers import AppServer

SLUG = "01-smartphone-wifi"
OLD = "Pour déverrouiller un téléphone, que peut-on utiliser ?"
NEW = "Pour ouvrir un téléphone verrouillé, que peut-on utiliser ?"
QUIZ_SLIDE = 21  # the slide of that question in the shipped module


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A projector-sized browser window."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    yield context
    context.close()


def sign_in(page: Page, base: str) -> None:
    """Sign in as the demo account of the content team."""
    page.goto(base + "/connexion")
    page.get_by_label("Adresse e-mail").fill(DEMO_ADMIN_EMAIL)
    page.get_by_label("Mot de passe").fill(DEMO_ADMIN_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name="Éditer les modules")).to_be_visible()


def demo_session_id(server: AppServer) -> int:
    """The demo's planned session, read from the server's database."""
    app = make_app(server.database_url)
    with app.app_context():
        found = db.session.scalar(sa.select(TrainingSession.id).order_by(TrainingSession.id))
        db.session.remove()  # give the connection back before closing them all
        db.engine.dispose()
    return found


def start_session(page: Page, base: str, session_id: int) -> None:
    """Start a session from its page; the browser lands on its live projector."""
    page.goto(f"{base}/animateur/seances/{session_id}")
    page.get_by_role("button", name="Démarrer la séance").click()
    expect(page).to_have_url(re.compile(rf"/animateur/seances/{session_id}/projection$"))


def open_editor(context: BrowserContext, base: str) -> tuple[Page, Locator]:
    """A new page, signed in as the content team, on the editor of the module; and its text box."""
    page = context.new_page()
    sign_in(page, base)
    page.goto(f"{base}/editeur/modules/{SLUG}")
    return page, page.get_by_role("textbox", name="Texte du module (markdown)")


def stage_text(page: Page) -> str:
    """Every slide of the projector's stage, shown or not, as text."""
    return " ".join((page.locator(".stage").text_content() or "").split())


def show_slide(page: Page, number: int) -> None:
    """Move a live projector to slide `number` with the keyboard, as an animator would."""
    expect(page.locator("[data-live-status=online]")).to_have_count(1)  # keys go through the server
    counter = page.locator(".toolbar [data-counter]")
    for _ in range(60):
        current = int(counter.text_content() or "0")
        if current == number:
            return
        page.keyboard.press("ArrowRight" if current < number else "ArrowLeft")
        expect(counter).not_to_have_text(str(current))
    raise AssertionError(f"la projection n'a pas atteint la diapo {number}")


def type_over(page: Page, old: str, new: str) -> None:
    """Select `old` in the editor's text and type `new` over it with the keyboard."""
    page.evaluate("""(old) => { const t = document.getElementById('text'); const at = t.value.indexOf(old);
        t.focus(); t.setSelectionRange(at, at + old.length); }""", old)
    page.keyboard.type(new)


def set_text(page: Page, text: str) -> None:
    """Replace the whole text, as a paste would (one input event)."""
    page.evaluate("""(text) => { const t = document.getElementById('text'); t.focus(); t.select(); }""")
    page.keyboard.insert_text(text)


def axe_violations(page: Page) -> list[dict[str, object]]:
    """axe-core's violations on the page as it is now."""
    page.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
    return page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")["violations"]


def test_edit_preview_publish_and_roll_back(context: BrowserContext, app_server: AppServer,
                                            artifacts: Path) -> None:
    base = app_server.url
    page = context.new_page()
    sign_in(page, base)
    running = demo_session_id(app_server)
    start_session(page, base, running)
    assert OLD in stage_text(page)

    # Edit the question: the preview follows, built by the server's slides compiler.
    page.goto(f"{base}/editeur/modules/{SLUG}")
    source = page.get_by_role("textbox", name="Texte du module (markdown)")
    preview = page.locator("[data-preview]")
    original = source.input_value()
    expect(preview).to_contain_text(OLD)
    type_over(page, OLD, NEW)
    assert source.input_value() == original.replace(OLD, NEW, 1)
    expect(preview).to_contain_text(NEW)
    expect(page.locator("[data-status]")).to_contain_text("Aperçu à jour : 60 diapos")
    # The preview follows the line being edited.
    page.evaluate("""(needle) => { const t = document.getElementById('text'); const at = t.value.indexOf(needle);
        const line = t.value.slice(0, at).split('\\n').length;
        t.focus(); t.setSelectionRange(at, at);
        t.scrollTop = document.querySelector('.gutter [data-n="' + line + '"]').offsetTop - 200;
        t.dispatchEvent(new KeyboardEvent('keyup')); }""", NEW)
    expect(page.locator(".preview-item.is-current")).to_contain_text(NEW)
    page.screenshot(path=str(artifacts / "editeur-apercu.png"))

    # A mistake is shown at its line before saving; clicking it selects the line.
    broken = original.replace(OLD, NEW, 1).replace("durée: 4\n", "durée: quatre\n", 1)
    line = broken.split("\n").index("durée: quatre") + 1
    type_over(page, "durée: 4\n", "durée: quatre\n")
    assert source.input_value() == broken
    error = page.get_by_role("link", name=f"ligne {line} : durée incorrecte « quatre » : un nombre de minutes "
                                          "entre 1 et 120")
    expect(error).to_be_visible()
    expect(page.locator(f".gutter [data-n='{line}']")).to_have_class("has-error")
    expect(preview).to_have_class(re.compile("is-stale"))
    error.click()
    page.screenshot(path=str(artifacts / "editeur-erreur.png"))
    assert page.evaluate("() => document.activeElement.id") == "text"
    selected = page.evaluate("() => { const t = document.getElementById('text');"
                             " return t.value.slice(t.selectionStart, t.selectionEnd); }")
    assert selected == "durée: quatre"
    page.keyboard.type("durée: 4")  # the line is selected: typing replaces it
    assert source.input_value() == broken.replace("durée: quatre", "durée: 4", 1)
    expect(page.locator("[data-errors-box]")).to_be_hidden()

    # Save and publish.
    page.get_by_label("Ce que vous avez changé (facultatif)").fill("Question 2 plus simple")
    page.get_by_role("button", name="Enregistrer et publier").click()
    expect(page.get_by_text("Version 2 enregistrée et publiée.")).to_be_visible()
    assert NEW in source.input_value()

    # A new session gets the new text; the running one keeps its own.
    page.goto(f"{base}/animateur/seances/nouvelle")
    page.get_by_label("Module").select_option(SLUG)
    page.get_by_role("button", name="Créer la séance").click()
    expect(page.get_by_role("button", name="Démarrer la séance")).to_be_visible()
    new_session = int(re.search(r"/seances/(\d+)$", page.url).group(1))
    start_session(page, base, new_session)
    text = stage_text(page)
    assert NEW in text and OLD not in text
    show_slide(page, QUIZ_SLIDE)
    expect(page.locator(".stage > .slide:visible")).to_contain_text(NEW)
    page.screenshot(path=str(artifacts / "editeur-nouvelle-seance.png"))
    page.goto(f"{base}/animateur/seances/{running}/projection")
    text = stage_text(page)
    assert OLD in text and NEW not in text
    show_slide(page, QUIZ_SLIDE)
    expect(page.locator(".stage > .slide:visible")).to_contain_text(OLD)
    page.screenshot(path=str(artifacts / "editeur-seance-en-cours.png"))

    # Roll back: version 1 becomes version 3, published; the catalogue's projector shows the old text again.
    page.goto(f"{base}/editeur/modules/{SLUG}/historique")
    page.screenshot(path=str(artifacts / "editeur-historique.png"), full_page=True)
    page.get_by_role("button", name="Comparer les deux versions choisies").click()
    expect(page.get_by_text("+1 ligne ajoutée")).to_be_visible()
    expect(page.locator(".diff-add")).to_contain_text(NEW)
    page.screenshot(path=str(artifacts / "editeur-comparer.png"))
    page.goto(f"{base}/editeur/modules/{SLUG}/historique")
    page.get_by_role("link", name="version 1", exact=True).click()
    expect(page.get_by_label("Publier aussi cette version (les nouvelles séances l'utiliseront)")).to_be_checked()
    page.get_by_role("button", name="Revenir à cette version").click()
    expect(page.get_by_text("Retour à la version 1 : c'est maintenant la version 3, et publiée.")).to_be_visible()
    page.goto(f"{base}/modules/{SLUG}/projection")
    text = stage_text(page)
    assert OLD in text and NEW not in text
    page.close()


def test_typed_text_survives_a_reload_and_a_conflict(context: BrowserContext, app_server: AppServer,
                                                     artifacts: Path) -> None:
    base = app_server.url
    page, source = open_editor(context, base)
    original = source.input_value()
    mine = original.replace(OLD, "Ma question à moi ?", 1)
    type_over(page, OLD, "Ma question à moi ?")
    expect(page.locator("[data-preview]")).to_contain_text("Ma question à moi ?")

    # The tab is reloaded before saving: the text is offered back.
    page.reload()
    banner = page.locator("[data-restore]")
    expect(banner).to_contain_text("Un texte non enregistré de ce module a été retrouvé sur cet appareil")
    page.get_by_role("button", name="Reprendre ce texte").click()
    assert page.get_by_role("textbox", name="Texte du module (markdown)").input_value() == mine

    # Meanwhile someone else saves the module: saving mine is a conflict, and my text stays.
    other = context.browser.new_context(viewport={"width": 1280, "height": 720})
    someone = other.new_page()
    sign_in(someone, base)
    someone.goto(f"{base}/editeur/modules/{SLUG}")
    set_text(someone, original.replace(OLD, "Leur question ?", 1))
    someone.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(someone.get_by_text("Version 2 enregistrée.")).to_be_visible()
    other.close()

    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Conflit : ce module a changé pendant votre travail.")).to_be_visible()
    assert page.get_by_role("textbox", name="Texte du module (markdown)").input_value() == mine
    page.screenshot(path=str(artifacts / "editeur-conflit.png"))
    page.get_by_role("link", name="Voir ce que l'autre personne a changé").click()
    expect(page.locator(".diff-add")).to_contain_text("Leur question ?")
    page.go_back()
    page.get_by_label("Remplacer quand même la dernière version par mon texte").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Version 3 enregistrée.")).to_be_visible()
    assert "Ma question à moi ?" in page.get_by_role("textbox", name="Texte du module (markdown)").input_value()
    page.close()


def test_a_lost_network_an_ended_session_or_an_expired_form_keep_the_text_on_the_page(
        context: BrowserContext, app_server: AppServer, artifacts: Path) -> None:
    base = app_server.url
    page, source = open_editor(context, base)
    save = page.get_by_role("button", name="Enregistrer", exact=True)
    problem = page.locator("[data-save-status]")

    # The network is lost: the save is refused on the page itself, the text stays.
    type_over(page, OLD, "Hors ligne ?")
    mine = source.input_value()
    context.set_offline(True)
    save.click()
    expect(problem).to_contain_text("Le serveur ne répond pas : rien n'est enregistré")
    assert page.url.endswith(f"/editeur/modules/{SLUG}") and source.input_value() == mine
    context.set_offline(False)

    # The form's token expired while typing (an hour, by default): a fresh one is asked before saving.
    page.evaluate("""() => { document.querySelector('meta[name=csrf-token]').content = 'expire';
        document.querySelector('input[name=csrf_token]').value = 'expire'; }""")
    save.click()
    expect(page.get_by_text("Version 2 enregistrée.")).to_be_visible()
    assert "Hors ligne ?" in source.input_value()

    # The session ended: the preview and the save say so, the text stays; signed in again
    # in another tab, the same page saves.
    type_over(page, "Hors ligne ?", "Session finie ?")
    mine = source.input_value()
    context.clear_cookies()
    expect(page.locator("[data-status]")).to_contain_text("vous n'êtes plus connecté·e")
    save.click()
    expect(problem).to_contain_text("Vous n'êtes plus connecté·e : rien n'est enregistré")
    assert source.input_value() == mine
    page.screenshot(path=str(artifacts / "editeur-session-finie.png"))
    with page.expect_popup() as popup:
        page.get_by_role("link", name="reconnectez-vous dans un nouvel onglet").click()
    again = popup.value
    again.get_by_label("Adresse e-mail").fill(DEMO_ADMIN_EMAIL)
    again.get_by_label("Mot de passe").fill(DEMO_ADMIN_PASSWORD)
    again.get_by_role("button", name="Se connecter").click()
    expect(again.get_by_role("link", name="Éditer les modules")).to_be_visible()
    again.close()
    save.click()
    expect(page.get_by_text("Version 3 enregistrée.")).to_be_visible()
    assert "Session finie ?" in source.input_value()
    page.close()


@pytest.fixture(scope="module")
def signed_in(browser: Browser, tmp_path_factory: pytest.TempPathFactory, databases: Databases
              ) -> Iterator[tuple[BrowserContext, str]]:
    """One real server and one signed-in editor's window for all the accessibility checks of this file."""
    folder = tmp_path_factory.mktemp("editor-a11y")
    server = AppServer(demo_database(databases), free_port(), folder / "server.log").start()
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    page = context.new_page()
    sign_in(page, server.url)
    page.close()
    yield context, server.url
    context.close()
    server.stop()


@pytest.mark.parametrize("path", ["/editeur/", f"/editeur/modules/{SLUG}", f"/editeur/modules/{SLUG}/historique",
                                  f"/editeur/modules/{SLUG}/versions/1", "/editeur/images", "/editeur/importer",
                                  f"/editeur/modules/{SLUG}/comparer?de=1&a=1"])
def test_editor_pages_have_no_axe_violation(signed_in: tuple[BrowserContext, str], path: str) -> None:
    context, base = signed_in
    page = context.new_page()
    response = page.goto(base + path)
    assert response is not None and response.ok
    page.wait_for_load_state("networkidle")
    violations = axe_violations(page)
    page.close()
    assert not violations, f"axe : {len(violations)} règle(s) enfreinte(s) sur {path}\n" + describe(violations)


def test_a_pasted_nul_character_is_saved_as_a_visible_mark(context: BrowserContext, app_server: AppServer) -> None:
    """A NUL would get the server's 400 (no database stores it): the page replaces it before sending."""
    base = app_server.url
    page, source = open_editor(context, base)
    original = source.input_value()
    set_text(page, original.replace(OLD, "Question\x00collée ?", 1))
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text(re.compile(r"Version \d+ enregistrée\."))).to_be_visible()
    assert "Question\ufffdcollée ?" in page.get_by_role("textbox", name="Texte du module (markdown)").input_value()
    page.close()
