"""The animator's pages: catalogue, module, projector, presenter, sheet and trame."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient

SLUG = "01-smartphone-wifi"


def test_catalogue_lists_the_four_modules(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in page
    titles = re.findall(r'<h2><a href="/modules/([^"]+)">', page)
    assert titles == ["01-smartphone-wifi", "02-naviguer-web", "03-rechercher-information",
                      "04-installer-applications"]
    assert "Demi-journée 1" in page and "3 h 30" in page


def test_module_page_shows_objectives_and_timeline(client: FlaskClient) -> None:
    page = client.get(f"/modules/{SLUG}").get_data(as_text=True)
    assert "Objectifs" in page and "Compétences" in page and "Pix" in page
    assert page.count('<tr class="row-') >= 25
    assert f"/modules/{SLUG}/projection/45" in page


def test_projector_renders_every_slide_with_one_visible(client: FlaskClient) -> None:
    page = client.get(f"/modules/{SLUG}/projection/3").get_data(as_text=True)
    slides = re.findall(r'<section class="slide[^"]*"\s+data-n="(\d+)"[^>]*?( hidden)?>', page)
    assert len(slides) >= 25
    visible = [n for n, hidden in slides if not hidden]
    assert visible == ["3"]
    assert 'data-current="3"' in page


def test_projector_never_contains_a_quiz_key(client: FlaskClient, app: object) -> None:
    from kit.content.library import published_module

    with app.test_request_context():  # type: ignore[attr-defined]
        deck = published_module(SLUG).deck
    page = client.get(f"/modules/{SLUG}/projection").get_data(as_text=True)
    quizzes = [q for q in deck.quizzes if not q.is_poll]
    assert quizzes
    for quiz in quizzes:
        explanation = re.sub(r"<[^>]+>", "", quiz.explanation_html).strip()[:40]
        assert explanation not in page
    assert "Bonne réponse" not in page
    assert "answer-key" not in page


def test_presenter_shows_notes_timing_and_the_key(client: FlaskClient) -> None:
    page = client.get(f"/modules/{SLUG}/presentateur/2").get_data(as_text=True)
    assert 'data-mode="presenter"' in page
    assert page.count("data-notes=") >= 25
    assert 'data-minutes="' in page and 'data-total-minutes="210"' in page
    assert "Bonne réponse" in page  # the animator sees the key, never the projector
    assert '<template id="slides">' in page


def test_sheet_and_trame(client: FlaskClient) -> None:
    sheet = client.get(f"/modules/{SLUG}/fiche").get_data(as_text=True)
    assert 'class="paper sheet"' in sheet and "/css/print." in sheet
    trame = client.get(f"/modules/{SLUG}/trame").get_data(as_text=True)
    assert trame.count('class="script-slide') >= 25
    assert "0:00 → " in trame and "→ 3:30" in trame and "Marge" in trame  # the slides end at 3:20
    assert "bonne réponse" in trame


def test_images_are_served_with_a_strict_policy(client: FlaskClient) -> None:
    response = client.get("/modules/images/01-gestes.svg")
    response.close()
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", [
    "/modules/inconnu", "/modules/inconnu/projection", f"/modules/{SLUG}/projection/0",
    f"/modules/{SLUG}/projection/999", f"/modules/{SLUG}/presentateur/999", "/modules/inconnu/fiche",
    "/modules/inconnu/trame", "/modules/images/absente.svg", "/modules/images/..%2Fsecret", "/nulle-part",
])
def test_unknown_module_slide_or_page_is_a_french_404(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page introuvable" in page
    assert "Retour au catalogue" in page
    assert "Not Found" not in page


def test_slide_404_says_how_many_slides_there_are(client: FlaskClient) -> None:
    page = html.unescape(client.get(f"/modules/{SLUG}/projection/999").get_data(as_text=True))
    assert "Ce module a 60 diapos : la diapo 999 n'existe pas." in page


def test_errors_answer_json_when_asked(client: FlaskClient) -> None:
    response = client.get("/modules/inconnu", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"] == "Page introuvable"


def test_an_unexpected_error_is_a_french_500(app: object) -> None:
    flask_app = app  # type: ignore[assignment]

    @flask_app.get("/boom")  # type: ignore[attr-defined]
    def boom() -> str:
        raise RuntimeError("boom")

    flask_app.config["PROPAGATE_EXCEPTIONS"] = False  # type: ignore[attr-defined]
    response = flask_app.test_client().get("/boom")  # type: ignore[attr-defined]
    assert response.status_code == 500
    assert "Erreur du serveur" in response.get_data(as_text=True)


def test_method_not_allowed_is_french(client: FlaskClient) -> None:
    response = client.post("/")
    assert response.status_code == 405
    assert "Action impossible" in response.get_data(as_text=True)


def test_a_nul_character_in_a_form_or_address_gets_a_french_error(client: FlaskClient) -> None:
    for response in (client.post("/connexion", data={"email": "a\x00@test.fr", "password": "x"}),
                     client.get("/j?code=12\x003456")):
        assert response.status_code == 400
        assert "caractère nul" in response.get_data(as_text=True)
