"""A whole question, from opening to reveal, through the Socket.IO test clients."""

from __future__ import annotations

import sqlalchemy as sa

from kit.extensions import db
from kit.models import Answer, Attendance

from .conftest import Live, events, last_state

A, P = "/animateur", "/participant"


def test_phone_gets_the_state_at_connection(live: Live) -> None:
    phone = live.phone("Awa")
    assert phone.is_connected(P)
    state = last_state(phone, P)
    assert state["session"] == live.session_id
    assert state["slide"]["number"] == 0 and state["slide"]["kind"] == "accueil"
    assert state["question"] is None


def test_joining_records_attendance_and_the_roster(live: Live) -> None:
    animator = live.animator()
    events(animator, "roster", A)
    live.phone("Awa")
    roster = events(animator, "roster", A)[-1]["participants"]
    awa = next(p for p in roster if p["nickname"] == "Awa")
    assert awa["connected"] and awa["present"]
    assert not next(p for p in roster if p["nickname"] == "Bruno")["connected"]
    with live.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1


def test_goto_moves_every_window_and_phone(live: Live) -> None:
    animator, other_window, phone = live.animator(), live.animator(), live.phone("Bruno")
    ack = animator.emit("goto", {"slide": 5}, namespace=A, callback=True)
    assert ack["ok"]
    assert last_state(other_window, A)["slide"]["number"] == 5
    phone_state = last_state(phone, P)
    assert phone_state["slide"]["number"] == 5
    assert phone_state["version"] == ack["version"]


def test_a_whole_quiz(live: Live) -> None:
    number = live.quiz_number("unique")
    quiz = live.deck.quizzes[number - 1]
    right, wrong = quiz.correct[0], (quiz.correct[0] + 1) % len(quiz.choices)
    animator = live.animator()
    awa, bruno = live.phone("Awa"), live.phone("Bruno")

    assert animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)["ok"]
    opened = last_state(awa, P)["question"]
    assert opened["state"] == "open" and opened["number"] == number
    assert "key" not in opened and "tally" not in opened  # no key before the reveal
    assert "correct" not in repr(opened) and "explanation" not in repr(opened)

    assert awa.emit("answer", {"quiz": number, "choices": [wrong]}, namespace=P, callback=True) == {
        "ok": True, "quiz": number, "choices": [wrong]}
    # Changing one's mind while the question is open replaces the answer.
    assert awa.emit("answer", {"quiz": number, "choices": [right]}, namespace=P, callback=True)["ok"]
    assert bruno.emit("answer", {"quiz": number, "choices": [wrong]}, namespace=P, callback=True)["ok"]
    # Each stored answer is announced to the animators, who keep the count and tally themselves.
    announced = [a for batch in events(animator, "answers", A) for a in batch["answers"]]
    assert [(a["choices"], a["quiz"]) for a in announced] == [([wrong], number), ([right], number), ([wrong], number)]
    progress = animator.emit("sync", {}, namespace=A, callback=True)["state"]["question"]
    assert progress["answered"] == 2 and sum(progress["tally"]) == 2
    # The animators' windows have the key at all times (the presenter marks the right answers as they come).
    assert progress["key"]["correct"] == list(quiz.correct)

    assert animator.emit("question", {"action": "close", "quiz": number}, namespace=A, callback=True)["ok"]
    late = bruno.emit("answer", {"quiz": number, "choices": [right]}, namespace=P, callback=True)
    assert late["ok"] is False and late["error"]["code"] == "fermee"
    assert "Trop tard" in late["error"]["message"]

    assert animator.emit("question", {"action": "reveal", "quiz": number}, namespace=A, callback=True)["ok"]
    revealed = last_state(awa, P)["question"]
    assert revealed["state"] == "revealed"
    assert revealed["key"]["correct"] == list(quiz.correct)
    assert revealed["tally"][right] == 1 and revealed["tally"][wrong] == 1
    with live.app.app_context():
        stored = dict(db.session.execute(sa.select(Answer.participant_id, Answer.choices)).all())
    assert sorted(stored.values()) == sorted([[right], [wrong]])


def test_reconnecting_phone_gets_its_own_answer(live: Live) -> None:
    number = live.quiz_number()
    animator = live.animator()
    animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)
    phone = live.phone("Chloé")
    phone.emit("answer", {"quiz": number, "choices": [0]}, namespace=P, callback=True)
    phone.disconnect(namespace=P)
    again = live.phone("Chloé")
    question = last_state(again, P)["question"]
    assert question["state"] == "open" and question["my_answer"] == [0]


def test_the_animator_enters_an_answer_given_aloud(live: Live) -> None:
    number = live.quiz_number()
    animator = live.animator()
    animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)
    roster = events(animator, "roster", A)[-1]["participants"]
    bruno = next(p["id"] for p in roster if p["nickname"] == "Bruno")
    ack = animator.emit("answer_for", {"participant": bruno, "quiz": number, "choices": [1]}, namespace=A,
                        callback=True)
    assert ack == {"ok": True, "choices": [1]}
    with live.app.app_context():
        answer = db.session.scalar(sa.select(Answer))
        assert (answer.participant_id, answer.entered_by, answer.choices) == (bruno, "animator", [1])
        assert db.session.scalar(sa.select(Attendance.participant_id)) == bruno


def test_coming_back_to_an_asked_question_shows_it_again(live: Live) -> None:
    slide = next(s for s in live.deck.slides if s.quiz and s.quiz.check != "avant")
    animator, phone = live.animator(), live.phone("Awa")
    animator.emit("goto", {"slide": slide.number}, namespace=A, callback=True)
    animator.emit("question", {"action": "open", "quiz": slide.quiz.number}, namespace=A, callback=True)
    animator.emit("question", {"action": "reveal", "quiz": slide.quiz.number}, namespace=A, callback=True)
    animator.emit("goto", {"slide": slide.number + 1}, namespace=A, callback=True)
    assert last_state(phone, P)["question"] is None
    animator.emit("goto", {"slide": slide.number}, namespace=A, callback=True)
    back = last_state(phone, P)["question"]
    assert back["state"] == "revealed" and back["number"] == slide.quiz.number and "key" in back


def test_an_open_question_stays_on_the_phones_while_slides_move(live: Live) -> None:
    number = live.quiz_number()
    animator, phone = live.animator(), live.phone("Awa")
    animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)
    animator.emit("goto", {"slide": 1}, namespace=A, callback=True)
    assert last_state(phone, P)["question"]["state"] == "open"


def test_the_roster_says_which_question_its_answers_are_for(live: Live) -> None:
    number = live.quiz_number()
    animator = live.animator()
    animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)
    live.phone("Awa").emit("answer", {"quiz": number, "choices": [0]}, namespace=P, callback=True)
    animator.emit("sync", {}, namespace=A, callback=True)  # a full refresh, as after a reconnection
    roster = events(animator, "roster", A)[-1]
    assert roster["quiz"] == number
    assert next(p for p in roster["participants"] if p["nickname"] == "Awa")["answer"] == [0]


def test_a_move_brings_the_animators_the_answers_to_the_current_question_not_a_roster(live: Live) -> None:
    number = live.quiz_number()
    animator = live.animator()
    awa_phone = live.phone("Awa")
    awa = next(p["id"] for p in events(animator, "roster", A)[-1]["participants"] if p["nickname"] == "Awa")
    animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)
    opened = last_state(animator, A)
    assert opened["answers"] == [] and opened["present"] == 1
    awa_phone.emit("answer", {"quiz": number, "choices": [0]}, namespace=P, callback=True)
    animator.emit("question", {"action": "close", "quiz": number}, namespace=A, callback=True)
    received = animator.get_received(A)
    closed = [e["args"][0] for e in received if e["name"] == "state"][-1]
    assert closed["question"]["state"] == "closed"
    assert closed["answers"] == [{"participant": awa, "choices": [0]}]
    assert closed["question"]["answered"] == 1 and closed["question"]["tally"][0] == 1
    assert "roster" not in {e["name"] for e in received}
    animator.emit("goto", {"slide": 1}, namespace=A, callback=True)  # a slide without the question
    assert last_state(animator, A)["answers"] == []


def test_an_answer_entered_aloud_reaches_that_participants_phone(live: Live) -> None:
    number = live.quiz_number()
    animator = live.animator()
    animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)
    bruno_phone, awa_phone = live.phone("Bruno"), live.phone("Awa")
    roster = events(animator, "roster", A)[-1]["participants"]
    bruno = next(p["id"] for p in roster if p["nickname"] == "Bruno")
    events(awa_phone, "state", P)
    animator.emit("answer_for", {"participant": bruno, "quiz": number, "choices": [1]}, namespace=A, callback=True)
    assert last_state(bruno_phone, P)["question"]["my_answer"] == [1]
    assert events(awa_phone, "state", P) == []  # nobody else is told
