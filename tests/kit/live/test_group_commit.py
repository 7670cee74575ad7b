"""Group commit of answers (kit/live/group_commit.py): the answers that arrive together share one
transaction, each one is refused or stored on its own, and nobody is acknowledged before the commit.

The writer runs here in greenlets of the test's own thread, as it does in the gevent server (where the
real-server tests exercise it too: tests/kit/ops/test_hub_stalls.py, the browser tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import gevent
import pytest
import sqlalchemy as sa
from flask import Flask

from kit.content.library import deck_by_revision_id
from kit.extensions import db, own_connection_engine
from kit.live import answers, group_commit, moves, presence, service
from kit.live.errors import LiveError
from kit.live.group_commit import GroupCommit
from kit.models import Answer, Attendance, SessionQuestion, TrainingSession, utcnow
from tests.factories import make_group, make_session, make_user

NAMES = tuple(f"Prénom{n}" for n in range(12))


def _room(app: Flask) -> dict[str, Any]:
    """A live session of 12 participants with its first single-choice question open."""
    with app.app_context():
        session = make_session(make_group(make_user(), nicknames=NAMES))
        deck = deck_by_revision_id(session.revision_id)
        quiz = next(q for q in deck.quizzes if not q.multiple)
        service.open_question(session, deck, quiz.number)
        return {"session": session.id, "deck": deck, "quiz": quiz.number,
                "participants": [p.id for p in session.group.participants]}


def _write_at_once(writer: GroupCommit, items: list[Any], write_batch: Any = answers.write_batch) -> list[Any]:
    """Every write from its own greenlet, all queued before the writer runs; each outcome or refusal code."""
    def one(item: Any) -> Any:
        try:
            return writer.write(write_batch, item, first=write_batch is answers.write_batch)  # as the handlers do
        except LiveError as refusal:
            return refusal.code
    with _transaction_open(writer):
        greenlets = [gevent.spawn(one, item) for item in items]
        gevent.sleep(0)  # every write waits for the transaction open
    gevent.joinall(greenlets, timeout=30, raise_error=True)
    return [g.value for g in greenlets]


@contextmanager
def _transaction_open(writer: GroupCommit) -> Iterator[None]:
    """As if a transaction were open on the writer's connection: an answer cannot go at once, it waits."""
    writer.turn.acquire()
    try:
        yield
    finally:
        writer.turn.release()


def _stored(app: Flask, session_id: int) -> dict[int, list[int]]:
    with app.app_context():
        return {pid: choices for pid, choices in db.session.execute(
            sa.select(Answer.participant_id, Answer.choices).where(Answer.session_id == session_id))}


Writers = Callable[[sa.Engine], GroupCommit]


@pytest.fixture
def writers(app: Flask) -> Iterator[Writers]:
    """Makes writers that give their connection back after the test, before its database is dropped."""
    made: list[GroupCommit] = []

    def make(engine: sa.Engine) -> GroupCommit:
        made.append(GroupCommit(engine))
        return made[-1]

    yield make
    for writer in made:
        writer.close()


def test_answers_that_arrive_together_share_one_commit(app: Flask, writers: Writers) -> None:
    room = _room(app)
    with app.app_context():
        writer = writers(db.engine)
        outcomes = _write_at_once(writer, [
            answers.Submitted(room["session"], room["deck"], pid, room["quiz"], [index % 2])
            for index, pid in enumerate(room["participants"])])
    assert outcomes == [[index % 2] for index in range(12)]
    assert writer.batches == 1  # twelve answers, one transaction
    assert _stored(app, room["session"]) == {pid: [i % 2] for i, pid in enumerate(room["participants"])}


def test_an_answer_that_finds_no_transaction_open_is_committed_at_once_in_its_own_greenlet(
        app: Flask, writers: Writers) -> None:
    """No hop to the writer and back: in a busy loop each one waits behind the whole queue."""
    room = _room(app)
    first, second = room["participants"][:2]
    with app.app_context():
        writer = writers(db.engine)
        stored = writer.write(answers.write_batch,
                              answers.Submitted(room["session"], room["deck"], first, room["quiz"], [1]), first=True)
        assert (stored, writer.batches, writer.greenlet) == ([1], 1, None)  # committed, and no writer greenlet
        # While a transaction is open, an answer waits and goes with the writer's next batch.
        with _transaction_open(writer):
            waiting = gevent.spawn(writer.write, answers.write_batch,
                                   answers.Submitted(room["session"], room["deck"], second, room["quiz"], [0]),
                                   first=True)
            gevent.sleep(0.05)
            assert not waiting.ready()  # a transaction is open: the answer waits for it
        assert waiting.get(timeout=10) == [0]
    assert _stored(app, room["session"]) == {first: [1], second: [0]}


def test_a_refused_answer_does_not_refuse_the_others_of_its_batch(app: Flask, writers: Writers) -> None:
    room = _room(app)
    first, second, third = room["participants"][:3]
    with app.app_context():
        writer = writers(db.engine)
        outcomes = _write_at_once(writer, [
            answers.Submitted(room["session"], room["deck"], first, room["quiz"], [0]),
            answers.Submitted(room["session"], room["deck"], second, room["quiz"] + 1, [0]),  # not opened
            answers.Submitted(room["session"], room["deck"], third, room["quiz"], [0, 1]),  # two on a single
            answers.Submitted(room["session"] + 1000, room["deck"], third, room["quiz"], [0]),  # no such session
            answers.Submitted(room["session"], room["deck"], third, 999, [0]),  # no such question
        ])
    assert outcomes == [[0], "pas_ouverte", "choix_invalide", "pas_en_cours", "question_inconnue"]
    assert writer.batches == 1
    assert _stored(app, room["session"]) == {first: [0]}


def test_a_later_answer_of_the_same_phone_in_a_batch_wins(app: Flask, writers: Writers) -> None:
    room = _room(app)
    pid = room["participants"][0]
    with app.app_context():
        writer = writers(db.engine)
        outcomes = _write_at_once(writer, [answers.Submitted(room["session"], room["deck"], pid, room["quiz"], [c])
                                           for c in (0, 1, 2)])
    assert outcomes == [[0], [1], [2]]
    assert _stored(app, room["session"]) == {pid: [2]}


def test_a_failed_transaction_fails_every_answer_in_it_and_the_writer_goes_on(
        app: Flask, writers: Writers) -> None:
    room = _room(app)
    first, second = room["participants"][:2]
    calls = []

    def failing_once(connection: sa.Connection, batch: Any) -> Any:
        calls.append(len(batch))
        if len(calls) == 1:
            answers.write_batch(connection, batch)  # written, then the transaction fails: nothing may stay
            raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))
        return answers.write_batch(connection, batch)

    with app.app_context():
        writer = writers(db.engine)
        greenlets = [gevent.spawn(writer.write, failing_once,
                                  answers.Submitted(room["session"], room["deck"], pid, room["quiz"], [0]))
                     for pid in (first, second)]
        gevent.joinall(greenlets, timeout=30)
        assert all(isinstance(g.exception, sa.exc.OperationalError) for g in greenlets)  # nobody acknowledged
        assert _stored(app, room["session"]) == {}  # and nothing stored
        again = answers.Submitted(room["session"], room["deck"], first, room["quiz"], [1])
        assert writer.write(failing_once, again) == [1]
    assert calls == [2, 1]
    assert _stored(app, room["session"]) == {first: [1]}


def test_the_writer_keeps_its_connection_while_writes_come_and_gives_it_back_when_idle(
        app: Flask, writers: Writers, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout and its reset per transaction were a quarter of a lone answer's cost."""
    monkeypatch.setattr(group_commit, "KEEP_CONNECTION_SECONDS", 0.3)
    room = _room(app)
    checkouts: list[object] = []
    with app.app_context():
        sa.event.listen(db.engine, "checkout", lambda *_args: checkouts.append(1))
        writer = writers(db.engine)
        for choice in (0, 1, 0):  # one after the other: three transactions
            answer = answers.Submitted(room["session"], room["deck"], room["participants"][0], room["quiz"], [choice])
            assert writer.write(answers.write_batch, answer) == [choice]
        assert writer.batches == 3 and len(checkouts) == 1 and writer.connection is not None
        gevent.sleep(0.6)
        assert writer.connection is None  # given back once idle
        assert writer.write(answers.write_batch, answer) == [0]
        assert len(checkouts) == 2


class Killed(BaseException):
    """What a greenlet killed while it commits (its process stops) sees: not an Exception."""


def test_when_the_greenlet_committing_is_killed_the_others_of_its_batch_hear_it_at_once(
        app: Flask, writers: Writers) -> None:
    room = _room(app)
    first, second, third = room["participants"][:3]
    calls: list[int] = []

    def killed_once(connection: sa.Connection, batch: Any) -> Any:
        calls.append(len(batch))
        if len(calls) == 1:
            answers.write_batch(connection, batch)
            raise Killed
        return answers.write_batch(connection, batch)

    with app.app_context():
        writer = writers(db.engine)
        started = time.monotonic()
        outcomes = _write_at_once(writer, [
            answers.Submitted(room["session"], room["deck"], pid, room["quiz"], [0]) for pid in (first, second)],
            write_batch=killed_once)
        assert outcomes == ["serveur", "serveur"]
        assert time.monotonic() - started < group_commit.WAIT_SECONDS / 3  # at once, not after WAIT_SECONDS
        assert writer.greenlet is not None and writer.greenlet.dead
        again = answers.Submitted(room["session"], room["deck"], third, room["quiz"], [1])
        with _transaction_open(writer):  # through a new writer greenlet
            waiting = gevent.spawn(writer.write, killed_once, again)
            gevent.sleep(0)
        assert waiting.get(timeout=10) == [1]
    assert calls == [2, 1]
    assert _stored(app, room["session"]) == {third: [1]}  # nothing of the killed batch


def test_phones_joining_and_leaving_together_are_recorded_in_one_transaction(app: Flask, writers: Writers) -> None:
    room = _room(app)
    sids = [f"sid{n}" for n in range(6)]
    with app.app_context():
        writer = writers(db.engine)
        joins = [gevent.spawn(writer.write, presence.join_batch,
                              presence.Joined(sid, presence.worker_id(), room["session"], pid, None,
                                              utcnow() - timedelta(seconds=30)))
                 for sid, pid in zip(sids, room["participants"], strict=False)]
        gevent.joinall(joins, timeout=30, raise_error=True)
        assert writer.batches == 1
        assert presence.connected_participants(room["session"]) == set(room["participants"][:6])
        leaves = [gevent.spawn(writer.write, presence.leave_batch, sid) for sid in [*sids, "inconnu"]]
        gevent.joinall(leaves, timeout=30, raise_error=True)
        assert writer.batches == 2
        assert [g.value for g in leaves] == [(room["session"], pid) for pid in room["participants"][:6]] + [None]
        assert presence.connected_participants(room["session"]) == set()
        present = dict(db.session.execute(sa.select(Attendance.participant_id, Attendance.seconds_present)
                                          .where(Attendance.session_id == room["session"])).all())
    assert set(present) == set(room["participants"][:6])
    assert all(29 <= seconds <= 60 for seconds in present.values()), present


def test_the_writer_has_its_own_connection_when_waiting_handlers_hold_the_pool(
        app: Flask, writers: Writers, database: str) -> None:
    """Handlers that wait for the writer still hold their own connections: with the app's pool exhausted by
    them, a writer drawing from that pool would wait for ever (seen in the bench: 1,600 phones joining)."""
    room = _room(app)
    pid = room["participants"][0]
    with app.app_context():
        pool = sa.create_engine(db.engine.url, pool_size=1, max_overflow=0, pool_timeout=2)
        writer = writers(own_connection_engine(pool))

        def handler() -> list[int]:
            with pool.connect() as held:  # the handler's own connection, the pool's only one
                held.execute(sa.text("SELECT 1"))
                return writer.write(answers.write_batch,
                                    answers.Submitted(room["session"], room["deck"], pid, room["quiz"], [1]))

        assert gevent.spawn(handler).get(timeout=20) == [1]
        writer.close()
        writer.engine.dispose()
        pool.dispose()
    assert _stored(app, room["session"]) == {pid: [1]}


def _move_at_once(writer: GroupCommit, batch: list[moves.Drive]) -> list[Any]:
    """Every move from its own greenlet, all queued before the writer runs; each result or refusal code."""
    return _write_at_once(writer, batch, moves.write_drives)


def test_moves_of_many_rooms_share_one_commit_each_with_its_own_result(app: Flask, writers: Writers) -> None:
    """200 rooms opening a question in the same second: a few commits, not 200."""
    with app.app_context():
        rooms = []
        for index in range(6):
            animator = make_user(f"anim{index}@test.fr")
            session = make_session(make_group(animator, nicknames=("Awa",)))
            rooms.append((session.id, session.version, moves.Driver(animator.id, animator.session_token)))
        deck = deck_by_revision_id(session.revision_id)
        first, second = deck.quizzes[0].number, deck.quizzes[1].number
        writer = writers(db.engine)
        batch = [moves.Drive(session_id, deck, "open", first, driver) for session_id, _v, driver in rooms]
        # The first room moves twice in the batch: its moves apply in order of arrival.
        batch.append(moves.Drive(rooms[0][0], deck, "open", second, rooms[0][2]))
        outcomes = _move_at_once(writer, batch)
        assert writer.batches == 1
        for (session_id, version, _driver), driven in zip(rooms, outcomes, strict=False):
            assert driven.session.id == session_id and driven.session.version == version + 1
            assert driven.session.current_quiz == first and driven.question.state == "open"
        again = outcomes[-1]
        assert (again.session.version, again.session.current_quiz, again.question.quiz_number) == (
            rooms[0][1] + 2, second, second)
        stored = dict(db.session.execute(sa.select(SessionQuestion.quiz_number, SessionQuestion.state)
                                         .where(SessionQuestion.session_id == rooms[0][0])).all())
        assert stored == {first: "closed", second: "open"}  # opening the second closed the first
        db.session.expire_all()  # written by the writer's own connection
        live = db.session.get(TrainingSession, rooms[0][0])
        assert (live.current_quiz, live.version) == (second, rooms[0][1] + 2)
        assert [db.session.get(TrainingSession, r[0]).current_quiz for r in rooms[1:]] == [first] * 5


def test_a_refused_move_refuses_only_itself_and_rights_are_checked_in_the_transaction(
        app: Flask, writers: Writers) -> None:
    with app.app_context():
        animator, other = make_user("anim@test.fr"), make_user("autre@test.fr")
        session = make_session(make_group(animator, nicknames=("Awa",)))
        ended = make_session(make_group(animator, nicknames=("Bruno",)))
        service.end(ended)
        deck = deck_by_revision_id(session.revision_id)
        number, version = deck.quizzes[0].number, session.version
        own = moves.Driver(animator.id, animator.session_token)
        writer = writers(db.engine)
        outcomes = _move_at_once(writer, [
            moves.Drive(session.id, deck, "open", number, moves.Driver(other.id, other.session_token)),
            moves.Drive(session.id, deck, "open", number, moves.Driver(animator.id, "signed-out")),
            moves.Drive(session.id, deck, "close", number + 1, own),  # never opened
            moves.Drive(session.id, deck, "open", 999, own),  # no such question
            moves.Drive(session.id, deck, "goto", 999, own),  # no such slide
            moves.Drive(ended.id, deck, "open", number, own),
            moves.Drive(session.id + 1000, deck, "open", number, own),  # no such session
            moves.Drive(session.id, deck, "open", number, own),
        ])
        assert outcomes[:-1] == ["interdit", "interdit", "pas_ouverte", "question_inconnue", "diapo_inconnue",
                                 "pas_en_cours", "interdit"]
        assert outcomes[-1].session.version == version + 1 and outcomes[-1].question.state == "open"
        assert writer.batches == 1
        db.session.expire_all()
        live = db.session.get(TrainingSession, session.id)
        assert (live.version, live.current_quiz) == (version + 1, number)


@pytest.mark.parametrize(("first", "step"), [(True, group_commit.MAX_BATCH), (False, group_commit.MAX_IN_TURN)])
def test_a_burst_is_written_in_bounded_steps_and_the_loop_turns_between_them(
        app: Flask, writers: Writers, first: bool, step: int) -> None:
    """One executemany of hundreds of answers is a C call that holds the loop: the steps are bounded (answers
    MAX_BATCH at a time, the writes followed by a fan-out MAX_IN_TURN at a time)."""
    steps: list[tuple[int, int]] = []  # (writes in the step, ticks of another greenlet before it)
    ticks: list[int] = []

    def write_batch(_connection: sa.Connection, items: list[int]) -> list[int]:
        steps.append((len(items), len(ticks)))
        return items

    def tick() -> None:
        while True:
            ticks.append(1)
            gevent.sleep(0)

    ticker = gevent.spawn(tick)
    with app.app_context():
        writer = writers(db.engine)
        with _transaction_open(writer):
            greenlets = [gevent.spawn(writer.write, write_batch, n, first=first) for n in range(2 * step + 2)]
            gevent.sleep(0)
        gevent.joinall(greenlets, timeout=30, raise_error=True)
    ticker.kill()
    assert [g.value for g in greenlets] == list(range(2 * step + 2))
    assert [size for size, _ticks in steps] == [step, step, 2]
    assert steps[0][1] < steps[1][1] < steps[2][1]  # the other greenlet ran between two steps
    assert writer.batches == 3


def test_answers_go_before_the_writes_already_waiting_and_cannot_starve_them(app: Flask, writers: Writers) -> None:
    """40 moves wait, then 100 answers come: each transaction takes the answers first, and 8 moves."""
    assert (group_commit.MAX_BATCH, group_commit.MAX_IN_TURN) == (64, 8)
    written: list[tuple[int, str, list[int]]] = []  # (transaction, kind, items) in the order written

    def moves_like(_connection: sa.Connection, items: list[int]) -> list[int]:
        written.append((writer.batches, "move", list(items)))
        return items

    def answers_like(_connection: sa.Connection, items: list[int]) -> list[int]:
        written.append((writer.batches, "answer", list(items)))
        return items

    with app.app_context():
        writer = writers(db.engine)
        with _transaction_open(writer):
            greenlets = [gevent.spawn(writer.write, moves_like, n) for n in range(40)]
            greenlets += [gevent.spawn(writer.write, answers_like, n, first=True) for n in range(100)]
            gevent.sleep(0)
        gevent.joinall(greenlets, timeout=30, raise_error=True)
    assert [g.value for g in greenlets] == [*range(40), *range(100)]
    assert [(transaction, kind, len(items)) for transaction, kind, items in written] == [
        (0, "answer", 56), (0, "move", 8), (1, "answer", 44), (1, "move", 8), (2, "move", 8), (3, "move", 8),
        (4, "move", 8)]
    assert [n for _t, kind, items in written if kind == "move" for n in items] == list(range(40))  # in order
    assert writer.batches == 5


def test_the_writer_tells_when_moves_still_wait_for_their_transaction(app: Flask, writers: Writers) -> None:
    """The animators' states after moves wait for it (kit/live/fanout.py): the phones' fan-out goes first."""
    room = _room(app)
    with app.app_context():
        deck = room["deck"]
        writer = writers(db.engine)
        assert not writer.writes_waiting()
        with _transaction_open(writer):
            answer = gevent.spawn(writer.write, answers.write_batch,
                                  answers.Submitted(room["session"], deck, room["participants"][0], room["quiz"], [0]),
                                  first=True)
            gevent.sleep(0)
            assert not writer.writes_waiting()  # an answer is followed by its acknowledgement only
            move = gevent.spawn(writer.write, moves.write_drives,
                                moves.Drive(room["session"], deck, "goto", 1))
            gevent.sleep(0)
            assert writer.writes_waiting()
        gevent.joinall([answer, move], timeout=30, raise_error=True)
        assert not writer.writes_waiting()
