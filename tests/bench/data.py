"""The benchmark's data: groups of participants with their phones' device tokens, and started sessions."""

from __future__ import annotations

import hashlib
import secrets
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlalchemy as sa

from kit.content.library import deck_by_revision_id
from kit.extensions import db
from kit.live.devices import COOKIE, participant_for_token
from kit.live.moves import Asked, Live
from kit.live.state import public_state
from kit.live.views.join import nickname_key
from kit.models import Participant, ParticipantDevice, TrainingGroup, TrainingSession, utcnow
from tests.conftest import make_app
from tests.factories import PASSWORD, make_session, make_user

ANIMATOR_EMAIL = "bench@test.fr"


@dataclass
class BenchSession:
    """A started session: its id, join code and its phones' `kit_device` tokens."""

    id: int
    code: str
    tokens: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """What the load generator needs to know about the database."""

    database: Path
    email: str
    password: str
    sessions: list[BenchSession]
    # What Kit sends a phone: at connection ("0") and for each question opened (its number), as JSON.
    phone_states: dict[str, object] = field(default_factory=dict)

    @property
    def phones(self) -> int:
        return sum(len(s.tokens) for s in self.sessions)

    def phone_specs(self) -> list[dict[str, object]]:
        return [{"session": s.id, "code": s.code, "cookie": f"{COOKIE}={token}"}
                for s in self.sessions for token in s.tokens]


def add_groups(email: str, groups: int, size: int) -> list[BenchSession]:
    """In an app context: an animator, `groups` groups of `size` participants with a device token each (the
    rows `kit.live.devices.bind_device` makes), and one started session of module 1 per group."""
    sessions: list[BenchSession] = []
    animator = make_user(email)
    for g in range(groups):
        group = TrainingGroup(name=f"Groupe {g + 1}", animator_id=animator.id)
        db.session.add(group)
        db.session.flush()
        participants = [Participant(group_id=group.id, nickname=f"P{g + 1}-{i + 1}",
                                    nickname_key=nickname_key(f"P{g + 1}-{i + 1}"), avatar="🐱")
                        for i in range(size)]
        db.session.add_all(participants)
        db.session.flush()
        tokens = [secrets.token_urlsafe(32) for _ in participants]
        db.session.add_all(ParticipantDevice(participant_id=p.id, token_hash=hashlib.sha256(t.encode()).hexdigest())
                           for p, t in zip(participants, tokens, strict=True))
        db.session.commit()
        session = make_session(group)
        sessions.append(BenchSession(session.id, session.join_code or "", tokens))
    return sessions


def build(seeded: Path, database: Path, groups: int, size: int) -> Plan:
    """A copy of the seeded database with one animator, `groups` groups of `size` participants, each group
    with a started session of module 1, and one device token per participant.

    The device rows are those `kit.live.devices.bind_device` makes (the sha256 of the token), inserted in
    one transaction rather than one commit per phone.
    """
    shutil.copyfile(seeded, database)
    app = make_app(f"sqlite:///{database}")
    with app.app_context():
        sessions = add_groups(ANIMATOR_EMAIL, groups, size)
        # The server will recognise these tokens exactly as it recognises a phone's cookie.
        found = participant_for_token(sessions[-1].tokens[-1])
        assert found is not None and found.nickname == f"P{groups}-{size}"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ParticipantDevice)) == groups * size
        states = phone_states(sessions[0].id)
        db.engine.dispose()
    return Plan(database, ANIMATOR_EMAIL, PASSWORD, sessions, states)


def phone_states(session_id: int) -> dict[str, object]:
    """In an app context: the states that Kit's server sends a phone of this session, built by Kit's own code,
    at connection ("0") and with each question of the module open. The reference server sends the same
    bytes (tests/bench/reference.py): both servers encode, and the load generators decode, the same JSON."""
    session = db.session.get(TrainingSession, session_id)
    assert session is not None
    deck = deck_by_revision_id(session.revision_id)
    live = Live(session.id, session.group_id, session.animator_id, session.revision_id, session.status,
                session.join_code, 0, None, session.version)
    states: dict[str, object] = {"0": public_state(live, deck)}
    for quiz in deck.quizzes:  # opened from the join slide, as the load generators' animators do
        states[str(quiz.number)] = public_state(replace(live, current_quiz=quiz.number), deck,
                                                Asked(quiz.number, "open", utcnow()))
    return states
