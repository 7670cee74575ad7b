"""Every path that compiles a module in the app checks `compétences:` against the diagnostic guide's task ids."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from kit.content.library import compile_text, skill_ids
from kit.content.shipped import check_files
from kit.evidence.skills import skills
from slides import DeckError

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
