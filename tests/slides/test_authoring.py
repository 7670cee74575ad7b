"""The examples of docs/authoring.md compile: an editor who copies them gets a working module."""

from __future__ import annotations

import re
from pathlib import Path

from slides import compile_deck, image_resolver

from .helpers import module

ROOT = Path(__file__).resolve().parent.parent.parent
GUIDE = ROOT / "docs" / "authoring.md"
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```$", re.M | re.S)


def examples() -> list[str]:
    """The fenced code blocks of the guide, in order."""
    return FENCE.findall(GUIDE.read_text(encoding="utf-8"))


def test_the_guide_is_in_french_and_shows_every_construct() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for construct in ("::: notes", "::: activité", "::: quiz", "::: quiz multiple", "::: quiz vrai-faux",
                      "::: sondage", "::: fiche", "::: iphone", "style: titre", "Minuteur :", "Explication :"):
        assert construct in text, construct
    assert "fichier:ligne: message" in text


def test_the_guide_examples_make_a_module() -> None:
    """Header, slide, activity, quiz and sheet examples put end to end compile, images included."""
    blocks = examples()
    header = next(b for b in blocks if b.startswith("---\ntitre:"))
    slides = [b for b in blocks if re.match(r"---\n\s*durée:", b)]
    sheet = next(b for b in blocks if "::: fiche" in b)
    minutes = sum(int(m) for b in slides for m in re.findall(r"^durée: (\d+)", b, re.M))
    text = re.sub(r"^durée: 210$", f"durée: {minutes}", header, flags=re.M) + "".join(slides) + sheet

    deck = compile_deck(text, "docs/authoring.md",
                        image_url=image_resolver(ROOT / "modules" / "images", "/modules/images/"))
    assert [s.kind for s in deck.slides] == ["contenu", "activite", "quiz"]
    assert all(s.notes_html for s in deck.slides)
    assert "encadre-iphone" in deck.slides[1].activity_html
    (quiz,) = deck.quizzes
    assert quiz.correct == (1,) and quiz.image is not None
    assert "Me connecter au Wi-Fi" in deck.sheet_html and "encadre-iphone" in deck.sheet_html
    assert len(deck.meta.competences) == 2


def test_the_callout_example_compiles_in_a_slide() -> None:
    callout = next(b for b in examples() if b.startswith("::: iphone"))
    deck = compile_deck(module(f"durée: 2\n\n## A\n\n{callout}"))
    assert '<p class="encadre-titre">Sur iPhone</p>' in deck.slides[0].html
