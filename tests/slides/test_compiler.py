"""Every construct of the module format compiles to the expected deck."""

from __future__ import annotations

from pathlib import Path

import pytest

from slides import DeckError, compile_deck
from slides.__main__ import main

from .helpers import module


def images(name: str) -> str | None:
    """Images that 'exist' for these tests."""
    return f"/img/{name}" if name.startswith("ok") else None


def test_front_matter_becomes_meta() -> None:
    deck = compile_deck(module("durée: 5\n\n## A\n"))
    assert deck.meta.title == "Test"
    assert deck.meta.number == 1
    assert deck.meta.minutes == 5
    assert deck.meta.objectives == ("Se connecter au Wi-Fi",)
    (competence,) = deck.meta.competences
    assert (competence.framework, competence.code, competence.label) == ("Pix", "5.2",
                                                                          "Construire un environnement numérique")


def test_unaccented_keys_are_accepted() -> None:
    text = module("duree: 5 min\n\n## A\n", minutes=5).replace("numéro:", "numero:").replace("durée: 5", "duree: 5")
    deck = compile_deck(text)
    assert deck.slides[0].minutes == 5


def test_slack_is_part_of_the_duration_but_of_no_slide() -> None:
    text = module("durée: 5\n\n## A\n", "durée: 3\n\n## B\n", minutes=18).replace("durée: 18", "durée: 18\nmarge: 10")
    deck = compile_deck(text)
    assert (deck.meta.minutes, deck.meta.slack_minutes, deck.planned_minutes) == (18, 10, 8)
    assert compile_deck(module("durée: 5\n\n## A\n")).meta.slack_minutes == 0  # no `marge`: none


def test_the_command_line_check_shows_the_slack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.md"
    path.write_text(module("durée: 5\n\n## A\n", minutes=15).replace("durée: 15", "durée: 15\nmarge: 10"),
                    encoding="utf-8")
    assert main([str(path)]) == 0
    assert capsys.readouterr().out.endswith("1 diapos, 0 quiz, 0 sondages, 0 activités, 5 min + 10 min de marge\n")


def test_slides_have_title_minutes_notes_and_style() -> None:
    deck = compile_deck(module(
        "durée: 3\nstyle: titre\n\n# Bienvenue\n\n::: notes\nDites bonjour.\nPrésentez-vous.\n:::\n",
        "durée: 7\n\n## Le **Wi-Fi**\n\nInternet sans fil.\n",
    ))
    first, second = deck.slides
    assert (first.number, first.title, first.minutes) == (1, "Bienvenue", 3)
    assert (first.style, first.kind) == ("titre", "contenu")
    assert first.notes_html == "<p>Dites bonjour.<br>\nPrésentez-vous.</p>"
    assert "Dites bonjour" not in first.html
    assert second.title == "Le Wi-Fi"
    assert "<strong>Wi-Fi</strong>" in second.html
    assert deck.planned_minutes == 10


def test_activity_slide() -> None:
    deck = compile_deck(module(
        "durée: 15\n\n## À vous\n\n::: activité\n1. Ouvrez **Paramètres**.\n2. Touchez Wi-Fi.\n\n"
        "::: iphone\nRéglages.\n:::\n:::\n"
    ))
    (slide,) = deck.slides
    assert slide.kind == "activite"
    assert deck.activities == (slide,)
    assert "<ol>" in slide.activity_html
    assert '<aside class="encadre encadre-iphone">' in slide.activity_html
    assert "Paramètres" not in slide.html


@pytest.mark.parametrize(("name", "title"), [("iphone", "Sur iPhone"), ("android", "Sur Android"),
                                             ("astuce", "Astuce"), ("attention", "Attention")])
def test_callouts(name: str, title: str) -> None:
    deck = compile_deck(module(f"durée: 2\n\n## A\n\n::: {name}\nTexte **gras**.\n\n- un\n- deux\n:::\n\nAprès.\n"))
    html = deck.slides[0].html
    assert f'<aside class="encadre encadre-{name}">\n<p class="encadre-titre">{title}</p>' in html
    assert "<li>un</li>" in html
    assert html.rstrip().endswith("<p>Après.</p>")


def test_single_choice_quiz() -> None:
    deck = compile_deck(module(
        "durée: 3\n\n::: quiz\nQuestion : Quelle **icône** ?\n![Trois icônes](ok.svg)\n"
        "- [ ] La batterie\n- [x] ![Éventail](ok-wifi.svg) L'éventail\n- [ ] L'avion\n"
        "Explication : L'éventail.\nPlus il y a de traits, mieux c'est.\n:::\n"
    ), image_url=images)
    slide = deck.slides[0]
    quiz = slide.quiz
    assert slide.kind == "quiz"
    assert slide.title == "Quelle icône ?"
    assert quiz.kind == "unique" and not quiz.multiple and not quiz.is_poll
    assert quiz.question_html == "Quelle <strong>icône</strong> ?"
    assert [c.letter for c in quiz.choices] == ["A", "B", "C"]
    assert quiz.choices[1].text == "L'éventail"
    assert quiz.choices[1].image.src == "/img/ok-wifi.svg"
    assert quiz.image.src == "/img/ok.svg" and quiz.image.alt == "Trois icônes"
    assert quiz.correct == (1,)
    assert "Plus il y a de traits" in quiz.explanation_html
    assert quiz.timer_seconds is None


def test_multiple_true_false_poll_and_timer() -> None:
    deck = compile_deck(module(
        "durée: 2\n\n::: quiz multiple\nQuestion : Q1\n- [x] a\n- [x] b\n- [ ] c\nExplication : E1\n:::\n",
        "durée: 2\n\n## Vrai ou faux ?\n\n::: quiz vrai-faux\nQuestion : Q2\n- [ ] Vrai\n- [x] Faux\nExplication : E2\n"
        "Minuteur : 30\n:::\n",
        "durée: 2\n\n::: sondage\nQuestion : Q3\n- [ ] Oui\n- [ ] Non\n:::\n",
    ))
    multiple, true_false, poll = deck.quizzes
    assert multiple.kind == "multiple" and multiple.multiple and multiple.correct == (0, 1)
    assert true_false.kind == "vrai-faux" and true_false.correct == (1,) and true_false.timer_seconds == 30
    assert deck.slides[1].title == "Vrai ou faux ?"
    assert poll.is_poll and poll.correct == () and poll.explanation_html == ""
    assert [q.number for q in deck.quizzes] == [1, 2, 3]


def test_public_view_of_a_quiz_has_no_key() -> None:
    deck = compile_deck(module(
        "durée: 2\n\n::: quiz\nQuestion : Q\n- [ ] a\n- [x] b\nExplication : Parce que b.\n:::\n"
    ))
    public = deck.quizzes[0].public()
    assert "correct" not in public and "explanation_html" not in public
    assert "Parce que" not in repr(public)
    assert deck.quizzes[0].key() == {"correct": [1], "explanation_html": "<p>Parce que b.</p>"}


def test_summary_sheet() -> None:
    deck = compile_deck(module("durée: 2\n\n## A\n", sheet="\n---\n\n::: fiche\n# Ma fiche\n\n1. Un\n"
                                                           "::: astuce\nRetenez.\n:::\n:::\n"))
    assert deck.sheet_html.startswith("<h1>Ma fiche</h1>")
    assert "encadre-astuce" in deck.sheet_html


def test_images_are_resolved_in_slides() -> None:
    deck = compile_deck(module("durée: 2\n\n## A\n\n![Un téléphone](ok-phone.svg)\n"), image_url=images)
    assert '<img alt="Un téléphone" src="/img/ok-phone.svg">' in deck.slides[0].html
    assert deck.images == ("ok-phone.svg",)


def test_separator_inside_code_or_block_does_not_split() -> None:
    deck = compile_deck(module("durée: 2\n\n## A\n\n```\n---\n```\n\n::: notes\nAvant\n\n---\n\nAprès\n:::\n"))
    assert len(deck.slides) == 1
    assert "Après" in deck.slides[0].notes_html


def test_windows_line_endings_and_bom() -> None:
    text = "\ufeff" + module("durée: 2\n\n## A\n").replace("\n", "\r\n")
    assert compile_deck(text).slides[0].title == "A"


def test_a_module_with_an_error_never_half_loads() -> None:
    text = module("durée: 2\n\n## Bon\n", "durée: 2\n\n::: quizz\nx\n:::\n")
    with pytest.raises(DeckError) as caught:
        compile_deck(text)
    assert caught.value.errors
