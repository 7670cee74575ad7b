"""How this process's SQLite connections are set up, and how their writes leave the event loop when it serves.

Each connection gets the pragmas of `set_up` (WAL, NORMAL sync, foreign keys, busy timeout). In the serving
process, a commit that may sync the disk waits in gevent's thread pool and no statement waits for a lock
inside SQLite:

A SQLite call is a C call that gevent cannot switch away from. Two of them can wait long on a shared disk,
and every phone of the process waited with them (docs/performance.md, "Arrêts de la boucle"):
- the first commit after a complete checkpoint `fsync`s the WAL header (`synchronous=NORMAL`);
- a write that meets another connection's write lock sleeps in `busy_timeout`.
So, once the serving process asks for it (`sqlite_settings.off_loop`, set by kit/ops/checkpoints.py), the
commit that may sync runs in the hub's thread pool: the one after a checkpoint that may have copied the
whole WAL (`restart_pending`, set by the checkpointer). The greenlet waits, the loop goes on. Other commits
only append to the WAL and stay on the loop: the hop back from a thread costs a turn of a busy loop, during
which the next writer waits (every commit in the pool made 200 openings at once take 1.5 s instead of 0.5 s).
The statements stay on the loop, so that a transaction never yields while it holds the write lock.

Within the process, writing transactions take turns on a gevent lock, first come first served: a
transaction takes the turn at its first INSERT, UPDATE or DELETE and gives it back at its commit or
rollback, so the next one starts the moment the commit ends, with no polling. (Left to SQLite's busy
retries, 200 openings at once slept in back-offs and waited for each other: fan-out p99 1.4 s.) Nothing waits
for a lock inside SQLite (`busy_timeout=0`): a statement that still finds the lock taken (another process) is
tried again after a cooperative sleep, for BUSY_WAIT_SECONDS at most, as `busy_timeout` did. A thread never
sleeps in SQLite's busy handler: it would keep its place in the pool while the transaction holding the lock
needed one for its commit.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import gevent
import gevent.lock

Result = TypeVar("Result")
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
BUSY_WAIT_SECONDS = 5.0  # how long a statement waits for another connection's write lock (was busy_timeout)


@dataclass
class SqliteSettings:
    """What each new SQLite connection of this process is set to; changed by the serving process only."""

    # Pages of WAL after which a commit checkpoints by itself; 0 in a serving process, where a native
    # thread checkpoints instead (kit/ops/checkpoints.py).
    autocheckpoint: int = 1000
    # The serving process, under gevent: no wait for a lock inside SQLite, commits in the thread pool when
    # they may sync (kit/sqlite.py).
    off_loop: bool = False
    # A checkpoint may have copied the whole WAL: the next commit starts it again and syncs its header.
    restart_pending: bool = False
    # A checkpoint is copying the WAL right now: a commit meanwhile cannot be the one that starts it again.
    checkpoint_running: bool = False


sqlite_settings = SqliteSettings()


def set_up(connection: Any, _record: Any) -> None:
    """SQLAlchemy's `connect` hook: the pragmas of every new connection."""
    # WAL lets phones' answers be written while pages read; NORMAL sync is safe in WAL (a power cut may lose
    # the last commits, never corrupt the file): a commit syncs only when it starts the WAL again after a
    # checkpoint, and the checkpoints sync.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute(f"PRAGMA wal_autocheckpoint={int(sqlite_settings.autocheckpoint)}")
    # Once checkpointed, the WAL file is cut back to this size instead of keeping its largest.
    cursor.execute("PRAGMA journal_size_limit=67108864")
    if sqlite_settings.off_loop:  # the wait for a lock is a cooperative sleep (_run), never one inside SQLite
        cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


def _run(call: Callable[..., Result], args: tuple[Any, ...], in_thread: bool) -> Result:
    """Run a SQLite call, in the hub's thread pool if asked; while another connection holds the write lock,
    sleep cooperatively and try again (the serving process only: elsewhere, SQLite's own busy_timeout)."""
    if not sqlite_settings.off_loop:
        return call(*args)
    # Every statement passes here: the thread pool and the clock are looked up only when they are needed.
    deadline: float | None = None
    pause = 0.001
    while True:
        try:
            return gevent.get_hub().threadpool.apply(call, args) if in_thread else call(*args)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
            if deadline is None:
                deadline = time.monotonic() + BUSY_WAIT_SECONDS
            elif time.monotonic() > deadline:
                raise
        gevent.sleep(pause)
        pause = min(2 * pause, 0.02)


_turn: gevent.lock.Semaphore | None = None


def _write_turn() -> gevent.lock.Semaphore:
    """The process's one turn to write (made in the hub's thread, at first use)."""
    global _turn
    if _turn is None:
        _turn = gevent.lock.Semaphore(1)
    return _turn


def _writes(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_WRITES)


class OffLoopCursor(sqlite3.Cursor):
    """A cursor whose writing statements take the process's turn to write first (serving process)."""

    def execute(self, sql: str, parameters: Any = (), /) -> OffLoopCursor:
        if sqlite_settings.off_loop and _writes(sql):
            cast("OffLoopConnection", self.connection).take_turn()
        return _run(super().execute, (sql, parameters), False)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> OffLoopCursor:
        if sqlite_settings.off_loop and _writes(sql):
            cast("OffLoopConnection", self.connection).take_turn()
        return _run(super().executemany, (sql, seq_of_parameters), False)


class OffLoopConnection(sqlite3.Connection):
    """A connection whose cursors are OffLoopCursors and whose commit waits in a native thread."""

    holds_turn = False

    def cursor(self, factory: Any = OffLoopCursor) -> Any:
        return super().cursor(factory)

    def take_turn(self) -> None:
        """Wait for the process's turn to write, unless this connection's transaction has it already."""
        if self.holds_turn:
            return
        if not _write_turn().acquire(timeout=BUSY_WAIT_SECONDS):
            raise sqlite3.OperationalError("database is locked")
        self.holds_turn = True

    def give_back_turn(self) -> None:
        if self.holds_turn:
            self.holds_turn = False
            _write_turn().release()

    def commit(self) -> None:
        # Only a commit that may sync goes to a thread: the hop back costs a turn of the loop, and the next
        # writer waits for it; in WAL mode with NORMAL sync, the others only append to the WAL.
        # A commit with no write transaction open (after reads only) writes nothing: it stays here and leaves
        # the flag for the commit that will write (clearing it let that one sync on the loop: 113 ms, measured).
        in_thread = sqlite_settings.restart_pending and self.in_transaction
        during_checkpoint = sqlite_settings.checkpoint_running
        if in_thread:
            # The turn is given back first: waiting for the hop back would hold every writer for a whole turn
            # of the loop. A writer that comes meanwhile finds SQLite's lock taken and retries (_run).
            self.give_back_turn()
        try:
            _run(super().commit, (), in_thread)
            if in_thread and not during_checkpoint:
                sqlite_settings.restart_pending = False
        finally:
            self.give_back_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.give_back_turn()

    def close(self) -> None:
        self.give_back_turn()
        super().close()


def use_off_loop_connections(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
    """SQLAlchemy's `do_connect` hook: this engine's SQLite connections are OffLoopConnections, usable from
    the pool's threads (one greenlet at a time uses a connection; its calls may run in another thread)."""
    cparams["factory"] = OffLoopConnection
    cparams["check_same_thread"] = False
