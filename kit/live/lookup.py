"""The rows that a live event reads first: a session, a joining phone's, an animator's.

Plain statements prepared once; the namespaces run them and never write SQL themselves.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from kit.extensions import db
from kit.models import Participant, ParticipantDevice, TrainingSession, User

_SESSIONS = TrainingSession.__table__
_DEVICES = ParticipantDevice.__table__
_PARTICIPANTS = Participant.__table__

# A session as plain columns (the states read only these), by id.
_SESSION_ROW = sa.select(_SESSIONS).where(_SESSIONS.c.id == sa.bindparam("session_id"))

# A phone joining: the session of the code and, in one statement, the participant of the device's token
# if they belong to the session's group (participant_id is NULL otherwise).
_JOINING = (
    sa.select(_SESSIONS, _PARTICIPANTS.c.id.label("participant_id"))
    .select_from(_SESSIONS.outerjoin(_DEVICES, _DEVICES.c.token_hash == sa.bindparam("token_hash"))
                 .outerjoin(_PARTICIPANTS, sa.and_(_PARTICIPANTS.c.id == _DEVICES.c.participant_id,
                                                   _PARTICIPANTS.c.group_id == _SESSIONS.c.group_id)))
    .where(_SESSIONS.c.join_code == sa.bindparam("code"))
)

_USERS = User.__table__

# An animator's event: the session's columns, with the current role and activity of the account driving it,
# as long as the account's session token is still the one the window connected with (signing out rotates it).
_DRIVEN = (
    sa.select(_SESSIONS, _USERS.c.role, _USERS.c.active)
    .join(_USERS, sa.and_(_USERS.c.id == sa.bindparam("user_id"), _USERS.c.session_token == sa.bindparam("token")))
    .where(_SESSIONS.c.id == sa.bindparam("session_id"))
)


def session_row(session_id: int) -> Any | None:
    """A session's columns, or None."""
    return db.session.execute(_SESSION_ROW, {"session_id": session_id}).first()


def joining_row(code: str, device_token_hash: str | None) -> Any | None:
    """The session of a join code, with `participant_id` the device's participant in its group (or None)."""
    return db.session.execute(_JOINING, {"code": code, "token_hash": device_token_hash}).first()


def driven_row(session_id: object, user_id: object, token: object = None) -> Any | None:
    """The session an animator's window drives, as columns, with the account's `role` and `active` (or None).

    None too when `token` is no longer the account's session token: the window's sign-in has ended.
    """
    return db.session.execute(_DRIVEN, {"session_id": session_id, "user_id": user_id, "token": token}).first()
