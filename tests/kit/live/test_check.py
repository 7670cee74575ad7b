"""The before/after check live: an « avant » question is answered and stored, never revealed."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask

from kit.content.library import deck_by_revision_id
from kit.extensions import db
from kit.models import Answer, Participant
from tests.factories import login, make_group, make_session, make_user

from .conftest import Live, events, last_state

A, P = "/animateur", "/participant"


def before_item(live: Live) -> int:
    return next(q.number for q in live.deck.quizzes if q.check == "avant")


def test_an_avant_question_is_answered_stored_and_never_revealed(live: Live) -> None:
    number = before_item(live)
    quiz = live.deck.quizzes[number - 1]
    animator, awa, bruno = live.animator(), live.phone("Awa"), live.phone("Bruno")
    slide = next(s.number for s in live.deck.slides if s.quiz is quiz)
    assert animator.emit("goto", {"slide": slide}, namespace=A, callback=True)["ok"]
    assert animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)["ok"]
    opened = last_state(awa, P)["question"]
    assert opened["check"] == "avant" and opened["state"] == "open"

    assert awa.emit("answer", {"quiz": number, "choices": [quiz.correct[0]]}, namespace=P, callback=True) == {
        "ok": True, "quiz": number, "choices": [quiz.correct[0]]}
    assert bruno.emit("answer", {"quiz": number, "choices": [len(quiz.choices) - 1]}, namespace=P,
                      callback=True)["ok"]
    # The projector counts who answered (the animators' windows follow the answers as for any quiz).
    progress = animator.emit("sync", {}, namespace=A, callback=True)["state"]["question"]
    assert progress["answered"] == 2 and progress["check"] == "avant"

    assert animator.emit("question", {"action": "close", "quiz": number}, namespace=A, callback=True)["ok"]
    refused = animator.emit("question", {"action": "reveal", "quiz": number}, namespace=A, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "positionnement_avant"
    assert "jamais montrée" in refused["error"]["message"]
    assert events(animator, "error", A)[-1]["code"] == "positionnement_avant"

    # Nothing was revealed: every state the phones ever got lacks the key, the tally and the count.
    for phone in (awa, bruno):
        for state in [*events(phone, "state", P), phone.emit("sync", {}, namespace=P, callback=True)["state"]]:
            question = state["question"]
            if question is not None:
                assert question["state"] != "revealed"
                assert not {"key", "tally", "answered"} & set(question), question
                assert "explanation" not in json.dumps(question) and "correct" not in json.dumps(question)
                assert quiz.check_item not in json.dumps(state), "the pairing id stays on the server"
    mine = awa.emit("sync", {}, namespace=P, callback=True)["state"]["question"]
    assert mine["my_answer"] == [quiz.correct[0]] and mine["state"] == "closed"

    # Stored like any answer: the evaluation pairs them by the quiz's check_item.
    with live.app.app_context():
        rows = db.session.execute(sa.select(Answer.quiz_number, Answer.choices, Answer.entered_by)
                                  .where(Answer.session_id == live.session_id)).all()
    assert sorted((n, c) for n, c, _ in rows) == sorted([(number, [quiz.correct[0]]),
                                                          (number, [len(quiz.choices) - 1])])


def test_an_avant_question_cannot_be_revealed_even_while_open(live: Live) -> None:
    number = before_item(live)
    animator, awa = live.animator(), live.phone("Awa")
    assert animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)["ok"]
    refused = animator.emit("question", {"action": "reveal", "quiz": number}, namespace=A, callback=True)
    assert refused["error"]["code"] == "positionnement_avant"
    # Still open: the refusal changed nothing.
    assert awa.emit("sync", {}, namespace=P, callback=True)["state"]["question"]["state"] == "open"
    assert awa.emit("answer", {"quiz": number, "choices": [0]}, namespace=P, callback=True)["ok"]


def test_the_animator_may_answer_for_someone_without_a_phone(live: Live) -> None:
    number = before_item(live)
    animator = live.animator()
    roster = animator.emit("sync", {}, namespace=A, callback=True)
    assert roster["ok"]
    assert animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)["ok"]
    with live.app.app_context():
        chloe = db.session.scalar(sa.select(Participant.id).where(Participant.nickname == "Chloé"))
    ack = animator.emit("answer_for", {"participant": chloe, "quiz": number, "choices": [1]}, namespace=A,
                        callback=True)
    assert ack["ok"]
    with live.app.app_context():
        entered = db.session.scalar(sa.select(Answer.entered_by).where(Answer.participant_id == chloe))
    assert entered == "animator"


def test_an_ordinary_quiz_says_it_is_no_check(live: Live) -> None:
    number = live.quiz_number("unique")
    animator, awa = live.animator(), live.phone("Awa")
    assert animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)["ok"]
    assert last_state(awa, P)["question"]["check"] is None


def test_an_apres_question_is_revealed_like_a_quiz(app: Flask) -> None:
    with app.app_context():
        group = make_group(make_user())
        session = make_session(group, "04-installer-applications")
        session_id, code = session.id, session.join_code
    with app.test_request_context():
        deck = deck_by_revision_id(session.revision_id)
    http = app.test_client()
    login(http)
    live = Live(app, session_id, code, deck, http)
    quiz = next(q for q in deck.quizzes if q.check == "apres")
    animator, awa = live.animator(), live.phone("Awa")
    assert animator.emit("question", {"action": "open", "quiz": quiz.number}, namespace=A, callback=True)["ok"]
    assert awa.emit("answer", {"quiz": quiz.number, "choices": list(quiz.correct)}, namespace=P, callback=True)["ok"]
    assert animator.emit("question", {"action": "reveal", "quiz": quiz.number}, namespace=A, callback=True)["ok"]
    revealed = last_state(awa, P)["question"]
    assert revealed["check"] == "apres" and revealed["state"] == "revealed"
    assert revealed["key"]["correct"] == list(quiz.correct) and revealed["answered"] == 1
