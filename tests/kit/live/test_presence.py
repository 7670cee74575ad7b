"""Presence lives in the database: a dead process's phones stop counting, then are forgotten."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from kit.extensions import db
from kit.live import presence
from kit.models import Presence, Worker, utcnow

from .conftest import Live


def test_connections_of_a_dead_worker_do_not_count_and_are_forgotten(live: Live) -> None:
    live.phone("Awa")
    with live.app.app_context():
        assert len(presence.connected_participants(live.session_id)) == 1
        # The process that holds Awa's connection stops beating.
        db.session.execute(sa.update(Worker).values(seen_at=utcnow() - presence.ALIVE_FOR - timedelta(seconds=1)))
        db.session.commit()
        assert presence.connected_participants(live.session_id) == set()
        db.session.execute(sa.update(Worker).values(seen_at=utcnow() - presence.FORGET_AFTER - timedelta(seconds=1)))
        db.session.commit()
        presence._beat("another-worker")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Presence)) == 0
        assert db.session.scalars(sa.select(Worker.id)).all() == ["another-worker"]


def test_disconnect_removes_the_presence(live: Live) -> None:
    phone = live.phone("Bruno")
    phone.disconnect(namespace="/participant")
    with live.app.app_context():
        assert presence.connected_participants(live.session_id) == set()
