"""The evidence a module declares: `compétences:` on activities and `Positionnement :` in questions."""

from __future__ import annotations

import pytest

from slides import DeckError, compile_deck

from .helpers import line_of, module

KNOWN = ("deverrouiller", "wifi", "navigateur", "recherche", "application")

ACTIVITY = "durée: 5\ncompétences: wifi, recherche\n\n## À vous\n\n::: activité\nConnectez-vous.\n:::\n"


def quiz(check: str = "Positionnement : avant wifi-salle", kind: str = "quiz") -> str:
    return (f"durée: 2\n\n::: {kind}\n{check}\nQuestion : Que faites-vous en premier ?\n"
            "- [ ] Je redémarre\n- [x] J'ouvre les réglages Wi-Fi\nExplication : Les réglages d'abord.\n:::\n")


def number(text: str, n: int) -> str:
    return text.replace("numéro: 1", f"numéro: {n}", 1)


def errors_of(text: str, skills: object = KNOWN) -> list[str]:
    with pytest.raises(DeckError) as caught:
        compile_deck(text, "modules/m.md", skills=skills)  # type: ignore[arg-type]
    return [str(e) for e in caught.value.errors]


def assert_error(text: str, needle: str, fragment: str, skills: object = KNOWN) -> None:
    """An error at the line holding `needle`, whose message holds `fragment`."""
    errors = errors_of(text, skills)
    expected = f"modules/m.md:{line_of(text, needle)}: "
    assert any(e.startswith(expected) and fragment in e for e in errors), errors


# --- compétences: -----------------------------------------------------------------------------------------

def test_an_activity_declares_its_skills() -> None:
    deck = compile_deck(module(ACTIVITY, "durée: 1\n\n## Fin\n"), skills=KNOWN)
    assert deck.slides[0].kind == "activite"
    assert deck.slides[0].skills == ("wifi", "recherche")
    assert deck.slides[1].skills == ()


def test_the_key_is_folded_like_duree() -> None:
    text = module(ACTIVITY.replace("compétences:", "Competences :"))
    assert compile_deck(text, skills=KNOWN).slides[0].skills == ("wifi", "recherche")


def test_without_known_skills_only_the_shape_is_checked() -> None:
    deck = compile_deck(module(ACTIVITY.replace("recherche", "autre-chose")))
    assert deck.slides[0].skills == ("wifi", "autre-chose")
    assert_error(module(ACTIVITY.replace("recherche", "Re cherche")), "compétences: ", "compétence inconnue",
                 skills=None)


def test_an_unknown_skill_lists_the_known_ones() -> None:
    text = module(ACTIVITY.replace("recherche", "wiifi"))
    assert_error(text, "compétences: ", "compétence inconnue « wiifi » "
                                       "(connues : deverrouiller, wifi, navigateur, recherche, application)")


@pytest.mark.parametrize(("value", "fragment"), [
    ("", "est vide"),
    ("wifi,, recherche", "virgule en trop"),
    ("wifi, wifi", "écrite deux fois"),
    ("Wi-Fi", "compétence inconnue « Wi-Fi »"),
])
def test_malformed_skills(value: str, fragment: str) -> None:
    assert_error(module(ACTIVITY.replace("wifi, recherche", value)), "compétences: ", fragment)


def test_skills_only_on_an_activity() -> None:
    text = module("durée: 2\ncompétences: wifi\n\n## Une diapo\n\nDu texte.\n")
    assert_error(text, "compétences: ", "seulement sur une diapo qui a un bloc « ::: activité »")
    assert_error(module(quiz("").replace("durée: 2\n", "durée: 2\ncompétences: wifi\n")), "compétences: ",
                 "::: activité")


def test_skills_written_twice() -> None:
    text = module(ACTIVITY.replace("compétences: wifi, recherche", "compétences: wifi\ncompétences: recherche"))
    assert_error(text, "compétences: recherche", "écrit deux fois")


# --- Positionnement : --------------------------------------------------------------------------------------

def test_a_before_item_in_module_1() -> None:
    deck = compile_deck(module(quiz(), quiz("Positionnement : avant appli-installer"), quiz("")))
    first, second, plain = deck.quizzes
    assert (first.check, first.check_item) == ("avant", "wifi-salle")
    assert (second.check, second.check_item) == ("avant", "appli-installer")
    assert (plain.check, plain.check_item) == (None, None)
    assert "wifi-salle" not in str(first.public())  # the pairing stays on the server


@pytest.mark.parametrize("phase", ["après", "apres", "Après"])
def test_an_after_item_in_module_4(phase: str) -> None:
    deck = compile_deck(number(module(quiz(f"Positionnement : {phase} wifi-salle")), 4))
    assert (deck.quizzes[0].check, deck.quizzes[0].check_item) == ("apres", "wifi-salle")


@pytest.mark.parametrize("kind", ["quiz multiple", "quiz vrai-faux"])
def test_every_kind_of_quiz_may_be_an_item(kind: str) -> None:
    block = quiz(kind=kind)
    if kind == "quiz vrai-faux":
        block = block.replace("- [ ] Je redémarre\n- [x] J'ouvre les réglages Wi-Fi", "- [x] Vrai\n- [ ] Faux")
    assert compile_deck(module(block)).quizzes[0].check_item == "wifi-salle"


def test_the_line_may_come_anywhere_in_the_block() -> None:
    block = quiz("").replace("Explication : Les réglages d'abord.", "Explication : Les réglages d'abord.\n"
                                                                    "Positionnement : avant wifi-salle")
    deck = compile_deck(module(block))
    assert deck.quizzes[0].check_item == "wifi-salle"
    assert "Positionnement" not in deck.quizzes[0].explanation_html


@pytest.mark.parametrize(("check", "fragment"), [
    ("Positionnement : pendant wifi-salle", "phase de positionnement inconnue « pendant »"),
    ("Positionnement : avant Wifi_Salle", "identifiant de positionnement incorrect « Wifi_Salle »"),
    ("Positionnement : avant wifi-été", "identifiant de positionnement incorrect"),
    ("Positionnement : avant -wifi", "identifiant de positionnement incorrect"),
    ("Positionnement : avant " + "x" * 41, "40 caractères au plus"),
    ("Positionnement : avant", "attend la phase puis l'identifiant"),
    ("Positionnement :", "attend la phase puis l'identifiant"),
    ("Positionnement : avant wifi salle", "attend la phase puis l'identifiant"),
])
def test_malformed_check_lines(check: str, fragment: str) -> None:
    assert_error(module(quiz(check)), "Positionnement", fragment)


def test_a_poll_is_no_item() -> None:
    block = quiz(kind="sondage").replace("- [x]", "- [ ]").replace("Explication : Les réglages d'abord.\n", "")
    assert_error(module(block), "Positionnement", "un sondage ne sert pas au positionnement")


def test_check_written_twice_in_a_question() -> None:
    block = quiz().replace("Question :", "Positionnement : avant autre\nQuestion :")
    assert_error(module(block), "Positionnement : avant autre", "déjà écrit ligne")


def test_the_same_id_twice_in_a_module() -> None:
    text = module(quiz(), "durée: 1\n\n## Entre deux\n", quiz().replace("Question : Que", "Question : Et que"))
    errors = errors_of(text)
    second = [n for n, line in enumerate(text.splitlines(), 1) if "Positionnement" in line][1]
    first = line_of(text, "Positionnement")
    assert errors == [f"modules/m.md:{second}: l'identifiant de positionnement « wifi-salle » est déjà pris "
                      f"ligne {first} : un identifiant par question dans un module"]


def test_before_items_only_in_module_1() -> None:
    assert_error(number(module(quiz()), 2), "Positionnement", "« Positionnement : avant » va dans le module 1 "
                                                              "(ce module est le numéro 2)")


def test_after_items_only_in_module_4() -> None:
    text = module(quiz("Positionnement : après wifi-salle"))
    assert_error(text, "Positionnement", "« Positionnement : après » va dans le module 4 (ce module est le numéro 1)")


def test_every_error_at_once() -> None:
    text = number(module(ACTIVITY.replace("recherche", "nope"), quiz(), quiz("Positionnement : jamais x")), 3)
    errors = errors_of(text)
    assert len(errors) == 3, errors


def test_the_guide_examples_of_the_check_compile_and_pair() -> None:
    """docs/authoring.md's before and after examples compile in modules 1 and 4, and make one pair."""
    from .test_authoring import GUIDE, examples

    assert "compétences: wifi, recherche" in GUIDE.read_text(encoding="utf-8")
    before, after = [b for b in examples() if "Positionnement :" in b]
    first = compile_deck(module(before), skills=KNOWN).quizzes[0]
    last = compile_deck(number(module(after), 4), skills=KNOWN).quizzes[0]
    assert (first.check, last.check) == ("avant", "apres")
    assert first.check_item == last.check_item == "wifi-salle-attente"
    assert len(first.choices) == len(last.choices) and first.kind == last.kind
