"""Fan-out: the rooms of a live session, and what is sent to them after a change.

Views and namespaces call these functions; they never emit to a room themselves.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, cast

from flask import current_app

from kit.content.library import deck_by_revision_id
from kit.extensions import db, socketio
from kit.live.claims import pending_claims
from kit.live.idle import IdleQueue
from kit.live.lookup import session_row
from kit.live.state import animator_view, participant_state, public_state
from slides import Deck

ANIMATORS = "/animateur"
PARTICIPANTS = "/participant"
COOPERATIVE = ("gevent", "gevent_uwsgi", "eventlet")  # async modes where sleep(0) lets other greenlets run
ANIMATORS_AFTER = 0.15  # seconds: a large session's animators are refreshed after its phones' fan-out
ANIMATORS_AT_THE_LATEST = 0.5  # seconds: how long a busy loop may delay an animators' refresh (kit/live/idle.py)


def phones_room(session_id: int) -> str:
    """Every phone of a session."""
    return f"s{session_id}"


def participant_room(session_id: int, participant_id: int) -> str:
    """Every phone of one participant in a session."""
    return f"s{session_id}p{participant_id}"


def animators_room(session_id: int) -> str:
    """Every projector and presenter window of a session."""
    return f"a{session_id}"


def broadcast(session: Any, deck: Deck, question: Any = None) -> None:
    """Send the new state to every phone, and the state and roster to every animator window.

    `question`: the session's current question as the caller just wrote it (kit/live/service.py), if it has it.
    """
    room = phones_room(session.id)
    socketio.emit("state", public_state(session, deck, question), to=room, namespace=PARTICIPANTS)
    if socketio.async_mode in COOPERATIVE:
        large = current_app.config["LIVE_LARGE_ROOM"]
        if large and _local_members(room) >= large and current_app.config["LIVE_REFRESH_SECONDS"]:
            # Building the roster of hundreds of participants would take the CPU while the phones'
            # frames are still going out: the animators get it once the fan-out is done.
            socketio.start_background_task(_flush, current_app._get_current_object(),  # type: ignore[attr-defined]
                                           session.id, ANIMATORS_AFTER)
            return
        if socketio.async_mode == "gevent" and current_app.config["LIVE_REFRESH_SECONDS"]:
            # Other sessions' events that are already waiting go first (kit/live/idle.py); the animator
            # has the acknowledgement at once, and the state and roster when the loop is free.
            _animators_when_idle(current_app._get_current_object()).add(session.id)  # type: ignore[attr-defined]
            return
        # The phones' frames go out before the animators' state and roster are built (fan-out first).
        socketio.sleep(0)
    _send_to_animators(session, deck)


def send_to_participant(session: Any, deck: Deck, participant_id: int) -> None:
    """The state as one participant's phones see it (after an answer entered for them, say)."""
    socketio.emit("state", participant_state(session, deck, participant_id),
                  to=participant_room(session.id, participant_id), namespace=PARTICIPANTS)


def _local_members(room: str) -> int:
    """How many phones of this process are in the room (the others' processes do their own fan-out)."""
    return len(socketio.server.manager.rooms.get(PARTICIPANTS, {}).get(room) or ())


def announce_answer(session_id: int, participant_id: int, number: int, choices: list[int]) -> None:
    """Tell the animator windows about one answer: they update the count, tally and roster themselves.

    A small message per answer costs far less than rebuilding the state and roster of the session. Under
    gevent the answers of a session that arrive together leave in one `answers` message, once the loop has
    no other event waiting (0.5 s at the latest): in a burst, one send per window for eight answers instead
    of eight, and the phones' acknowledgements go first. A quiet room sees no delay.
    """
    answer = {"quiz": number, "participant": participant_id, "choices": choices}
    if socketio.async_mode == "gevent" and current_app.config["LIVE_REFRESH_SECONDS"]:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        pending: dict[int, list[dict[str, Any]]] = app.extensions.setdefault("kit_pending_answers", {})
        pending.setdefault(session_id, []).append(answer)
        _answers_when_idle(app).add(session_id)
        return
    _send_answers(session_id, [answer])


def _answers_when_idle(app: Any) -> IdleQueue:
    """The application's queue of answers to announce when the loop is idle (one per app and process)."""
    queue: IdleQueue | None = app.extensions.get("kit_idle_answers")
    if queue is None:
        def send(session_id: Hashable) -> None:
            answers = app.extensions["kit_pending_answers"].pop(session_id, [])
            if answers:
                _send_answers(cast(int, session_id), answers)

        queue = app.extensions["kit_idle_answers"] = IdleQueue(send, ANIMATORS_AT_THE_LATEST)
    return queue


def _send_answers(session_id: int, answers: list[dict[str, Any]]) -> None:
    socketio.emit("answers", {"answers": answers}, to=animators_room(session_id), namespace=ANIMATORS)


def announce_observation(session_id: int, observation: dict[str, Any]) -> None:
    """Tell the animator windows (never the phones) that a cell of the observation grid changed."""
    socketio.emit("observation", observation, to=animators_room(session_id), namespace=ANIMATORS)


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


def _animators_when_idle(app: Any) -> IdleQueue:
    """The application's queue of animators' refreshes done when the loop is idle (one per app and process)."""
    queue: IdleQueue | None = app.extensions.get("kit_idle_refreshes")
    if queue is None:
        def refresh(session_id: Hashable) -> None:
            with app.app_context():
                try:
                    _refresh_now(cast(int, session_id))
                finally:
                    db.session.remove()

        queue = app.extensions["kit_idle_refreshes"] = IdleQueue(refresh, ANIMATORS_AT_THE_LATEST)
    return queue


def _refresh_now(session_id: int) -> None:
    session = session_row(session_id)
    if session is not None:
        _send_to_animators(session, deck_by_revision_id(session.revision_id))


def _send_to_animators(session: Any, deck: Deck) -> None:
    state, roster = animator_payloads(session, deck)
    socketio.emit("state", state, to=animators_room(session.id), namespace=ANIMATORS)
    socketio.emit("roster", roster, to=animators_room(session.id), namespace=ANIMATORS)


def animator_payloads(session: Any, deck: Deck) -> tuple[dict[str, Any], dict[str, Any]]:
    """The animators' `state` and `roster` (whose `answer`s are to question `quiz`), from one reading."""
    state, people = animator_view(session, deck)
    return state, {"session": session.id, "quiz": session.current_quiz, "participants": people,
                   "claims": pending_claims(session.id)}
