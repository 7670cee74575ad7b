"""The animators' state after a move reads the answers and the presence on its own (kit/live/state.py, on the
DBAPI cursor): it must say what the full view built from the roster says."""

from __future__ import annotations

from kit.content.library import deck_by_revision_id
from kit.live.lookup import session_row
from kit.live.state import animator_state_after_move, animator_view

from .conftest import Live

A, P = "/animateur", "/participant"


def test_the_state_after_a_move_has_the_answers_and_presence_of_the_roster(live: Live) -> None:
    quiz = live.deck.quizzes[live.quiz_number() - 1]
    animator, awa, bruno = live.animator(), live.phone("Awa"), live.phone("Bruno")
    live.phone("Chloé")
    assert animator.emit("question", {"action": "open", "quiz": quiz.number}, namespace=A, callback=True)["ok"]
    assert awa.emit("answer", {"quiz": quiz.number, "choices": [0]}, namespace=P, callback=True)["ok"]
    assert bruno.emit("answer", {"quiz": quiz.number, "choices": [1]}, namespace=P, callback=True)["ok"]
    with live.app.app_context():
        session = session_row(live.session_id)
        assert session is not None
        deck = deck_by_revision_id(session.revision_id)
        after_move = animator_state_after_move(session, deck)
        full, people = animator_view(session, deck)
    assert after_move["present"] == full["present"] == 3
    assert after_move["question"]["tally"] == full["question"]["tally"]
    assert after_move["question"]["answered"] == 2
    by_name = {p["id"]: p["nickname"] for p in people}
    assert sorted((by_name[a["participant"]], a["choices"]) for a in after_move["answers"]) == [
        ("Awa", [0]), ("Bruno", [1])]
