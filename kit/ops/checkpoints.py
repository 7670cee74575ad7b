"""SQLite's WAL checkpoints, done by a native thread rather than inside a phone's commit.

In WAL mode with `synchronous=NORMAL`, a commit only appends to the WAL file: no `fsync`. The `fsync`s
happen at checkpoints, when the WAL is copied back into the database file, and by default SQLite runs a
checkpoint inside whichever commit takes the WAL past 1,000 pages. Under gevent that commit is a C call
that the loop cannot leave: on a shared disk one `fsync` took up to seconds, and every phone of the process
waited for it (docs/performance.md, "Arrêts de la boucle").

So the serving process turns the automatic checkpoint off on its own connections, and a greenlet asks
gevent's thread pool, every `PERIOD` seconds, for a PASSIVE checkpoint on a connection of its own: the
`fsync` waits in a native thread while the loop goes on. PASSIVE never waits for a lock, so it never makes
a commit wait either. Other processes (the CLI, a backup) keep SQLite's automatic checkpoint.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass

import gevent
import sqlalchemy as sa

from kit.sqlite import sqlite_settings

log = logging.getLogger("kit.sqlite")

PERIOD = 1.0  # seconds between checkpoints: the WAL stays small, and each checkpoint short
SLOW = 0.5  # seconds: a checkpoint this long is logged (the disk is slow; no phone waited for it)


@dataclass
class Checkpointer:
    """The running checkpoints of one database file."""

    path: str
    greenlet: gevent.Greenlet | None = None
    done: int = 0

    def stop(self) -> None:
        """Stop (at shutdown); SQLite checkpoints by itself when the last connection closes."""
        if self.greenlet is not None:
            self.greenlet.kill(block=False)


def start(engine: sa.Engine, period: float = PERIOD) -> Checkpointer | None:
    """Checkpoint `engine`'s SQLite file from a native thread every `period` seconds; None for another
    database, or with a period of 0 (SQLite's own checkpoints then)."""
    if period <= 0 or engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return None
    sqlite_settings.autocheckpoint = 0
    sqlite_settings.off_loop = True  # and the writes and commits wait in the thread pool (kit/sqlite.py)
    engine.dispose()  # connections opened earlier still checkpoint in their commits
    checkpointer = Checkpointer(engine.url.database)
    checkpointer.greenlet = gevent.spawn(_run, checkpointer, period)
    return checkpointer


def _run(checkpointer: Checkpointer, period: float) -> None:
    pool = gevent.get_hub().threadpool
    while True:
        gevent.sleep(period)
        # From now on the WAL may be copied in whole, and the commit that then starts it again syncs its
        # header: commits wait in a thread until one has (kit/sqlite.py).
        sqlite_settings.restart_pending = sqlite_settings.checkpoint_running = True
        try:
            busy, frames, copied, seconds = pool.apply(_checkpoint_in_thread, (checkpointer.path,))
        except sqlite3.Error as error:  # a locked or missing file: the next round tries again
            log.warning("point de reprise SQLite impossible : %s", error)
            continue
        if copied < frames:  # not all copied: the WAL goes on, no commit will start it again
            sqlite_settings.restart_pending = False
        checkpointer.done += 1
        if seconds >= SLOW:
            log.warning("point de reprise SQLite lent : %.0f ms (disque lent ; aucune connexion n'a attendu)",
                        1000 * seconds, extra={"checkpoint_ms": round(1000 * seconds, 1), "wal_frames": frames,
                                               "copied_frames": copied, "busy": busy})


def _checkpoint_in_thread(path: str) -> tuple[int, int, int, float]:
    """`checkpoint`, telling the commits the moment it ends: from then on, the next one may restart the WAL."""
    try:
        return checkpoint(path)
    finally:
        sqlite_settings.checkpoint_running = False


def checkpoint(path: str) -> tuple[int, int, int, float]:
    """One PASSIVE checkpoint (in a native thread): (busy, WAL frames, frames copied, seconds)."""
    started = time.perf_counter()
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        busy, frames, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        connection.close()
    return busy, frames, copied, time.perf_counter() - started
