"""Test data made through the models, the way the app makes it."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kit.extensions import db
from kit.live import claims, service
from kit.models import DeviceClaim, ModuleRevision, Participant, Role, Siae, TrainingGroup, TrainingSession, User
from kit.people.nicknames import nickname_key

PASSWORD = "mot-de-passe-test"


def make_user(email: str = "anim@test.fr", role: str = Role.ANIMATOR.value, siae: Siae | None = None) -> User:
    """An account with the test password."""
    user = User(email=email, name=email.split("@")[0].title(), role=role, siae=siae)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def make_group(animator: User, nicknames: tuple[str, ...] = ("Awa", "Bruno", "Chloé"), name: str = "Groupe test"
               ) -> TrainingGroup:
    """A group of this animator with these participants."""
    group = TrainingGroup(name=name, animator_id=animator.id)
    db.session.add(group)
    db.session.flush()
    for index, nickname in enumerate(nicknames):
        db.session.add(Participant(group_id=group.id, nickname=nickname, nickname_key=nickname_key(nickname),
                                   avatar="🐱🐶🐭🐻🐼🐸"[index % 6]))
    db.session.commit()
    return group


def make_session(group: TrainingGroup, slug: str = "01-smartphone-wifi", start: bool = True) -> TrainingSession:
    """A session of the group on the module's published revision, started unless asked."""
    revision_id = db.session.scalar(sa.select(ModuleRevision.id).where(ModuleRevision.slug == slug,
                                                                       ModuleRevision.published))
    session = TrainingSession(group_id=group.id, animator_id=group.animator_id, module_slug=slug,
                              revision_id=revision_id, day=date.today())
    db.session.add(session)
    db.session.commit()
    if start:
        service.start(session)
    return session


def login(client: FlaskClient, email: str = "anim@test.fr") -> None:
    """Sign a test client in."""
    response = client.post("/connexion", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def join_as(app: Flask, code: str, nickname: str, approve: bool = True) -> FlaskClient:
    """A phone's test client that joined the session as `nickname` (new or returning).

    A name whose phone is connected waits for the animator (kit/live/claims.py): with `approve`, the
    animator accepts this phone at once, as for someone who really has two phones.
    """
    phone = app.test_client()
    with app.app_context():
        existing = db.session.scalar(sa.select(Participant).join(TrainingSession,
                                     TrainingSession.group_id == Participant.group_id)
                                     .where(TrainingSession.join_code == code,
                                            Participant.nickname_key == nickname_key(nickname)))
        participant_id = existing.id if existing else None
    if participant_id:
        response = phone.post(f"/j/{code}/moi/{participant_id}")
    else:
        response = phone.post(f"/j/{code}/nouveau", data={"nickname": nickname, "avatar": "🐱"})
    assert response.status_code == 302, response.get_data(as_text=True)
    if approve and response.headers["Location"].endswith("/attente"):
        with app.app_context():
            waiting = db.session.scalar(sa.select(DeviceClaim).where(DeviceClaim.status == "pending")
                                        .order_by(DeviceClaim.id.desc()))
            session = db.session.get(TrainingSession, waiting.session_id)
            claims.decide(waiting.session_id, waiting.id, True, session.animator_id)
    return phone
