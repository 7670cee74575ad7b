"""The Socket.IO namespaces of a live session. Protocol: docs/protocol.md.

Handlers validate the payload, call the service, then emit. A refused event
gets an `error` event and a failed acknowledgement, and changes nothing.
"""

from __future__ import annotations

import functools
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app, request
from flask import session as connection
from flask_login import current_user

# Flask-SocketIO's ConnectionRefusedError, not the built-in one: its French message reaches the client.
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from slides import Deck

from ..content import deck_by_revision_id
from ..extensions import db, socketio
from ..models import Participant, ParticipantDevice, Role, TrainingSession, User
from . import presence, service, validation
from .codes import normalize_code
from .devices import token_hash
from .errors import LiveError
from .state import animator_state, animator_view, participant_state, public_state

ANIMATORS = "/animateur"
PARTICIPANTS = "/participant"
EVENTS_PER_SECOND = 10
COOPERATIVE = ("gevent", "gevent_uwsgi", "eventlet")  # async modes where sleep(0) lets other greenlets run
ANIMATORS_AFTER = 0.15  # seconds: a large session's animators are refreshed after its phones' fan-out


def phones_room(session_id: int) -> str:
    """Every phone of a session."""
    return f"s{session_id}"


def participant_room(session_id: int, participant_id: int) -> str:
    """Every phone of one participant in a session."""
    return f"s{session_id}p{participant_id}"


def animators_room(session_id: int) -> str:
    """Every projector and presenter window of a session."""
    return f"a{session_id}"


def _flood_guard() -> None:
    """At most EVENTS_PER_SECOND events per connection (kept in the connection itself)."""
    stamps: deque[float] = connection.setdefault("_stamps", deque(maxlen=EVENTS_PER_SECOND))
    now = time.monotonic()
    if len(stamps) == stamps.maxlen and now - stamps[0] < 1:
        raise LiveError("Trop de messages : attendez une seconde.", "trop_vite")
    stamps.append(now)


def handler(func: Callable[..., dict[str, Any] | None]) -> Callable[..., dict[str, Any]]:
    """Wrap an event handler: flood guard, French errors, rollback, and an acknowledgement."""

    @functools.wraps(func)
    def wrapper(self: Namespace, data: object = None) -> dict[str, Any]:
        try:
            _flood_guard()
            result = func(self, data) or {}
            return {"ok": True, **result}
        except LiveError as error:
            db.session.rollback()
            emit("error", error.payload())
            return {"ok": False, "error": error.payload()}
        except Exception:
            db.session.rollback()
            current_app.logger.exception("événement %s refusé", func.__name__)
            error = LiveError("Un problème est arrivé sur le serveur. Réessayez.", "serveur")
            emit("error", error.payload())
            return {"ok": False, "error": error.payload()}

    return wrapper


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

# An animator's event: the session, with the current role and activity of the account driving it.
_DRIVEN = (
    sa.select(TrainingSession, User.role, User.active)
    .join(User, User.id == sa.bindparam("user_id"))
    .where(TrainingSession.id == sa.bindparam("session_id"))
)


def broadcast(session: TrainingSession, deck: Deck) -> None:
    """Send the new state to every phone, and the state and roster to every animator window."""
    room = phones_room(session.id)
    socketio.emit("state", public_state(session, deck), to=room, namespace=PARTICIPANTS)
    if socketio.async_mode in COOPERATIVE:
        large = current_app.config["LIVE_LARGE_ROOM"]
        if large and _local_members(room) >= large and current_app.config["LIVE_REFRESH_SECONDS"]:
            # Building the roster of hundreds of participants would take the CPU while the phones'
            # frames are still going out: the animators get it once the fan-out is done.
            socketio.start_background_task(_flush, current_app._get_current_object(),  # type: ignore[attr-defined]
                                           session.id, ANIMATORS_AFTER)
            return
        # The phones' frames go out before the animators' state and roster are built (fan-out first).
        socketio.sleep(0)
    _send_to_animators(session, deck)


def _local_members(room: str) -> int:
    """How many phones of this process are in the room (the others' processes do their own fan-out)."""
    return len(socketio.server.manager.rooms.get(PARTICIPANTS, {}).get(room) or ())


def announce_answer(session_id: int, participant_id: int, number: int, choices: list[int]) -> None:
    """Tell the animator windows about one answer: they update the count, tally and roster themselves.

    A small message per answer costs far less than rebuilding the state and roster of the session.
    """
    socketio.emit("answer", {"quiz": number, "participant": participant_id, "choices": choices},
                  to=animators_room(session_id), namespace=ANIMATORS)


_pending: set[int] = set()  # per-process throttle only; the data itself is in the database


def refresh_animators(session_id: int) -> None:
    """Send the roster and results to the animators, at most every LIVE_REFRESH_SECONDS."""
    delay = current_app.config["LIVE_REFRESH_SECONDS"]
    if not delay:  # tests: at once, in the handler
        _refresh_now(session_id)
        return
    if session_id in _pending:
        return
    _pending.add(session_id)
    socketio.start_background_task(_flush, current_app._get_current_object(), session_id, delay)  # type: ignore[attr-defined]


def _flush(app: Any, session_id: int, delay: float) -> None:
    socketio.sleep(delay)
    _pending.discard(session_id)
    with app.app_context():
        try:
            _refresh_now(session_id)
        except Exception:
            app.logger.exception("rafraîchissement des animateurs impossible")
        finally:
            db.session.remove()


def _refresh_now(session_id: int) -> None:
    session = db.session.execute(_SESSION_ROW, {"session_id": session_id}).first()
    if session is not None:
        _send_to_animators(session, deck_by_revision_id(session.revision_id))


def _send_to_animators(session: Any, deck: Deck) -> None:
    state, roster = animator_payloads(session, deck)
    socketio.emit("state", state, to=animators_room(session.id), namespace=ANIMATORS)
    socketio.emit("roster", roster, to=animators_room(session.id), namespace=ANIMATORS)


def animator_payloads(session: Any, deck: Deck) -> tuple[dict[str, Any], dict[str, Any]]:
    """The animators' `state` and `roster` (whose `answer`s are to question `quiz`), from one reading."""
    state, people = animator_view(session, deck)
    return state, {"session": session.id, "quiz": session.current_quiz, "participants": people}


class AnimatorNamespace(Namespace):
    """The projector and presenter windows, and the animator's phone used as a remote."""

    def on_connect(self, auth: object = None) -> None:
        """Sent by an animator window with `{"session": id}`; refused unless it is their session."""
        if not current_user.is_authenticated:
            raise ConnectionRefusedError("Connectez-vous pour animer une séance.")
        session_id = auth.get("session") if isinstance(auth, dict) else None
        if not isinstance(session_id, int) or isinstance(session_id, bool):
            raise ConnectionRefusedError("Séance inconnue.")
        session = db.session.get(TrainingSession, session_id)
        if session is None or not _may_drive(session, current_user.id, current_user.role):
            raise ConnectionRefusedError("Cette séance n'est pas la vôtre.")
        connection["session_id"] = session.id
        # Each event checks this account again, in the statement that reads the session (no user loader).
        connection["user_id"] = current_user.id
        join_room(animators_room(session.id))
        state, roster = animator_payloads(session, deck_by_revision_id(session.revision_id))
        emit("state", state)
        emit("roster", roster)

    def _session(self) -> tuple[TrainingSession, Deck]:
        row = db.session.execute(_DRIVEN, {"session_id": connection.get("session_id"),
                                           "user_id": connection.get("user_id")}).first()
        if row is None or not row.active or not _may_drive(row.TrainingSession, connection["user_id"], row.role):
            raise LiveError("Cette séance n'est pas la vôtre.", "interdit")
        session = row.TrainingSession
        return session, deck_by_revision_id(session.revision_id)

    @handler
    def on_goto(self, data: object) -> dict[str, Any]:
        """`{"slide": n}` from an animator window: every window and phone moves to slide n."""
        data = validation.payload(data, {"slide"})
        session, deck = self._session()
        service.goto(session, deck, validation.integer(data, "slide", 0, len(deck.slides), "Cette diapo"))
        broadcast(session, deck)
        return {"version": session.version}

    @handler
    def on_question(self, data: object) -> dict[str, Any]:
        """`{"action": "open"|"close"|"reveal", "quiz": n}`: drive a question."""
        data = validation.payload(data, {"action", "quiz"})
        action = validation.choice_of(data, "action", ("open", "close", "reveal"))
        session, deck = self._session()
        number = validation.integer(data, "quiz", 1, max(1, len(deck.quizzes)), "Cette question")
        {"open": service.open_question, "close": service.close_question,
         "reveal": service.reveal_question}[action](session, deck, number)
        broadcast(session, deck)
        return {"version": session.version}

    @handler
    def on_answer_for(self, data: object) -> dict[str, Any]:
        """`{"participant": id, "quiz": n, "choices": [...]}`: an answer given aloud, entered by the animator."""
        data = validation.payload(data, {"participant", "quiz", "choices"})
        session, deck = self._session()
        participant_id = validation.integer(data, "participant", 1, 2**31, "Ce participant")
        participant = db.session.get(Participant, participant_id)
        if participant is None or participant.group_id != session.group_id:
            raise LiveError("Ce participant n'est pas dans le groupe de cette séance.", "hors_groupe")
        number = validation.integer(data, "quiz", 1, max(1, len(deck.quizzes)), "Cette question")
        stored = service.submit_answer(session.id, deck, participant.id, number, validation.choices(data),
                                       entered_by="animator")
        service.record_attendance(session.id, participant.id)
        # The participant's own phone, if any, shows the answer entered for them.
        socketio.emit("state", participant_state(session, deck, participant.id),
                      to=participant_room(session.id, participant.id), namespace=PARTICIPANTS)
        announce_answer(session.id, participant.id, number, stored)
        return {"choices": stored}

    @handler
    def on_black(self, data: object) -> dict[str, Any]:
        """`{"on": true|false}`: black out the projector (animator windows only)."""
        data = validation.payload(data, {"on"})
        session, _deck = self._session()
        on = validation.boolean(data, "on")
        emit("black", {"on": on}, to=animators_room(session.id), include_self=False)
        return {"on": on}

    @handler
    def on_sync(self, data: object) -> dict[str, Any]:
        """`{}`: ask for the whole state again (after a reconnection)."""
        validation.payload(data, set())
        session, deck = self._session()
        refresh_animators(session.id)
        return {"state": animator_state(session, deck)}


def _may_drive(session: TrainingSession, user_id: int, role: str) -> bool:
    """Only the session's own animator (or an admin) drives it."""
    return session.animator_id == user_id or role == Role.ADMIN


class ParticipantNamespace(Namespace):
    """The participants' phones."""

    def on_connect(self, auth: object = None) -> None:
        """Sent by a phone with `{"code": "123456"}` and its device cookie; refused otherwise."""
        code = normalize_code(auth.get("code")) if isinstance(auth, dict) else None
        if code is None:
            raise ConnectionRefusedError("Code de séance incorrect.")
        # The session (plain columns) and the device's participant, if of its group, in one statement.
        session = db.session.execute(_JOINING, {"code": code,
                                                "token_hash": token_hash(request.cookies.get("kit_device"))}).first()
        if session is None:
            raise ConnectionRefusedError("Cette séance est terminée ou le code est incorrect.")
        participant_id = session.participant_id
        if participant_id is None:
            raise ConnectionRefusedError("Choisissez d'abord votre prénom sur la page de la séance.")
        connection["session_id"] = session.id
        connection["participant_id"] = participant_id
        connection["revision_id"] = session.revision_id  # a session never changes revision
        join_room(phones_room(session.id))
        join_room(participant_room(session.id, participant_id))
        # Presence and attendance in one transaction.
        presence.connect(request.sid, session.id, participant_id, commit=False)  # type: ignore[attr-defined]
        service.record_attendance(session.id, participant_id, commit=False)
        db.session.commit()
        deck = deck_by_revision_id(session.revision_id)
        emit("state", participant_state(session, deck, participant_id))
        refresh_animators(session.id)

    def on_disconnect(self, reason: object = None) -> None:
        """A phone slept, lost the Wi-Fi or closed the page."""
        try:
            found = presence.disconnect(request.sid)  # type: ignore[attr-defined]
            if found:
                refresh_animators(found[0])
        except Exception:
            db.session.rollback()
            current_app.logger.exception("déconnexion mal enregistrée")

    def _ids(self) -> tuple[int, int]:
        session_id, participant_id = connection.get("session_id"), connection.get("participant_id")
        if not session_id or not participant_id:
            raise LiveError("Reconnectez-vous à la séance.", "non_connecte")
        return session_id, participant_id

    @handler
    def on_answer(self, data: object) -> dict[str, Any]:
        """`{"quiz": n, "choices": [i, ...]}` from a phone; acknowledged once committed."""
        data = validation.payload(data, {"quiz", "choices"})
        session_id, participant_id = self._ids()
        deck = deck_by_revision_id(connection["revision_id"])
        number = validation.integer(data, "quiz", 1, max(1, len(deck.quizzes)), "Cette question")
        stored = service.submit_answer(session_id, deck, participant_id, number, validation.choices(data))
        announce_answer(session_id, participant_id, number, stored)
        return {"quiz": number, "choices": stored}

    @handler
    def on_sync(self, data: object) -> dict[str, Any]:
        """`{}`: the whole state again, with this phone's own answer."""
        validation.payload(data, set())
        session_id, participant_id = self._ids()
        session = db.session.get(TrainingSession, session_id)
        if session is None:
            raise LiveError("Cette séance n'existe plus.", "pas_en_cours")
        return {"state": participant_state(session, deck_by_revision_id(session.revision_id), participant_id)}


def init_sockets() -> None:
    """Register the namespaces on the Socket.IO server."""
    socketio.on_namespace(AnimatorNamespace(ANIMATORS))
    socketio.on_namespace(ParticipantNamespace(PARTICIPANTS))
