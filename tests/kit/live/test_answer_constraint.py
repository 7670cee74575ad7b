"""One answer per participant and question is the schema's rule, not only the app's.

Two OS processes write at the same moment, released together by a barrier: with plain INSERTs
the database refuses the second row; through the app's service both succeed and one row stays.
Runs on SQLite, and on PostgreSQL with KIT_TEST_DATABASE=postgresql.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier

import sqlalchemy as sa
from flask import Flask

from kit.content.library import deck_by_revision_id
from kit.extensions import db
from kit.live import answers, service
from kit.models import Answer, TrainingSession
from tests.factories import make_group, make_session, make_user

INSERT = ("INSERT INTO answer (session_id, quiz_number, participant_id, choices, entered_by, answered_at) "
          "VALUES (:session, :quiz, :participant, :choices, 'phone', CURRENT_TIMESTAMP)")


def _insert_raw(url: str, ids: dict[str, int], choices: str, barrier: Barrier, results: multiprocessing.Queue) -> None:
    """In its own process: one INSERT, started with the other process's, no check beforehand."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"timeout": 30}
                              if url.startswith("sqlite") else {})
    try:
        with engine.connect() as connection:
            barrier.wait(timeout=30)
            try:
                with connection.begin():
                    connection.execute(sa.text(INSERT), {**ids, "choices": choices})
                results.put("stored")
            except sa.exc.IntegrityError:
                results.put("refused")
    finally:
        engine.dispose()


def _submit(url: str, ids: dict[str, int], choice: int, barrier: Barrier, results: multiprocessing.Queue) -> None:
    """In its own process: the app's own path for a phone's answer."""
    from tests.conftest import make_app

    app = make_app(url)
    with app.app_context():
        session = db.session.get(TrainingSession, ids["session"])
        deck = deck_by_revision_id(session.revision_id)
        barrier.wait(timeout=30)
        stored = answers.submit_answer(ids["session"], deck, ids["participant"], ids["quiz"], [choice])
        results.put(stored)
        db.session.remove()  # give the connection back before closing them all
        db.engine.dispose()


def _open_question(app: Flask) -> dict[str, int]:
    with app.app_context():
        session = make_session(make_group(make_user()))
        deck = deck_by_revision_id(session.revision_id)
        quiz = next(q for q in deck.quizzes if not q.multiple)
        service.open_question(session, deck, quiz.number)
        return {"session": session.id, "quiz": quiz.number, "participant": session.group.participants[0].id}


def _race(target: object, url: str, ids: dict[str, int], values: tuple[object, object]) -> list[object]:
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no connection shared by fork
    barrier, results = context.Barrier(2), context.Queue()
    processes = [context.Process(target=target, args=(url, ids, value, barrier, results)) for value in values]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0, "a writing process failed"
    return sorted((results.get(timeout=5) for _ in processes), key=str)


def _rows(app: Flask, ids: dict[str, int]) -> list[list[int]]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Answer.choices).where(
            Answer.session_id == ids["session"], Answer.quiz_number == ids["quiz"],
            Answer.participant_id == ids["participant"])))


def test_the_schema_refuses_a_second_answer_written_at_the_same_time(app: Flask, database: str) -> None:
    ids = _open_question(app)
    outcomes = _race(_insert_raw, database, ids, ("0", "1"))
    assert outcomes == ["refused", "stored"]
    assert len(_rows(app, ids)) == 1


def test_two_processes_answering_at_once_leave_one_answer(app: Flask, database: str) -> None:
    ids = _open_question(app)
    outcomes = _race(_submit, database, ids, (0, 1))
    assert outcomes == [[0], [1]]  # both acknowledged: the later one replaces the earlier
    rows = _rows(app, ids)
    assert len(rows) == 1 and rows[0] in ([0], [1])
