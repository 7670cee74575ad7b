"""Errors come back as `file:line: message`, at the line the editor must fix."""

from __future__ import annotations

import pytest

from slides import DeckError, compile_deck

from .helpers import FRONT, SHEET, line_of, module


def errors_of(text: str, image_url: object = None) -> list[str]:
    """Compile and return the error lines; fail if the text compiles."""
    with pytest.raises(DeckError) as caught:
        compile_deck(text, "modules/m.md", image_url=image_url)  # type: ignore[arg-type]
    return [str(e) for e in caught.value.errors]


def assert_error(text: str, needle: str, fragment: str, **kw: object) -> None:
    """Exactly one error, at the line holding `needle`, whose message holds `fragment`."""
    errors = errors_of(text, **kw)
    expected = f"modules/m.md:{line_of(text, needle)}: "
    assert any(e.startswith(expected) and fragment in e for e in errors), errors


def test_missing_front_matter() -> None:
    assert errors_of("# Pas d'en-tête\n")[0].startswith("modules/m.md:1: le fichier doit commencer")


def test_unclosed_front_matter() -> None:
    assert "n'est pas fermé" in errors_of("---\ntitre: x\n")[0]


def test_yaml_error_points_at_its_line() -> None:
    text = FRONT.format(minutes=2).replace("objectifs:", "objectifs: [oups") + "durée: 2\n\n## A\n" + SHEET
    errors = errors_of(text)
    assert any("en-tête illisible" in e for e in errors), errors
    line = int(errors[0].split(":")[1])
    assert line_of(text, "objectifs") <= line <= line_of(text, "compétences") + 2


@pytest.mark.parametrize(("old", "new", "fragment", "needle"), [
    ("titre: Test", "titre: ''", "titre", "titre: ''"),
    ("numéro: 1", "numéro: un", "numéro", "numéro: un"),
    ("durée: 2", "durée: deux", "durée", "durée: deux"),
    ('  - "Pix 5.2 : Construire un environnement numérique"', "  - Pix sans code", "compétence mal écrite",
     "compétences:"),
    ("titre: Test", "titre: Test\ntitr: X", "clé inconnue", "titr: X"),
    ("durée: 2", "durée: 2\nmarge: dix", "marge", "marge: dix"),
    ("durée: 2", "durée: 2\nmarge: -1", "marge", "marge: -1"),
    ("durée: 2", "durée: 2\nmarge: 2", "marge", "marge: 2"),
])
def test_front_matter_values_are_checked_at_their_line(old: str, new: str, fragment: str, needle: str) -> None:
    """An error in the header is reported at its key's line, not at the header's first line."""
    text = module("durée: 2\n\n## A\n").replace(old, new, 1)
    assert_error(text, needle, fragment)


def test_a_missing_key_is_reported_at_the_header() -> None:
    text = module("durée: 2\n\n## A\n")
    text = "\n".join(line for line in text.split("\n") if not line.startswith("numéro:"))
    assert any(e.startswith("modules/m.md:1: ") and "numéro" in e for e in errors_of(text))


def test_slide_without_duration() -> None:
    text = module("durée: 2\n\n## A\n", "## Sans durée\n", minutes=2)
    assert_error(text, "## Sans durée", "pas de durée")


def test_bad_duration() -> None:
    text = module("durée: beaucoup\n\n## A\n", minutes=2)
    assert_error(text, "durée: beaucoup", "durée incorrecte")


def test_minutes_must_add_up() -> None:
    text = module("durée: 2\n\n## A\n", "durée: 3\n\n## B\n", minutes=10)
    assert any(e.startswith("modules/m.md:1: les durées des diapos font 5 min") for e in errors_of(text))


def test_minutes_and_slack_must_add_up() -> None:
    text = module("durée: 2\n\n## A\n", "durée: 3\n\n## B\n", minutes=10).replace("durée: 10", "durée: 10\nmarge: 4")
    assert any(e.startswith("modules/m.md:1: les durées des diapos font 5 min") and "marge: 4" in e
               and "il faut 6 min" in e for e in errors_of(text))


def test_unknown_block() -> None:
    text = module("durée: 2\n\n## A\n\n::: quizz\nx\n:::\n")
    assert_error(text, "::: quizz", "bloc inconnu")


def test_unclosed_block() -> None:
    text = FRONT.format(minutes=2) + "durée: 2\n\n## A\n\n::: notes\nPas fermé\n"
    errors = errors_of(text)
    assert any(e.startswith(f"modules/m.md:{line_of(text, '::: notes')}: ") and "n'est pas fermé" in e
               for e in errors), errors


def test_stray_closing_fence() -> None:
    text = module("durée: 2\n\n## A\n\n:::\n")
    assert_error(text, ":::", "n'a pas été ouvert")


def test_nested_structural_block() -> None:
    text = module("durée: 2\n\n::: activité\n::: notes\nx\n:::\n:::\n")
    assert_error(text, "::: notes", "ne peut pas être dans un autre bloc")


def test_two_questions_on_one_slide() -> None:
    quiz = "::: quiz\nQuestion : Q\n- [x] a\n- [ ] b\nExplication : e\n:::\n"
    text = module("durée: 2\n\n" + quiz + "\n::: sondage\nQuestion : S\n- [ ] a\n- [ ] b\n:::\n")
    assert_error(text, "::: sondage", "sa propre diapo")


@pytest.mark.parametrize(("block", "needle", "fragment"), [
    ("::: quiz\n- [x] a\n- [ ] b\nExplication : e\n:::", "::: quiz", "« Question : … »"),
    ("::: quiz\nQuestion : Q\n- [x] a\nExplication : e\n:::", "::: quiz", "de 2 à 6 réponses"),
    ("::: quiz\nQuestion : Q\n- [x] a\n- [x] b\nExplication : e\n:::", "::: quiz", "exactement une bonne réponse"),
    ("::: quiz\nQuestion : Q\n- [ ] a\n- [ ] b\nExplication : e\n:::", "::: quiz", "exactement une bonne réponse"),
    ("::: quiz multiple\nQuestion : Q\n- [ ] a\n- [ ] b\nExplication : e\n:::", "::: quiz", "au moins une"),
    ("::: quiz vrai-faux\nQuestion : Q\n- [x] Oui\n- [ ] Non\nExplication : e\n:::", "::: quiz", "Vrai"),
    ("::: sondage\nQuestion : Q\n- [x] a\n- [ ] b\n:::", "::: sondage", "pas de bonne réponse"),
    ("::: quiz\nQuestion : Q\n- [x] a\n- [ ] b\n:::", "::: quiz", "Explication"),
    ("::: quiz bizarre\nQuestion : Q\n- [x] a\n- [ ] b\nExplication : e\n:::", "::: quiz", "sorte de question"),
    ("::: quiz\nQuestion : Q\n- [x] a\n- [ ] b\nExplication : e\nn'importe quoi\n:::", "::: quiz", ""),
    ("::: quiz\nQuestion : Q\nBlabla\n- [x] a\n- [ ] b\nExplication : e\n:::", "Blabla", "ligne non reconnue"),
    ("::: quiz\nQuestion : Q\n- [x] a\n- [ ] b\nExplication : e\nMinuteur : 2\n:::", "Minuteur", "Minuteur"),
    ("::: quiz\nQuestion : Q\n- [x] a\n- [ ] \nExplication : e\n:::", "- [ ] ", "réponse est vide"),
])
def test_quiz_errors(block: str, needle: str, fragment: str) -> None:
    text = module("durée: 2\n\n" + block + "\n")
    if fragment:
        assert_error(text, needle, fragment)
    else:  # an explanation may continue on following lines: this one is valid
        compile_deck(text)


def test_quiz_and_activity_on_one_slide() -> None:
    text = module("durée: 2\n\n::: activité\n1. a\n:::\n\n::: quiz\nQuestion : Q\n- [x] a\n- [ ] b\n"
                  "Explication : e\n:::\n")
    assert_error(text, "::: activité", "à la fois")


@pytest.mark.parametrize(("image", "fragment"), [
    ("![Logo](absent.svg)", "image introuvable"),
    ("![](ok.svg)", "pas de description"),
    ("![Logo](https://exemple.fr/a.png)", "sans adresse web"),
    ("![Logo](../secret.svg)", "sans adresse web"),
    ("![Logo](javascript:alert(1))", "sans adresse web"),
])
def test_image_errors(image: str, fragment: str) -> None:
    text = module(f"durée: 2\n\n## A\n\n{image}\n")
    assert_error(text, image, fragment, image_url=lambda name: "/i/" + name if name.startswith("ok") else None)


def test_sheet_is_required_last_and_unique() -> None:
    assert any("exactement une fiche" in e for e in errors_of(module("durée: 2\n\n## A\n", sheet="")))
    text = module("durée: 2\n\n## A\n", sheet=SHEET + "\n---\n\ndurée: 1\n\n## Après\n")
    assert_error(text, "::: fiche", "dernière partie", )
    assert any("exactement une fiche" in e for e in errors_of(module("durée: 2\n\n## A\n", sheet=SHEET + SHEET)))


def test_every_error_is_reported_at_once() -> None:
    text = module("durée: 2\n\n## A\n\n::: quizz\n:::\n", "## B\n", minutes=2)
    errors = errors_of(text)
    assert len(errors) >= 2
    assert errors == sorted(errors, key=lambda e: int(e.split(":")[1]))
