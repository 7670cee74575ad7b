"""Who is connected right now, kept in the database so that every process agrees.

Each server process is a Worker with a heartbeat. A connection (Presence) counts
only while its worker's heartbeat is fresh, so a killed process's phones are not
shown as connected forever.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import Flask, current_app

from kit.extensions import db, socketio
from kit.live import group_commit
from kit.live.answers import attend_statement
from kit.models import Attendance, Presence, TrainingSession, Worker, as_utc, utcnow

HEARTBEAT_SECONDS = 15
ALIVE_FOR = timedelta(seconds=3 * HEARTBEAT_SECONDS)
FORGET_AFTER = timedelta(minutes=10)

_PRESENCE = cast(sa.Table, Presence.__table__)
_SESSIONS = cast(sa.Table, TrainingSession.__table__)
_ATTENDANCE = cast(sa.Table, Attendance.__table__)
Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


def worker_id() -> str:
    """This process's id, registered with a heartbeat on first use."""
    ids = current_app.extensions.setdefault("kit_worker", {})
    if "id" not in ids:
        ids["id"] = str(uuid.uuid4())
        _beat(ids["id"])
        if current_app.config["WORKER_HEARTBEAT"]:
            socketio.start_background_task(_heartbeat_loop, current_app._get_current_object(), ids["id"])  # type: ignore[attr-defined]
    return ids["id"]


def _beat(wid: str) -> None:
    if db.session.get(Worker, wid) is None:
        db.session.add(Worker(id=wid, seen_at=utcnow()))
    else:
        db.session.execute(sa.update(Worker).where(Worker.id == wid).values(seen_at=utcnow()))
    # Forget the connections of processes that are gone (killed, or restarted under a new id).
    dead = sa.select(Worker.id).where(Worker.seen_at < utcnow() - FORGET_AFTER)
    db.session.execute(sa.delete(Presence).where(Presence.worker_id.in_(dead)))
    db.session.execute(sa.delete(Worker).where(Worker.seen_at < utcnow() - FORGET_AFTER))
    db.session.commit()


def _heartbeat_loop(app: Flask, wid: str) -> None:
    while True:
        socketio.sleep(HEARTBEAT_SECONDS)
        if app.extensions.get("kit_worker", {}).get("id") != wid:  # retired: a beat would bring it back
            return
        with app.app_context():
            try:
                _beat(wid)
            except Exception:  # a busy database must not kill the heartbeat
                db.session.rollback()
                app.logger.exception("battement de cœur du processus impossible")


@dataclass(frozen=True)
class Joined:
    """A phone's connection to record: its presence, and the participant marked present."""

    sid: str
    worker_id: str
    session_id: int
    participant_id: int
    device: str | None
    at: datetime


def join(sid: str, session_id: int, participant_id: int, device: str | None = None) -> None:
    """Record a participant's open connection and mark them present, in one transaction.

    Under gevent through the process's group commit (kit/live/group_commit.py), with the other phones
    joining at the same moment; elsewhere committed here.
    """
    joined = Joined(sid, worker_id(), session_id, participant_id, device, utcnow())
    _write(join_batch, joined)


def join_batch(connection: sa.Connection, batch: Sequence[Joined]) -> list[None]:
    """Insert the connections (a sid is new: plain INSERTs) and mark their participants present."""
    connection.execute(sa.insert(_PRESENCE), [
        {"sid": j.sid, "worker_id": j.worker_id, "session_id": j.session_id, "participant_id": j.participant_id,
         "connected_at": j.at, "device": j.device} for j in batch])
    connection.execute(attend_statement(connection.dialect.name), [
        {"session_id": j.session_id, "participant_id": j.participant_id, "present": True, "joined_at": j.at}
        for j in batch])
    return [None] * len(batch)


def disconnect(sid: str) -> tuple[int, int] | None:
    """Forget a connection, adding its time to the participant's attendance; return (session id, participant id)."""
    return _write(leave_batch, sid)


# A departing connection, with the end of its session (its time present stops there).
_LEAVING = (sa.select(_PRESENCE.c.sid, _PRESENCE.c.session_id, _PRESENCE.c.participant_id, _PRESENCE.c.connected_at,
                      _SESSIONS.c.ended_at)
            .join(_SESSIONS, _SESSIONS.c.id == _PRESENCE.c.session_id)
            .where(_PRESENCE.c.sid.in_(sa.bindparam("sids", expanding=True))))
_ADD_TIME = (sa.update(_ATTENDANCE)
             .where(_ATTENDANCE.c.session_id == sa.bindparam("b_session"),
                    _ATTENDANCE.c.participant_id == sa.bindparam("b_participant"))
             .values(seconds_present=_ATTENDANCE.c.seconds_present + sa.bindparam("b_seconds")))
_FORGET = sa.delete(_PRESENCE).where(_PRESENCE.c.sid.in_(sa.bindparam("sids", expanding=True)))


def leave_batch(connection: sa.Connection, sids: Sequence[str]) -> list[tuple[int, int] | None]:
    """Forget these connections, adding each one's time to its participant's attendance."""
    rows = {row.sid: row for row in connection.execute(_LEAVING, {"sids": list(sids)})}
    additions = []
    for row in rows.values():
        seconds = connected_seconds(row.connected_at, row.ended_at)
        if seconds:
            additions.append({"b_session": row.session_id, "b_participant": row.participant_id, "b_seconds": seconds})
    if additions:
        connection.execute(_ADD_TIME, additions)
    if rows:
        connection.execute(_FORGET, {"sids": list(rows)})
    return [(rows[sid].session_id, rows[sid].participant_id) if sid in rows else None for sid in sids]


def _write(write_batch: Callable[[sa.Connection, Sequence[Item]], Sequence[Outcome]], item: Item) -> Outcome:
    """One write, through the group commit under gevent, else in the request's own transaction."""
    writer = group_commit.for_app(current_app, socketio.async_mode)
    if writer is not None:
        return writer.write(write_batch, item)
    [outcome] = write_batch(db.session.connection(), [item])
    db.session.commit()
    return outcome


def connected_seconds(connected_at: datetime | None, ended_at: datetime | None) -> int:
    """Seconds of a connection that count as present: until now, or until the session ended."""
    start = as_utc(connected_at)
    end = min(utcnow(), as_utc(ended_at) or utcnow())
    return max(0, int((end - start).total_seconds())) if start else 0


def seconds_present(session_id: int, ended_at: datetime | None) -> dict[int, int]:
    """Each participant's time connected to a session: past connections, and the open ones so far."""
    seconds: dict[int, int] = {pid: secs for pid, secs in db.session.execute(
        sa.select(Attendance.participant_id, Attendance.seconds_present).where(Attendance.session_id == session_id))}
    for participant_id, connected_at in db.session.execute(
            sa.select(Presence.participant_id, Presence.connected_at).where(Presence.session_id == session_id)):
        seconds[participant_id] = seconds.get(participant_id, 0) + connected_seconds(connected_at, ended_at)
    return seconds


def connected_participants(session_id: int) -> set[int]:
    """Participants with at least one connection held by a live process."""
    alive = sa.select(Worker.id).where(Worker.seen_at >= utcnow() - ALIVE_FOR)
    rows = db.session.scalars(sa.select(Presence.participant_id).distinct()
                              .where(Presence.session_id == session_id, Presence.worker_id.in_(alive)))
    return set(rows)


def drop_connections() -> int:
    """Close this process's Socket.IO connections, as a lost network would; return how many.

    The transport is cut without Engine.IO's close packet: the clients then reconnect by themselves,
    to another process behind the load balancer (after a close packet, some clients give up).
    The disconnect handlers run as usual and forget each connection.
    """
    server = socketio.server
    if server is None:
        return 0
    sockets = list(server.eio.sockets.values())
    for connection in sockets:
        try:
            connection.close(wait=False, abort=True, reason=server.eio.reason.SERVER_DISCONNECT)
        except Exception:  # one failing disconnect handler must not keep the others connected
            current_app.logger.exception("coupure de la connexion %s impossible", connection.sid)
        server.eio.sockets.pop(connection.sid, None)
    return len(sockets)


def retire() -> int:
    """Forget this process at shutdown: its connections and its worker row; return how many connections.

    Without it, other processes would count its phones as connected until its heartbeat is too old.
    """
    wid = current_app.extensions.get("kit_worker", {}).pop("id", None)
    if wid is None:
        return 0
    # A DELETE gives a CursorResult, the Result that knows its rowcount.
    deleted = db.session.execute(sa.delete(Presence).where(Presence.worker_id == wid))
    removed = cast("sa.CursorResult[Any]", deleted).rowcount
    db.session.execute(sa.delete(Worker).where(Worker.id == wid))
    db.session.commit()
    return removed
