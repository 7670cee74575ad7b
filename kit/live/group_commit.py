"""Group commit: the live writes that arrive together share one transaction, and each waits for its commit.

Under gevent one process serves every phone. When 1,600 phones answer within a second, a transaction and
a commit per answer cost more CPU than the answers themselves, and the answers queue behind each other
(docs/performance.md, "Rafales"). So each handler hands its write (an answer, a phone's connection or its
departure) to the process's writer greenlet and waits; the writer takes everything that has queued up
meanwhile, writes it in one transaction, commits once, then wakes each handler with its own outcome.
Nobody is acknowledged before the commit that holds their write: no acknowledged answer can be lost.
A quiet room pays nothing: a lone write is taken at the next turn of the loop.

An answer that finds no transaction open does not wait for the writer: its own greenlet commits it at once,
with the answers already waiting. The hops to the writer and back each waited behind the whole queue of a
loop busy with a fan-out, and were the tail of the burst's acknowledgements; a transaction of one answer
costs 0.04 ms since the answers' statements run on the DBAPI cursor (kit/live/prepared.py). On SQLite a
commit does not yield, so answers are grouped only while a transaction is open: on PostgreSQL, or behind
the writer's own.

Answers go first, and the other writes go MAX_IN_TURN at a time. Each of those is followed by heavy work on
the loop (a move sends the new state to a whole room, a connection refreshes the roster), while an answer is
followed by its acknowledgement only. When 200 rooms open a question in the same second, their phones answer
while the other rooms still wait for the question: taken 64 at a time, first come first served, those answers
were acknowledged once every room had it (median 130 to 200 ms); answers first and a few moves per step, within
a step (docs/performance.md, « Les réponses d'abord »). Eight moves per step, not 16: an answer sent during the
fan-out waits for one step's fan-out at most (burst ack p99 25 ms instead of 37 to 78); four made 200 openings
at once slower (docs/performance.md, « Huit déplacements par pas »). An answer that arrives while the closing of its
question still waits for its transaction counts: its phone had not seen the closing either.

On SQLite the batch's statements and its commit run on the loop (they only append to the WAL); a commit
that may sync the disk waits in gevent's thread pool (kit/sqlite.py). On PostgreSQL every wait goes
through gevent (psycopg, docs/performance.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import gevent
import sqlalchemy as sa
from flask import Flask
from gevent.event import AsyncResult, Event
from gevent.lock import Semaphore

from kit.live.errors import LiveError

log = logging.getLogger("kit.live")

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")
# Writes a batch of one kind in the caller's transaction: one outcome (or French refusal) per item.
BatchWriter = Callable[[sa.Connection, Sequence[Any]], Sequence[Any]]

WAIT_SECONDS = 30.0  # a handler gives up on its write after this (a database that hangs): a French error
# Writes per transaction at most: a burst is committed in steps, the first ones sooner, and the loop turns
# between two steps. One executemany of a few hundred answers held the loop for 60 ms (benchmark, 05/12).
MAX_BATCH = 64
MAX_IN_TURN = 8  # writes other than answers per transaction at most; answers fill the rest of MAX_BATCH
# The writer keeps its connection while writes keep coming, and gives it back after this long without any:
# a checkout and its reset per transaction were a quarter of a lone answer's transaction (measured).
KEEP_CONNECTION_SECONDS = 1.0
EXTENSION = "kit_group_commit"


def unsaved() -> LiveError:
    """The French refusal of a write that no transaction stored in time."""
    return LiveError("Le serveur n'a pas pu enregistrer à temps. Réessayez.", "serveur")


class GroupCommit:
    """One writer greenlet for a process; `write` may be called from any greenlet of that process."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.first: list[tuple[BatchWriter, Any, AsyncResult]] = []  # answers
        self.in_turn: list[tuple[BatchWriter, Any, AsyncResult]] = []  # every other write, in order of arrival
        self.wake = Event()
        self.greenlet: gevent.Greenlet | None = None
        # One transaction at a time on the writer's connection: the writer's, or an answer's own (`write`).
        self.turn = Semaphore(1)
        self.connection: sa.Connection | None = None  # held while writes keep coming (KEEP_CONNECTION_SECONDS)
        self.used_at = 0.0
        self.batches = 0  # transactions committed (the tests check that writes were grouped)

    def write(self, write_batch: Callable[[sa.Connection, Sequence[Item]], Sequence[Outcome | LiveError]],
              item: Item, *, first: bool = False) -> Outcome:
        """Store `item` with whatever else is pending; its outcome once committed, or its LiveError.

        `first`: a write followed by nothing heavier than its acknowledgement (an answer), which goes before
        the other writes already waiting. When no transaction is open, it is committed at once in the caller's
        greenlet, with the answers already waiting: no hop to the writer and back, each of which waits behind
        the whole queue of a busy loop (docs/performance.md, « Une réponse sans détour »).
        """
        result: AsyncResult = AsyncResult()
        if first and self.turn.acquire(blocking=False):
            try:
                waiting, self.first = self.first[:MAX_BATCH - 1], self.first[MAX_BATCH - 1:]
                self._commit([(write_batch, item, result), *waiting])
            finally:
                self.turn.release()
        else:
            (self.first if first else self.in_turn).append((write_batch, item, result))
            self.wake.set()
            if self.greenlet is None or self.greenlet.dead:  # first use, or killed with its process's hub
                self.greenlet = gevent.spawn(self._run)
        try:
            outcome = result.get(timeout=WAIT_SECONDS)
        except gevent.Timeout:
            raise unsaved() from None
        if isinstance(outcome, LiveError):
            raise outcome
        return outcome

    def writes_waiting(self) -> bool:
        """Moves, connections or departures wait for their transaction (answers aside): their fan-out is to come."""
        return bool(self.in_turn)

    def _run(self) -> None:
        while True:
            if not self.wake.wait(timeout=KEEP_CONNECTION_SECONDS):
                self._release_if_idle()
                if self.connection is None:
                    self.wake.wait()
                continue
            self.wake.clear()
            while self.first or self.in_turn:
                with self.turn:
                    batch = self._next_batch()
                    if batch:  # answers committed meanwhile by their own greenlets leave nothing to do
                        self._commit(batch)
                if self.first or self.in_turn:
                    gevent.sleep(0)  # the events that came meanwhile (acknowledgements, fan-out) run first

    def _next_batch(self) -> list[tuple[BatchWriter, Any, AsyncResult]]:
        """The answers first, then MAX_IN_TURN other writes at most: a stream of answers cannot starve them."""
        in_turn, self.in_turn = self.in_turn[:MAX_IN_TURN], self.in_turn[MAX_IN_TURN:]
        room = MAX_BATCH - len(in_turn)
        first, self.first = self.first[:room], self.first[room:]
        return first + in_turn

    def _commit(self, batch: list[tuple[BatchWriter, Any, AsyncResult]]) -> None:
        try:
            outcomes = self._transaction(batch)
        except Exception as error:  # the database refused the whole transaction: nobody's write is stored
            log.exception("écriture groupée de %d opérations impossible", len(batch))
            for _writer, _item, result in batch:
                result.set_exception(error)
            return
        except BaseException:  # the greenlet committing is killed (its process stops): the others hear it now,
            # not after WAIT_SECONDS, and nothing of the batch is stored (the transaction was rolled back)
            for _writer, _item, result in batch:
                result.set(unsaved())
            raise
        self.batches += 1
        for (_writer, _item, result), outcome in zip(batch, outcomes, strict=True):
            result.set(outcome)

    def _transaction(self, batch: list[tuple[BatchWriter, Any, AsyncResult]]) -> list[Any]:
        """Every write of the batch, kind by kind in order of arrival, then one commit."""
        kinds: dict[BatchWriter, list[int]] = {}
        for index, (write_batch, _item, _result) in enumerate(batch):
            kinds.setdefault(write_batch, []).append(index)
        outcomes: list[Any] = [None] * len(batch)
        self.used_at = time.monotonic()
        if self.connection is None:
            self.connection = self.engine.connect()
        connection = self.connection
        try:
            with connection.begin():
                for write_batch, indexes in kinds.items():
                    for index, outcome in zip(indexes, write_batch(connection, [batch[i][1] for i in indexes]),
                                              strict=True):
                        outcomes[index] = outcome
        except BaseException:
            self.close()  # a connection that failed (a database restarted, say) is not used again
            raise
        return outcomes

    def _release_if_idle(self) -> None:
        """Give the connection back if no transaction used it for KEEP_CONNECTION_SECONDS and none is open."""
        if time.monotonic() - self.used_at < KEEP_CONNECTION_SECONDS or not self.turn.acquire(blocking=False):
            return
        try:
            self.close()
        finally:
            self.turn.release()

    def close(self) -> None:
        """Give the writer's connection back to its pool (when idle, after a failure, before its engine is
        disposed); the next transaction takes one again."""
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:
                log.exception("connexion du rédacteur mal fermée")


def for_app(app: Flask, async_mode: str | None) -> GroupCommit | None:
    """The app's writer in this process, under gevent only (where handlers are greenlets that can wait)."""
    if async_mode != "gevent":
        return None
    writer: GroupCommit | None = app.extensions.get(EXTENSION)
    if writer is None:
        writer = app.extensions[EXTENSION] = _new_writer(app)
    return writer


def _new_writer(app: Flask) -> GroupCommit:
    """A writer on a connection of its own. From the app's pool it could deadlock: the handlers that wait for
    it hold their own connections, and with enough of them waiting the pool would have none left for it."""
    from kit.extensions import db, own_connection_engine

    with app.app_context():
        return GroupCommit(own_connection_engine(db.engine))
