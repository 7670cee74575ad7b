"""SQLite never holds the event loop in the serving process (kit/sqlite.py): commits wait in a thread, and a
statement waits for another connection's lock by a cooperative sleep.

A write that meets another connection's lock would sleep in SQLite's busy handler, a C call: on the loop, every
greenlet waits with it. Here another connection holds the write lock for half a second while a greenlet
writes and a second greenlet ticks every 10 ms: in the serving process's mode the ticks go on; in the default
mode (the CLI, the tests) they stop, which shows that the test can tell the two apart.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gevent
import pytest
import sqlalchemy as sa

import kit.sqlite
from kit.sqlite import OffLoopConnection, set_up, sqlite_settings, use_off_loop_connections


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'kit.sqlite3'}")
    sa.event.listen(engine, "do_connect", use_off_loop_connections)
    sa.event.listen(engine, "connect", set_up)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE answer (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    engine.dispose()
    sqlite_settings.off_loop = False
    sqlite_settings.restart_pending = sqlite_settings.checkpoint_running = False


def _write_while_locked(engine: sa.Engine, path: str) -> tuple[int, float]:
    """Ticks of another greenlet while a write waited for a lock held 0.5 s elsewhere; and how long it waited."""
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # the write lock, released by a native thread in 0.5 s
    threading.Timer(0.5, blocker.execute, ("COMMIT",)).start()
    ticks: list[float] = []

    def ticker() -> None:
        while len(ticks) < 200:
            ticks.append(time.monotonic())
            gevent.sleep(0.01)

    def write() -> tuple[float, float]:
        started = time.monotonic()
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO answer (body) VALUES ('x')"))
        return started, time.monotonic()

    beating = gevent.spawn(ticker)
    gevent.sleep(0.05)
    started, ended = gevent.spawn(write).get(timeout=10)
    beating.kill()
    blocker.close()
    return sum(started < tick < ended for tick in ticks), ended - started


def test_connections_are_off_loop_connections(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        assert isinstance(connection.connection.dbapi_connection, OffLoopConnection)


def test_a_write_waiting_for_a_lock_leaves_the_loop_free(engine: sa.Engine) -> None:
    sqlite_settings.off_loop = True
    engine.dispose()  # new connections, set up for the serving process (no wait inside SQLite)
    ticks, waited = _write_while_locked(engine, str(engine.url.database))
    assert waited >= 0.3  # it did wait for the lock…
    assert ticks >= 10  # …and the loop went on meanwhile


def test_on_the_loop_the_same_wait_holds_every_greenlet(engine: sa.Engine) -> None:
    ticks, waited = _write_while_locked(engine, str(engine.url.database))
    assert waited >= 0.3
    assert ticks == 0


def test_reads_stay_on_the_loop_and_see_the_writes(engine: sa.Engine) -> None:
    sqlite_settings.off_loop = True
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO answer (body) VALUES (:b)"), [{"b": "un"}, {"b": "deux"}])
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT body FROM answer ORDER BY id")).scalars().all() == ["un", "deux"]


def test_many_writers_at_once_neither_deadlock_nor_give_up(tmp_path: Path) -> None:
    """More writing transactions at once than the thread pool has threads: each waits for the write lock by a
    cooperative sleep, never inside SQLite in a thread, so the transaction holding the lock always finds a
    thread for its next statement and its commit (with SQLite's own busy wait in the threads, the 10 threads
    all waited for a lock whose holder needed one of them: « database is locked » after 5 s)."""
    sqlite_settings.off_loop = True  # before the connections are made: busy_timeout=0 on them
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'many.sqlite3'}", pool_size=40, max_overflow=0)
    sa.event.listen(engine, "do_connect", use_off_loop_connections)
    sa.event.listen(engine, "connect", set_up)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE answer (id INTEGER PRIMARY KEY, body TEXT)"))

        def transaction(n: int) -> None:
            with engine.begin() as connection:  # two writes, then the commit: three trips to the pool
                connection.execute(sa.text("INSERT INTO answer (body) VALUES (:b)"), {"b": f"{n}a"})
                connection.execute(sa.text("INSERT INTO answer (body) VALUES (:b)"), {"b": f"{n}b"})

        writers = [gevent.spawn(transaction, n) for n in range(30)]
        gevent.joinall(writers, timeout=30, raise_error=True)
        assert all(w.successful() for w in writers)
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT COUNT(*) FROM answer")).scalar() == 60
    finally:
        engine.dispose()
        sqlite_settings.off_loop = False


def test_only_the_commit_that_may_sync_goes_to_a_thread(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a checkpoint that may have copied the whole WAL, the next commit starts it again and syncs its header
    (strace: one fdatasync): that one waits in a thread. The others only append to the WAL: on the loop."""
    sqlite_settings.off_loop = True
    engine.dispose()
    pool = gevent.get_hub().threadpool
    in_threads: list[str] = []

    def apply(call: Any, args: Any = ()) -> Any:
        in_threads.append(call.__name__)
        return pool.apply(call, args)

    monkeypatch.setattr(kit.sqlite.gevent, "get_hub", lambda: SimpleNamespace(threadpool=SimpleNamespace(apply=apply)))

    def insert() -> None:
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO answer (body) VALUES ('x')"))

    def read() -> None:
        with engine.begin() as connection:
            connection.execute(sa.text("SELECT COUNT(*) FROM answer"))

    try:
        insert()
        assert in_threads == []
        sqlite_settings.restart_pending = sqlite_settings.checkpoint_running = True  # as the checkpointer sets them
        insert()  # while the checkpoint copies: this commit cannot be the one that starts the WAL again
        assert in_threads == ["commit"] and sqlite_settings.restart_pending
        sqlite_settings.checkpoint_running = False  # the checkpoint has ended
        read()  # a commit after reads only writes nothing: on the loop, and the flag stays for the next write
        assert in_threads == ["commit"] and sqlite_settings.restart_pending
        insert()
        assert in_threads == ["commit", "commit"] and not sqlite_settings.restart_pending
        insert()
        assert in_threads == ["commit", "commit"]
    finally:
        sqlite_settings.restart_pending = sqlite_settings.checkpoint_running = False
