"""How this process's SQLite connections are set up, and how their writes leave the event loop when it serves.

Each connection gets the pragmas of `set_up` (WAL, NORMAL sync, foreign keys, busy timeout). In the serving
process, writes and commits wait in gevent's thread pool:

A SQLite call is a C call that gevent cannot switch away from. Two of them can wait long on a shared disk,
and every phone of the process waited with them (docs/performance.md, "Arrêts de la boucle"):
- the first commit after a complete checkpoint `fsync`s the WAL header (`synchronous=NORMAL`);
- a write that meets another connection's write lock sleeps in `busy_timeout`.
So, once the serving process asks for it (`sqlite_settings.off_loop`, set by kit/ops/checkpoints.py), the
connections of its engine run their INSERT, UPDATE and DELETE statements and their commits in the hub's
thread pool: the greenlet waits, the loop goes on. Reads stay on the loop: in WAL mode a read never waits for a
lock nor syncs, and they are most of the statements. The live writes are few since they are grouped
(kit/live/group_commit.py), so the hop to a thread (some tens of microseconds) is paid once per batch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import gevent

Result = TypeVar("Result")
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@dataclass
class SqliteSettings:
    """What each new SQLite connection of this process is set to; changed by the serving process only."""

    # Pages of WAL after which a commit checkpoints by itself; 0 in a serving process, where a native
    # thread checkpoints instead (kit/ops/checkpoints.py).
    autocheckpoint: int = 1000
    # Writes and commits wait in gevent's thread pool (the serving process, under gevent).
    off_loop: bool = False


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
    cursor.close()


def _off_loop(call: Callable[..., Result], *args: Any) -> Result:
    if not sqlite_settings.off_loop:
        return call(*args)
    return gevent.get_hub().threadpool.apply(call, args)


def _writes(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_WRITES)


class OffLoopCursor(sqlite3.Cursor):
    """A cursor whose writing statements wait in a native thread (when the process asks for it)."""

    def execute(self, sql: str, parameters: Any = (), /) -> OffLoopCursor:
        if sqlite_settings.off_loop and _writes(sql):
            return _off_loop(super().execute, sql, parameters)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> OffLoopCursor:
        if sqlite_settings.off_loop and _writes(sql):
            return _off_loop(super().executemany, sql, seq_of_parameters)
        return super().executemany(sql, seq_of_parameters)


class OffLoopConnection(sqlite3.Connection):
    """A connection whose cursors are OffLoopCursors and whose commit waits in a native thread."""

    def cursor(self, factory: Any = OffLoopCursor) -> Any:
        return super().cursor(factory)

    def commit(self) -> None:
        _off_loop(super().commit)


def use_off_loop_connections(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
    """SQLAlchemy's `do_connect` hook: this engine's SQLite connections are OffLoopConnections, usable from
    the pool's threads (one greenlet at a time uses a connection; its calls may run in another thread)."""
    cparams["factory"] = OffLoopConnection
    cparams["check_same_thread"] = False
