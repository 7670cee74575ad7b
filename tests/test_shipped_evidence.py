"""The evidence the shipped modules declare: the before/after check and the skills of their activities.

The check (« positionnement », docs/authoring.md part 4): 6 to 10 items asked at the start of module 1
(`avant`, never revealed) and again at the end of module 4 (`après`), the same ids, paired per participant.
"""

from __future__ import annotations

import pytest

from kit.evidence.skills import OUTCOME_SKILLS
from slides import Deck, Quiz, compile_file

from .test_shipped_modules import MODULES, plain

# The diagnostic guide's task ids (kit/diagnostic/guide.yaml): what `compétences:` may name.
KNOWN = ("deverrouiller", "wifi", "navigateur", "recherche", "application")
ITEMS_BY_OUTCOME = {"wifi": "wifi-", "recherche": "recherche-", "application": "appli-"}


def decks() -> dict[int, Deck]:
    return {deck.meta.number: deck for deck in (compile_file(p, skills=KNOWN) for p in MODULES)}


@pytest.fixture(scope="module")
def shipped() -> dict[int, Deck]:
    return decks()


def items(deck: Deck, phase: str) -> list[Quiz]:
    return [q for q in deck.quizzes if q.check == phase]


def test_the_known_skills_are_the_guides_tasks() -> None:
    from kit.diagnostic.guide import GUIDE_FILE, SCORING_FILE, load

    assert tuple(step.id for step in load(GUIDE_FILE, SCORING_FILE).tasks) == KNOWN
    assert set(OUTCOME_SKILLS) <= set(KNOWN)


def test_six_to_ten_items_before_and_the_same_after(shipped: dict[int, Deck]) -> None:
    first, last = items(shipped[1], "avant"), items(shipped[4], "apres")
    assert 6 <= len(first) <= 10
    assert [q.check_item for q in first] == [q.check_item for q in last], "the same ids, in the same order"
    assert all(not items(d, "avant") and not items(d, "apres") for n, d in shipped.items() if n in (2, 3))
    assert not items(shipped[1], "apres") and not items(shipped[4], "avant")


def test_each_pair_is_the_same_item(shipped: dict[int, Deck]) -> None:
    """The shipped pairs are the same question (docs/authoring.md: the simplest, surest pairing)."""
    for before, after in zip(items(shipped[1], "avant"), items(shipped[4], "apres"), strict=True):
        assert (before.kind, before.question, [c.text for c in before.choices], before.correct) == (
            after.kind, after.question, [c.text for c in after.choices], after.correct), before.check_item
        assert plain(after.explanation_html).strip(), "the reveal of module 4 explains the answer"


def test_the_items_check_the_three_outcomes_with_situations(shipped: dict[int, Deck]) -> None:
    first = items(shipped[1], "avant")
    for outcome, prefix in ITEMS_BY_OUTCOME.items():
        assert sum(q.check_item.startswith(prefix) for q in first if q.check_item) >= 2, outcome
    for quiz in first:
        # A situation and an action (« Que faites-vous ? »), not a word to define.
        assert "veut dire" not in quiz.question and "c'est quoi" not in quiz.question.lower(), quiz.question
        assert quiz.question.endswith("?") and len(quiz.correct) == 1
        # « Je ne sais pas » is always offered, last: better than a guess, and never right.
        assert quiz.choices[-1].text == "Je ne sais pas" and len(quiz.choices) - 1 not in quiz.correct
        assert len(quiz.choices) >= 4, "at least 3 plausible wrong answers"


def test_the_check_before_opens_module_1(shipped: dict[int, Deck]) -> None:
    """Before any teaching: only the welcome, the group's rules, joining the session and the intro come first."""
    deck = shipped[1]
    first = next(s.number for s in deck.slides if s.quiz and s.quiz.check == "avant")
    checks = [s.number for s in deck.slides if s.quiz and s.quiz.check == "avant"]
    assert checks == list(range(first, first + len(checks))), "one block of questions"
    assert sum(s.minutes for s in deck.slides[:first - 1]) <= 25
    joined = [s for s in deck.slides[:first - 1] if s.kind == "activite"]
    assert joined and "QR code" in plain(joined[0].activity_html), "the phones join the session first"


def test_the_check_after_ends_module_4_after_the_final_practice(shipped: dict[int, Deck]) -> None:
    deck = shipped[4]
    checks = [s.number for s in deck.slides if s.quiz and s.quiz.check == "apres"]
    *_, last_challenge = deck.activities
    assert checks == list(range(last_challenge.number + 1, last_challenge.number + 1 + len(checks)))
    assert deck.slides[-1].number - checks[-1] <= 3


def test_every_activity_declares_its_skills(shipped: dict[int, Deck]) -> None:
    missing = [f"module {n}, diapo {s.number} « {s.title} »" for n, d in shipped.items()
               for s in d.activities if not s.skills]
    assert missing == []
    taught = {skill for d in shipped.values() for s in d.activities for skill in s.skills}
    assert taught == set(KNOWN), "every task of the guide is practised somewhere"


def test_module_4_final_practice_declares_the_three_outcomes(shipped: dict[int, Deck]) -> None:
    """The three challenges, done without help: each person is observed on each outcome."""
    challenges = [s for s in shipped[4].activities if s.title.startswith("Défi")]
    assert len(challenges) == 3
    assert [s.skills for s in challenges] == [("wifi",), ("recherche",), ("application",)]
    assert {skill for s in challenges for skill in s.skills} == set(OUTCOME_SKILLS)
    steps = plain(challenges[0].activity_html)
    assert "QR code" in steps and "mot de passe" in steps  # join a network, or scan its QR code
    assert "horaires" in plain(challenges[1].activity_html) and "mots-clés" in plain(challenges[1].activity_html)
    assert "Installez" in plain(challenges[2].activity_html) and "autorisations" in plain(challenges[2].activity_html)

