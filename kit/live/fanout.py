"""Fan-out: the rooms of a live session, and what is sent to them after a change.

Views and namespaces call these functions; they never emit to a room themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, cast

from flask import current_app

from kit.content.library import deck_by_revision_id
from kit.extensions import db, socketio
from kit.live import group_commit
from kit.live.claims import pending_claims
from kit.live.idle import IdleQueue
from kit.live.lookup import session_row
from kit.live.moves import Live
from kit.live.state import animator_state_after_move, animator_view, participant_state, public_state
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
    """Send the new state to every phone, then the animators' state, with the current question's answers.

    `question`: the session's current question as the caller just wrote it (kit/live/service.py), if it has it.
    A move changes nothing else in the roster: the animators get no new roster (kit/live/state.py).
    """
    room = phones_room(session.id)
    socketio.emit("state", public_state(session, deck, question), to=room, namespace=PARTICIPANTS)
    move = Move(_snapshot(session), deck, question)
    if socketio.async_mode in COOPERATIVE:
        if current_app.config["LIVE_REFRESH_SECONDS"]:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            large = current_app.config["LIVE_LARGE_ROOM"]
            if large and _local_members(room) >= large:
                # Hundreds of phones' frames are still going out: the animators' state waits for them.
                _keep_latest(app, move)
                socketio.start_background_task(_send_latest_move, app, session.id, ANIMATORS_AFTER)
                return
            if socketio.async_mode == "gevent":
                # Other sessions' events that are already waiting go first (kit/live/idle.py); the animator
                # has the acknowledgement at once, and the state when the loop is free.
                _keep_latest(app, move)
                _moves_when_idle(app).add(session.id)
                return
        # The phones' frames go out before the animators' state is built (fan-out first).
        socketio.sleep(0)
    _send_move(move)


@dataclass(frozen=True)
class Move:
    """A session as a move left it, for the animators' state sent after the phones' (plain values: the
    state may be built in another greenlet, after the move's database session has ended)."""

    session: Live
    deck: Deck
    question: Any  # the current question as the move wrote it, or None (then it is read)


def _snapshot(session: Any) -> Live:
    return Live(**{name: getattr(session, name) for name in Live.__dataclass_fields__})


def _send_move(move: Move) -> None:
    socketio.emit("state", animator_state_after_move(move.session, move.deck, move.question),
                  to=animators_room(move.session.id), namespace=ANIMATORS)


def _keep_latest(app: Any, move: Move) -> None:
    """Keep a move whose animators' state is sent later, unless a later move of its session is kept already."""
    latest: dict[int, Move] = app.extensions.setdefault("kit_latest_moves", {})
    kept = latest.get(move.session.id)
    if kept is None or kept.session.version <= move.session.version:
        latest[move.session.id] = move


def _send_latest_move(app: Any, session_id: Hashable, delay: float = 0) -> None:
    """The animators' state after the latest move of a session not sent yet (nothing if it was sent)."""
    if delay:
        socketio.sleep(delay)
    move = app.extensions["kit_latest_moves"].pop(session_id, None)
    if move is not None:
        _in_app(app, lambda: _send_move(move), "état des animateurs impossible à envoyer")


def _moves_when_idle(app: Any) -> IdleQueue:
    """The application's queue of animators' states after moves, sent when the loop is idle."""
    queue: IdleQueue | None = app.extensions.get("kit_idle_moves")
    if queue is None:
        writer = group_commit.for_app(app, socketio.async_mode)
        # Other rooms' moves still waiting for their transaction: their phones go first.
        queue = app.extensions["kit_idle_moves"] = IdleQueue(lambda key: _send_latest_move(app, key),
                                                             ANIMATORS_AT_THE_LATEST,
                                                             writer.writes_waiting if writer else lambda: False)
    return queue


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
    _in_app(app, lambda: _refresh_now(session_id), "rafraîchissement des animateurs impossible")


def _in_app(app: Any, send: Callable[[], None], failure: str) -> None:
    """Send from a background greenlet, in an app context of its own: a failure is logged, never raised."""
    with app.app_context():
        try:
            send()
        except Exception:
            app.logger.exception(failure)
        finally:
            db.session.remove()


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
