"""The Socket.IO namespaces of a live session. Protocol: docs/protocol.md.

Handlers validate the payload, check who may act (kit/people/access.py), call the service, then hand
the result to the fan-out (kit/live/fanout.py). A refused event gets an `error` event and a failed
acknowledgement (kit/live/guard.py), and changes nothing.
"""

from __future__ import annotations

from typing import Any, cast

from flask import current_app, request
from flask import session as connection
from flask_login import current_user

# Flask-SocketIO's ConnectionRefusedError, not the built-in one: its French message reaches the client.
from flask_socketio import ConnectionRefusedError, emit, join_room

from kit.content.library import deck_by_revision_id
from kit.evidence.observations import LEVELS
from kit.extensions import db, socketio
from kit.live import answers, attendance, claims, frames, gate, moves, observing, presence, validation
from kit.live.codes import normalize_code
from kit.live.devices import token_hash
from kit.live.errors import LiveError
from kit.live.fanout import (
    ANIMATORS,
    PARTICIPANTS,
    animator_payloads,
    animators_room,
    announce_answer,
    announce_observation,
    broadcast,
    participant_room,
    phones_room,
    refresh_animators,
    send_to_participant,
)
from kit.live.guard import GuardedNamespace, handler
from kit.live.lookup import driven_row, joining_row
from kit.live.state import animator_state, participant_state
from kit.models import Participant, TrainingSession
from kit.people.access import may_drive
from kit.reports.rules import ATTENDANCE_STATES
from slides import Deck

NOT_JOINED = ("Cette séance est terminée ou le code est incorrect. Sinon, choisissez d'abord votre prénom "
              "sur la page de la séance.")
TOO_MANY_ATTEMPTS = "Trop d'essais. Attendez une minute, puis réessayez."


class AnimatorNamespace(GuardedNamespace):
    """The projector and presenter windows, and the animator's phone used as a remote."""

    def on_connect(self, auth: object = None) -> None:
        """Sent by an animator window with `{"session": id}`; refused unless it is their session."""
        if not current_user.is_authenticated:
            raise ConnectionRefusedError("Connectez-vous pour animer une séance.")
        session_id = auth.get("session") if isinstance(auth, dict) else None
        # Bounded: a huge integer would overflow the database driver's parameter.
        if not isinstance(session_id, int) or isinstance(session_id, bool) or not 0 < session_id < 2**31:
            raise ConnectionRefusedError("Séance inconnue.")
        session = db.session.get(TrainingSession, session_id)
        if session is None or not may_drive(session, current_user.id, current_user.role):
            raise ConnectionRefusedError("Cette séance n'est pas la vôtre.")
        connection["session_id"] = session.id
        connection["revision_id"] = session.revision_id  # a session never changes revision
        # Each event checks this account again (no user loader): in the statement that reads the session, or
        # for a move, in the move's own transaction (kit/live/moves.py).
        connection["user_id"], connection["token"] = current_user.id, current_user.session_token
        join_room(animators_room(session.id))
        state, roster = animator_payloads(session, deck_by_revision_id(session.revision_id))
        emit("state", state)
        emit("roster", roster)
        emit("observations", observing.levels_payload(session.id))

    def _session(self) -> tuple[Any, Deck]:
        """The session this window drives, as plain columns (kit/live/lookup.py), and its deck."""
        row = driven_row(connection.get("session_id"), connection.get("user_id"), connection.get("token"))
        if row is None or not row.active or not may_drive(row, connection["user_id"], row.role):
            raise LiveError(moves.NOT_YOURS, "interdit")
        return row, deck_by_revision_id(row.revision_id)

    def _driving(self) -> tuple[int, Deck, moves.Driver]:
        """For a move: the session, its deck and who asks. Their rights are checked with the move itself, in
        its transaction (kit/live/moves.py), so that a move reads nothing before it is written."""
        session_id, revision_id = connection.get("session_id"), connection.get("revision_id")
        if not session_id or not revision_id:
            raise LiveError(moves.NOT_YOURS, "interdit")
        return session_id, deck_by_revision_id(revision_id), moves.Driver(connection["user_id"],
                                                                            connection.get("token"))

    @handler
    def on_goto(self, data: object) -> dict[str, Any]:
        """`{"slide": n}` from an animator window: every window and phone moves to slide n."""
        data = validation.payload(data, {"slide"})
        session_id, deck, driver = self._driving()
        driven = moves.drive(session_id, deck, "goto",
                               validation.integer(data, "slide", 0, len(deck.slides), "Cette diapo"), driver)
        broadcast(driven.session, deck, driven.question)
        return {"version": driven.session.version}

    @handler
    def on_question(self, data: object) -> dict[str, Any]:
        """`{"action": "open"|"close"|"reveal", "quiz": n}`: drive a question."""
        data = validation.payload(data, {"action", "quiz"})
        action = validation.choice_of(data, "action", ("open", "close", "reveal"))
        session_id, deck, driver = self._driving()
        number = validation.integer(data, "quiz", 1, max(1, len(deck.quizzes)), "Cette question")
        driven = moves.drive(session_id, deck, cast(moves.Action, action), number, driver)
        broadcast(driven.session, deck, driven.question)
        return {"version": driven.session.version}

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
        stored = answers.submit_answer(session.id, deck, participant.id, number, validation.choices(data),
                                       entered_by="animator")
        answers.record_attendance(session.id, participant.id)
        # The participant's own phone, if any, shows the answer entered for them.
        send_to_participant(session, deck, participant.id)
        announce_answer(session.id, participant.id, number, stored)
        return {"choices": stored}

    @handler
    def on_attendance_for(self, data: object) -> dict[str, Any]:
        """`{"participant": id, "state": "present"|"excused"|"absent"}`: the animator's two-tap correction."""
        data = validation.payload(data, {"participant", "state"})
        session, _deck = self._session()
        participant_id = validation.integer(data, "participant", 1, 2**31, "Ce participant")
        participant = db.session.get(Participant, participant_id)
        if participant is None or participant.group_id != session.group_id:
            raise LiveError("Ce participant n'est pas dans le groupe de cette séance.", "hors_groupe")
        state = validation.choice_of(data, "state", ATTENDANCE_STATES)
        attendance.set_state(session, participant.id, state, connection["user_id"])
        db.session.commit()
        refresh_animators(session.id)
        return {"participant": participant.id, "state": state}

    @handler
    def on_observe(self, data: object) -> dict[str, Any]:
        """`{"slide": n, "participant": id, "skill": "wifi", "level": "seul"|"avec_aide"|"pas_encore"|null}`:
        a cell of the presenter's grid; every animator window (never a phone) gets an `observation`."""
        data = validation.payload(data, {"slide", "participant", "skill", "level"})
        session, deck = self._session()
        slide = validation.integer(data, "slide", 1, len(deck.slides), "Cette diapo")
        participant_id = validation.integer(data, "participant", 1, 2**31, "Ce participant")
        skill = validation.text(data, "skill", 40)
        level = validation.nullable_choice_of(data, "level", LEVELS)
        observing.observe(session, deck, slide, participant_id, skill, level, connection["user_id"])
        observation = {"slide": slide, "participant": participant_id, "skill": skill, "level": level}
        announce_observation(session.id, observation)
        return observation

    @handler
    def on_black(self, data: object) -> dict[str, Any]:
        """`{"on": true|false}`: black out the projector (animator windows only)."""
        data = validation.payload(data, {"on"})
        session, _deck = self._session()
        on = validation.boolean(data, "on")
        emit("black", {"on": on}, to=animators_room(session.id), include_self=False)
        return {"on": on}

    @handler
    def on_approve_device(self, data: object) -> dict[str, Any]:
        """`{"claim": id, "accept": true|false}`: let a new phone be a participant whose phone is connected."""
        data = validation.payload(data, {"claim", "accept"})
        session, _deck = self._session()
        claim_id = validation.integer(data, "claim", 1, 2**31, "Cette demande")
        decided = claims.decide(session.id, claim_id, validation.boolean(data, "accept"), connection["user_id"])
        refresh_animators(session.id)
        return {"claim": decided.id, "status": decided.status}

    @handler
    def on_sync(self, data: object) -> dict[str, Any]:
        """`{}`: ask for the whole state again (after a reconnection)."""
        validation.payload(data, set())
        session, deck = self._session()
        refresh_animators(session.id)
        return {"state": animator_state(session, deck)}


class ParticipantNamespace(GuardedNamespace):
    """The participants' phones."""

    def on_connect(self, auth: object = None) -> None:
        """Sent by a phone with `{"code": "123456"}` and its device cookie; refused otherwise."""
        code = normalize_code(auth.get("code")) if isinstance(auth, dict) else None
        # The session (plain columns) and the device's participant, if of its group, in one statement.
        device = token_hash(request.cookies.get("kit_device"))
        session = joining_row(code, device) if code else None
        participant_id = session.participant_id if session is not None else None
        if session is None or participant_id is None:
            # One answer for a wrong code and a live one without a chosen name: the connection tells
            # nothing about which codes are live. Refusals count against the address; a phone whose name
            # is chosen always gets in, even behind the NAT of someone who tries codes.
            if not gate.attempts_left():
                raise ConnectionRefusedError(TOO_MANY_ATTEMPTS)
            gate.count_refused_attempt()
            raise ConnectionRefusedError(NOT_JOINED)
        connection["session_id"] = session.id
        connection["participant_id"] = participant_id
        connection["revision_id"] = session.revision_id  # a session never changes revision
        join_room(phones_room(session.id))
        join_room(participant_room(session.id, participant_id))
        # Presence and attendance in one transaction.
        presence.join(request.sid, session.id, participant_id, device)  # type: ignore[attr-defined]
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
        stored = answers.submit_answer(session_id, deck, participant_id, number, validation.choices(data))
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
    """Register the namespaces on the Socket.IO server, whose frames are checked first (kit/live/frames.py)."""
    frames.install(socketio.server)
    socketio.on_namespace(AnimatorNamespace(ANIMATORS))
    socketio.on_namespace(ParticipantNamespace(PARTICIPANTS))
