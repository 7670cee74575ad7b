"""The editor's pages: who may open them, CSRF, the preview, saving, conflicts, history and hostile markdown."""

from __future__ import annotations

import html
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from kit.content import revisions
from kit.models import Role
from tests.conftest import make_app
from tests.factories import PASSWORD, login, make_user
from tests.slides.hostile import assert_safe, hostile_module

ROOT = Path(__file__).resolve().parents[3]
SLUG = "01-smartphone-wifi"
QUESTION = "Question : Pour déverrouiller un téléphone, que peut-on utiliser ?"
NEW_QUESTION = "Question : Pour ouvrir un téléphone verrouillé, que peut-on utiliser ?"



def page(response: object) -> str:
    """A response's page, entities decoded."""
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def latest_id(app: Flask) -> int:
    """The id of the tested module's last version."""
    with app.app_context():
        return revisions.latest(SLUG).id


def source() -> str:
    """The shipped text of the tested module."""
    return (ROOT / "modules" / f"{SLUG}.md").read_text(encoding="utf-8")


def test_anonymous_is_sent_to_sign_in_and_an_animator_is_refused(app: Flask, client: FlaskClient) -> None:
    response = client.get(f"/editeur/modules/{SLUG}")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert client.post("/editeur/apercu", json={"text": "x"}).status_code in (302, 401)
    with app.app_context():
        make_user()
    login(client)
    for url in ("/editeur/", f"/editeur/modules/{SLUG}", f"/editeur/modules/{SLUG}/historique", "/editeur/images",
                "/editeur/importer", "/editeur/export.zip"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "équipe contenu" in page(response)
    assert client.post("/editeur/apercu", json={"text": "x"}).status_code == 403
    assert client.post(f"/editeur/modules/{SLUG}", data={"text": "x"}).status_code == 403
    assert "Éditer les modules" not in page(client.get("/animateur/"))


def test_the_editor_shows_the_text_beside_its_preview(admin: FlaskClient) -> None:
    response = admin.get("/editeur/")
    assert response.status_code == 200 and "Mon smartphone et le Wi-Fi" in page(response)
    assert "Éditer les modules" in page(response)  # the nav link of admins
    text = page(admin.get(f"/editeur/modules/{SLUG}"))
    assert QUESTION in text  # in the textarea
    assert text.count('class="preview-item"') == 60  # every slide, drawn by the projector's partial
    assert 'class="slide slide-quiz' in text and "Bonne réponse" in text  # the key, for the editor only
    assert "Fiche résumée" in text and "version 1" in text


def test_preview_compiles_with_the_slides_compiler(admin: FlaskClient) -> None:
    response = admin.post("/editeur/apercu", json={"slug": SLUG, "text": source().replace(QUESTION, NEW_QUESTION)})
    data = response.get_json()
    assert response.status_code == 200 and data["ok"] and data["errors"] == []
    assert "Pour ouvrir un téléphone verrouillé" in html.unescape(data["html"])
    assert data["summary"].startswith("60 diapos")


def test_preview_reports_errors_at_their_line(admin: FlaskClient) -> None:
    text = source().replace("durée: 4\n", "durée: beaucoup\n", 1).replace("::: quiz\n", "::: quizz\n", 1)
    data = admin.post("/editeur/apercu", json={"slug": SLUG, "text": text}).get_json()
    lines = text.split("\n")
    assert not data["ok"] and "html" not in data
    assert {"line": lines.index("durée: beaucoup") + 1,
            "message": "durée incorrecte « beaucoup » : un nombre de minutes entre 1 et 120"} in data["errors"]
    assert any(e["line"] == lines.index("::: quizz") + 1 and "quizz" in e["message"] for e in data["errors"])


def test_preview_refuses_a_very_large_or_malformed_text_clearly(admin: FlaskClient, app: Flask) -> None:
    app.config["MODULE_MAX_BYTES"] = 50_000
    data = admin.post("/editeur/apercu", json={"slug": SLUG, "text": "a" * 60_000}).get_json()
    assert data["errors"] == [{"line": 1, "message": "le module est trop long (58 Ko) : 48 Ko au plus"}]
    response = admin.post("/editeur/apercu", data=b"\xff\xfe pas du json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["errors"][0]["message"] == "demande incorrecte"
    data = admin.post("/editeur/apercu", json={"slug": SLUG, "text": "\x00\x01\x02"}).get_json()
    assert "caractère nul" in data["errors"][0]["message"]
    assert admin.post("/editeur/apercu", json={"slug": SLUG, "text": ""}).get_json()["ok"] is False


def test_hostile_markdown_previews_sanitized(admin: FlaskClient) -> None:
    data = admin.post("/editeur/apercu", json={"slug": "hostile", "text": hostile_module()}).get_json()
    assert data["ok"], data["errors"]
    assert "alert" in data["html"]  # the payload is there, as inert text
    assert_safe(data["html"], allow=frozenset({"svg"}))
    assert data["html"].count("<svg") == data["html"].count('<svg class="shape"')


def test_hostile_markdown_saved_and_shown_in_the_editor_is_sanitized(admin: FlaskClient) -> None:
    response = admin.post("/editeur/modules/hostile", data={"text": hostile_module(), "base_revision_id": "",
                                                            "save_publish": "1"})
    assert response.status_code == 302
    editor = admin.get("/editeur/modules/hostile").get_data(as_text=True)
    # The textarea holds the raw markdown, escaped: as text it is inert. The preview is what is rendered.
    preview = editor[editor.index('aria-label="Aperçu des diapos">'):editor.rindex("</form>")]
    assert "alert" in preview and preview.count('class="preview-item"') == 3 and "preview-sheet" in preview
    assert_safe(preview, allow=frozenset({"svg"}))
    assert preview.count("<svg") == preview.count('<svg class="shape"')
    projector = admin.get("/modules/hostile/projection").get_data(as_text=True)
    projector = re.sub(r'<script src="/static/js/[\w.-]+\.js"></script>', "", projector)
    assert_safe(projector, allow=frozenset({"meta", "link", "svg"}))


def test_save_then_save_and_publish(admin: FlaskClient, app: Flask) -> None:
    base = latest_id(app)
    text = source().replace(QUESTION, NEW_QUESTION)
    response = admin.post(f"/editeur/modules/{SLUG}", data={"text": text.replace("\n", "\r\n"),
                                                            "base_revision_id": base, "message": "Question 2",
                                                            "save": "1"})
    assert response.status_code == 302
    shown = page(admin.get(response.headers["Location"]))
    assert "Version 2 enregistrée. Elle n'est pas encore publiée" in shown
    with app.app_context():
        saved = revisions.latest(SLUG)
        assert (saved.number, saved.message, saved.author, saved.source) == (2, "Question 2", "Admin", text)
        assert revisions.published(SLUG).id == base
    response = admin.post(f"/editeur/modules/{SLUG}", data={"text": text, "base_revision_id": saved.id,
                                                            "save_publish": "1"}, follow_redirects=True)
    assert "Aucun changement à enregistrer. Cette version est publiée." in page(response)
    with app.app_context():
        assert revisions.published(SLUG).id == saved.id


def test_a_failed_save_keeps_the_text_and_says_it_is_a_draft(admin: FlaskClient, app: Flask) -> None:
    text = source().replace("durée: 4\n", "durée: beaucoup\n", 1)
    response = admin.post(f"/editeur/modules/{SLUG}", data={"text": text, "base_revision_id": latest_id(app),
                                                            "save": "1"})
    assert response.status_code == 422
    shown = page(response)
    assert "Le module a 1 erreur. Votre texte est gardé en brouillon" in shown
    assert "durée: beaucoup" in shown  # still in the textarea
    line = text.split("\n").index("durée: beaucoup") + 1
    assert f"ligne {line} : durée incorrecte" in shown
    # Coming back later, the draft is offered and reopens with its text.
    again = page(admin.get(f"/editeur/modules/{SLUG}"))
    assert "Vous avez un brouillon non enregistré" in again
    with app.app_context():
        draft = revisions.history(SLUG)[0]
    assert draft.is_draft
    reopened = page(admin.get(f"/editeur/modules/{SLUG}?brouillon={draft.id}"))
    assert "durée: beaucoup" in reopened and f"brouillon n° {draft.id} est ouvert" in reopened


def test_two_editors_saving_the_same_module_get_a_conflict(app: Flask, admin: FlaskClient) -> None:
    base = latest_id(app)
    other = app.test_client()
    with app.app_context():
        make_user("autre@test.fr", role=Role.ADMIN.value)
    login(other, "autre@test.fr")
    first = source().replace(QUESTION, "Question : Première personne ?")
    assert other.post(f"/editeur/modules/{SLUG}", data={"text": first, "base_revision_id": base,
                                                        "save": "1"}).status_code == 302
    mine = source().replace(QUESTION, "Question : Deuxième personne ?")
    response = admin.post(f"/editeur/modules/{SLUG}", data={"text": mine, "base_revision_id": base,
                                                            "message": "ma version", "save": "1"})
    assert response.status_code == 409
    shown = page(response)
    assert "Conflit : ce module a changé pendant votre travail." in shown
    assert "Deuxième personne ?" in shown  # my text stays in the form
    with app.app_context():
        latest = revisions.latest(SLUG)
        assert latest.source == first  # not overwritten
        assert revisions.history(SLUG)[0].is_draft and revisions.history(SLUG)[0].source == mine
    assert f"/editeur/modules/{SLUG}/comparer?de={base}&amp;a={latest.id}" in response.get_data(as_text=True)
    assert f'name="conflict_id" type="hidden" value="{latest.id}"' in response.get_data(as_text=True)
    # Replacing on purpose, after seeing the conflict, is allowed.
    response = admin.post(f"/editeur/modules/{SLUG}", data={"text": mine, "base_revision_id": base,
                                                            "conflict_id": latest.id, "overwrite": "y",
                                                            "save": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert revisions.latest(SLUG).source == mine and revisions.latest(SLUG).parent_id == latest.id


def test_history_compare_publish_and_restore(admin: FlaskClient, app: Flask) -> None:
    first = latest_id(app)
    text = source().replace(QUESTION, NEW_QUESTION)
    admin.post(f"/editeur/modules/{SLUG}", data={"text": text, "base_revision_id": first, "save_publish": "1"})
    second = latest_id(app)
    history = page(admin.get(f"/editeur/modules/{SLUG}/historique"))
    assert "version 2" in history and "publiée" in history and "import des fichiers" in history
    compare = page(admin.get(f"/editeur/modules/{SLUG}/comparer?de={first}&a={second}"))
    assert "+1 ligne ajoutée" in compare and "−1 ligne supprimée" in compare
    assert NEW_QUESTION in compare and QUESTION in compare
    assert admin.get(f"/editeur/modules/{SLUG}/comparer?de=x&a={second}").status_code == 400
    assert admin.get(f"/editeur/modules/{SLUG}/comparer?de=99999&a={second}").status_code == 404
    version = page(admin.get(f"/editeur/modules/{SLUG}/versions/{first}"))
    assert "Publier cette version" in version and "Revenir à cette version" in version
    # Roll back: publish version 1 again, then restore it as version 3.
    response = admin.post(f"/editeur/modules/{SLUG}/versions/{first}/publier", follow_redirects=True)
    assert "La version 1 est publiée" in page(response)
    response = admin.post(f"/editeur/modules/{SLUG}/versions/{first}/restaurer", data={"publish": "y"},
                          follow_redirects=True)
    assert "Retour à la version 1 : c'est maintenant la version 3, et publiée." in page(response)
    with app.app_context():
        assert revisions.published(SLUG).number == 3 and revisions.published(SLUG).source == source()


def test_new_module_from_the_starter_text(admin: FlaskClient, app: Flask) -> None:
    assert admin.post("/editeur/nouveau", data={"slug": "Pas Bon!"}).status_code == 422
    response = admin.post("/editeur/nouveau", data={"slug": "05-messagerie"})
    assert response.headers["Location"].endswith("/editeur/modules/05-messagerie")
    shown = page(admin.get("/editeur/modules/05-messagerie"))
    assert "Nouveau module : il n'a encore aucune version." in shown and "titre: Nouveau module" in shown
    from kit.content.views.editor import STARTER

    response = admin.post("/editeur/modules/05-messagerie", data={"text": STARTER, "base_revision_id": "",
                                                                  "save_publish": "1"})
    assert response.status_code == 302
    assert admin.get("/modules/05-messagerie").status_code == 200


def test_every_editor_form_needs_its_csrf_token(database: str) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        make_user("admin@test.fr", role=Role.ADMIN.value)
        base = revisions.latest(SLUG).id
    login_page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert client.post("/connexion", data={"email": "admin@test.fr", "password": PASSWORD,
                                           "csrf_token": token}).status_code == 302
    posts = [
        (f"/editeur/modules/{SLUG}", {"text": source(), "base_revision_id": str(base), "save": "1"}),
        (f"/editeur/modules/{SLUG}/versions/{base}/publier", {}),
        (f"/editeur/modules/{SLUG}/versions/{base}/restaurer", {"publish": "y"}),
        ("/editeur/nouveau", {"slug": "05-test"}),
        ("/editeur/images", {}),
        ("/editeur/importer", {}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 400, url
    assert client.post("/editeur/apercu", json={"slug": SLUG, "text": source()}).status_code == 400
    editor_page = client.get(f"/editeur/modules/{SLUG}").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', editor_page).group(1)
    response = client.post("/editeur/apercu", json={"slug": SLUG, "text": source()},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["ok"]
    # Every form of the editor's pages carries the token.
    for url in ("/editeur/", f"/editeur/modules/{SLUG}", "/editeur/images", "/editeur/importer",
                f"/editeur/modules/{SLUG}/versions/{base}"):
        body = client.get(url).get_data(as_text=True)
        posting = re.findall(r'<form method="post".*?</form>', body, flags=re.S)
        assert posting, url
        assert all('name="csrf_token"' in form for form in posting), url
    with app.app_context():
        revisions.db.engine.dispose()


def test_a_fresh_token_lets_a_page_left_open_save(database: str) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert "/connexion" in client.get("/editeur/jeton").headers["Location"]  # signed out: the sign-in page
    with app.app_context():
        make_user("admin@test.fr", role=Role.ADMIN.value)
        make_user("animateur@test.fr")
        base = revisions.latest(SLUG).id
    login_page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/connexion", data={"email": "admin@test.fr", "password": PASSWORD, "csrf_token": token})
    response = client.get("/editeur/jeton")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    fresh = response.get_json()["token"]
    text = source().replace(QUESTION, NEW_QUESTION)
    response = client.post(f"/editeur/modules/{SLUG}", data={"text": text, "base_revision_id": str(base),
                                                              "save": "1", "csrf_token": fresh})
    assert response.status_code == 302
    with app.app_context():
        assert revisions.latest(SLUG).source == text
    animator = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      animator.get("/connexion").get_data(as_text=True)).group(1)
    animator.post("/connexion", data={"email": "animateur@test.fr", "password": PASSWORD, "csrf_token": token})
    assert animator.get("/editeur/jeton").status_code == 403
    with app.app_context():
        revisions.db.engine.dispose()
