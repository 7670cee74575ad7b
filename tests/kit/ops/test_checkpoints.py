"""SQLite's WAL checkpoints leave the commits for a native thread in the serving process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import gevent
import pytest
import sqlalchemy as sa

from kit.ops import checkpoints
from kit.sqlite import set_up, sqlite_settings


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'kit.sqlite3'}")
    sa.event.listen(engine, "connect", set_up)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE answer (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    engine.dispose()
    sqlite_settings.autocheckpoint = 1000
    sqlite_settings.off_loop = False


def write(engine: sa.Engine, rows: int) -> None:
    for _ in range(rows):
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO answer (body) VALUES (:body)"), {"body": "x" * 3000})


def test_commits_no_longer_checkpoint_and_the_thread_does(engine: sa.Engine) -> None:
    checkpointer = checkpoints.start(engine, period=0.05)
    assert checkpointer is not None
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.text("PRAGMA wal_autocheckpoint")).scalar() == 0
        write(engine, 1500)  # past SQLite's 1,000 pages, where a commit would checkpoint by itself
        with engine.connect() as connection:
            _busy, frames, copied = connection.execute(sa.text("PRAGMA wal_checkpoint(NOOP)")).one()
        assert frames > 1000  # no commit checkpointed (each would have, past 1,000 pages)
        done = checkpointer.done
        gevent.sleep(0.3)
        assert checkpointer.done > done
        with engine.connect() as connection:
            _busy, frames, copied = connection.execute(sa.text("PRAGMA wal_checkpoint(NOOP)")).one()
        assert copied == frames  # everything written is in the database file
    finally:
        checkpointer.stop()


def test_other_processes_keep_sqlite_checkpoints(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA wal_autocheckpoint")).scalar() == 1000


def test_nothing_to_do_for_postgresql_or_a_period_of_zero(engine: sa.Engine) -> None:
    assert checkpoints.start(engine, period=0) is None
    assert checkpoints.start(sa.create_engine("postgresql+psycopg://localhost/test")) is None
    assert sqlite_settings.autocheckpoint == 1000
