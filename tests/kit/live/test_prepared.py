"""Prepared statements (kit/live/prepared.py) read and write what `Connection.execute` does, on each database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from kit.content.library import deck_by_revision_id
from kit.extensions import db
from kit.live import answers, moves, service
from kit.live.prepared import Prepared, PreparedIn
from kit.models import Answer
from tests.factories import make_group, make_session, make_user

ANSWERS = Answer.__table__
COLUMNS = ("session_id", "quiz_number", "participant_id", "choices", "entered_by", "answered_at")


def _open_room(app: Flask) -> tuple[int, int, list[int]]:
    with app.app_context():
        session = make_session(make_group(make_user(), nicknames=("Awa", "Bilal", "Chloé")))
        deck = deck_by_revision_id(session.revision_id)
        quiz = next(q for q in deck.quizzes if not q.multiple)
        service.open_question(session, deck, quiz.number)
        return session.id, quiz.number, [p.id for p in session.group.participants]


def test_a_prepared_insert_stores_exactly_what_execute_stores(app: Flask) -> None:
    session_id, number, (first, second, _third) = _open_room(app)
    moment = datetime(2026, 12, 5, 9, 30, 15, 123456, tzinfo=UTC)
    row = {"session_id": session_id, "quiz_number": number, "choices": [0, 2], "entered_by": "phone",
           "answered_at": moment}
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.insert(ANSWERS), [{**row, "participant_id": first}])
        Prepared(sa.insert(ANSWERS), COLUMNS).run_many(connection, [{**row, "participant_id": second}])
    with app.app_context():
        # The stored values themselves, as the driver gives them back (text on SQLite), not only once typed.
        raw = db.session.execute(sa.text("SELECT participant_id, choices, entered_by, answered_at FROM answer "
                                         "WHERE session_id = :s ORDER BY participant_id"), {"s": session_id}).all()
        typed = db.session.execute(sa.select(ANSWERS.c.choices, ANSWERS.c.answered_at)
                                   .where(ANSWERS.c.session_id == session_id)).all()
    assert len(raw) == 2 and tuple(raw[0])[1:] == tuple(raw[1])[1:], raw
    assert [tuple(r) for r in typed] == [([0, 2], typed[0][1])] * 2
    assert typed[0][1].replace(tzinfo=UTC) == moment


def test_a_prepared_select_reads_what_execute_reads(app: Flask) -> None:
    session_id, number, _participants = _open_room(app)
    parameters = {"session_id": session_id, "number": number}
    with app.app_context(), db.engine.connect() as connection:
        expected = [tuple(row) for row in connection.execute(answers._ANSWERABLE_ONE.statement, parameters)]
        got = answers._ANSWERABLE_ONE.rows(connection, parameters)
    assert got == expected
    assert isinstance(got[0][4], datetime)  # opened_at typed, not the text SQLite stores


def test_a_statement_with_expanding_parameters_is_refused(app: Flask) -> None:
    statement = sa.select(ANSWERS.c.id).where(ANSWERS.c.session_id.in_(sa.bindparam("ids", expanding=True)))
    with app.app_context(), db.engine.connect() as connection, pytest.raises(ValueError, match="développés"):
        Prepared(statement).rows(connection, {"ids": [1]})


def test_a_prepared_list_reads_what_an_expanding_parameter_reads(app: Flask) -> None:
    session_id, number, participants = _open_room(app)
    with app.app_context(), db.engine.connect() as connection:
        for participant_id in participants:
            connection.execute(sa.insert(ANSWERS), [{"session_id": session_id, "quiz_number": number,
                                                     "participant_id": participant_id, "choices": [0]}])
        expanding = sa.select(ANSWERS.c.participant_id, ANSWERS.c.choices).where(
            ANSWERS.c.participant_id.in_(sa.bindparam("ids", expanding=True))).order_by(ANSWERS.c.participant_id)
        listed = PreparedIn(lambda ids: sa.select(ANSWERS.c.participant_id, ANSWERS.c.choices).where(
            ANSWERS.c.participant_id.in_(ids)).order_by(ANSWERS.c.participant_id))
        for ids in (participants[:1], participants, participants[1:], participants[:1]):
            expected = [tuple(row) for row in connection.execute(expanding, {"ids": ids})]
            assert listed.rows(connection, ids) == expected and len(expected) == len(ids)
        assert sorted(listed._by_length) == [1, 2, 3]  # one statement per length, kept
        with pytest.raises(ValueError, match="vide"):
            listed.rows(connection, [])


def test_the_moves_read_their_sessions_as_execute_does(app: Flask) -> None:
    """The moves' prepared reads (kit/live/moves.py) give the columns in the order their rows are built from."""
    session_id, number, _participants = _open_room(app)
    with app.app_context(), db.engine.connect() as connection:
        [live] = moves._LOCK_SESSIONS.rows(connection, [session_id])
        [asked] = moves._ASKED.rows(connection, [session_id])
    assert moves.Live(*live).id == session_id and moves.Live(*live).current_quiz == number
    question = moves.Asked(*asked[1:])
    assert (asked[0], question.quiz_number, question.state) == (session_id, number, "open")
    assert isinstance(question.opened_at, datetime) and question.closed_at is None
