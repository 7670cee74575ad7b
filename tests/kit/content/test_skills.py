"""Every path that compiles a module in the app checks `compétences:` against the diagnostic guide's task ids."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kit.content.library import compile_text, skill_ids
from kit.content.shipped import check_files
from kit.evidence.skills import skills
from slides import DeckError

ROOT = Path(__file__).resolve().parents[3]
ACTIVITY = """---
titre: Test
numéro: 2
durée: 5
objectifs:
  - Chercher
compétences:
  - "Pix 1.1 : Mener une recherche et une veille d'information"
---

durée: 5
compétences: {skills}

## À vous

::: activité
Cherchez les horaires de la mairie.
:::

---

::: fiche
# Fiche
:::
"""


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    with app.test_request_context():
        yield app


def test_the_app_knows_the_guides_tasks(ctx: Flask) -> None:
    assert skill_ids() == tuple(skills())
    assert {"wifi", "recherche", "application"} <= set(skill_ids())


def test_the_editor_refuses_an_unknown_skill(ctx: Flask) -> None:
    assert compile_text("essai", ACTIVITY.format(skills="recherche, navigateur")).slides[0].skills == (
        "recherche", "navigateur")
    with pytest.raises(DeckError) as caught:
        compile_text("essai", ACTIVITY.format(skills="recherche, internet"))
    (error,) = caught.value.errors
    assert str(error) == ("modules/essai.md:12: compétence inconnue « internet » (connues : "
                          + ", ".join(skills()) + ")")


def test_the_shipped_files_are_checked_with_the_guides_tasks(ctx: Flask) -> None:
    decks, errors = check_files()
    assert errors == [] and len(decks) == 4
    known = set(skill_ids())
    assert all(set(slide.skills) <= known for _, deck in decks for slide in deck.slides)


def test_the_editor_warns_of_an_item_without_its_pair(admin: FlaskClient) -> None:
    module_4 = (ROOT / "modules" / "04-installer-applications.md").read_text(encoding="utf-8")
    data = admin.post("/editeur/apercu", json={"slug": "04-installer-applications", "text": module_4}).get_json()
    assert data["ok"] and "À vérifier" not in html.unescape(data["html"])
    assert "Positionnement après" in html.unescape(data["html"]) and "Compétences observées" in data["html"]
    changed = module_4.replace("Positionnement : après wifi-qr-code", "Positionnement : après wifi-qr-code-bis")
    data = admin.post("/editeur/apercu", json={"slug": "04-installer-applications", "text": changed}).get_json()
    shown = html.unescape(data["html"])
    assert data["ok"] and "À vérifier" in shown
    assert ("« Positionnement : après wifi-qr-code-bis » n'a pas de question « Positionnement : avant "
            "wifi-qr-code-bis » dans les autres modules") in shown
    page = html.unescape(admin.get("/editeur/modules/01-smartphone-wifi").get_data(as_text=True))
    assert "Positionnement avant" in page and "À vérifier" not in page


def test_unpaired_items_between_decks() -> None:
    from kit.content.checks import unpaired
    from slides import compile_file

    first = compile_file(ROOT / "modules" / "01-smartphone-wifi.md")
    last = compile_file(ROOT / "modules" / "04-installer-applications.md")
    assert unpaired(first, [last]) == [] and unpaired(last, [first]) == []
    (warning, *_rest) = unpaired(first, [])
    assert warning.startswith("« Positionnement : avant wifi-salle-attente » n'a pas de question "
                              "« Positionnement : après wifi-salle-attente »")
    assert len(unpaired(first, [])) == 8
