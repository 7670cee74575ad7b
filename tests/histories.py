"""Histories built for the tests: structures, accounts of every role, sessions run with attendance."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from kit.extensions import db
from kit.live import answers, service
from kit.models import (
    AnimatorRecord,
    Attendance,
    ModuleRevision,
    Participant,
    RecordKind,
    Role,
    Siae,
    SkillObservation,
    TrainingGroup,
    TrainingSession,
    User,
    utcnow,
)
from tests.factories import make_group, make_user

SLUGS = ("01-smartphone-wifi", "02-naviguer-web", "03-rechercher-information", "04-installer-applications")
PUBLIC = "https://kit.example.org"


def enable_badges(app: Flask, tmp_path: Path, base: str = PUBLIC) -> None:
    """Configure the app to issue badges under `base`, with a key of its own."""
    app.config.update(PUBLIC_BASE_URL=base, BADGE_ISSUER_EMAIL="badges@example.org",
                      BADGE_SIGNING_KEY_FILE=str(tmp_path / "badge_key.pem"),
                      BADGES_ALLOW_LOOPBACK=base.startswith("http://127.0.0.1"))


def make_siae(name: str = "Régie test", region: str = "Hauts-de-France", kind: str = "ACI") -> Siae:
    """A structure."""
    siae = Siae(name=name, region=region, kind=kind)
    db.session.add(siae)
    db.session.commit()
    return siae


def make_coordinator(email: str = "coord@test.fr", region: str | None = "Hauts-de-France",
                     siae: Siae | None = None) -> User:
    """A coordinator of a region (and maybe of an SIAE)."""
    user = make_user(email, Role.COORDINATOR.value, siae=siae)
    user.region = region
    db.session.commit()
    return user


def make_animator_group(animator: User, size: int = 6, name: str = "Groupe complet") -> TrainingGroup:
    """A group of `size` participants, in the animator's SIAE."""
    group = make_group(animator, tuple(f"Personne {i + 1}" for i in range(size)), name=name)
    group.siae_id = animator.siae_id
    db.session.commit()
    return group


def run_session(group: TrainingGroup, slug: str, present: Iterable[Participant] = (), day: date | None = None,
                end: bool = True, minutes: int = 210, confirm: bool = True) -> TrainingSession:
    """A session of the group, started, with these participants present (as when their phones joined).

    Ended (`end`), it lasted `minutes` and its animator confirmed the attendance (`confirm`), as at the
    end of a real half-day: it counts in the figures (kit/reports/rules.py).
    """
    revision_id = db.session.scalar(sa.select(ModuleRevision.id).where(ModuleRevision.slug == slug,
                                                                       ModuleRevision.published))
    session = TrainingSession(group_id=group.id, animator_id=group.animator_id, module_slug=slug,
                              revision_id=revision_id, day=day or date.today())
    db.session.add(session)
    db.session.commit()
    service.start(session)
    for participant in present:
        answers.record_attendance(session.id, participant.id)
    if end:
        finish(session, minutes, confirm)
    return session


def finish(session: TrainingSession, minutes: int = 210, confirm: bool = True) -> None:
    """End a session as if it had lasted `minutes`, its attendance confirmed by its animator (`confirm`)."""
    service.end(session)
    session.started_at = utcnow() - timedelta(minutes=minutes)
    session.ended_at = utcnow()
    if confirm:
        session.attendance_confirmed_at = utcnow()
    db.session.commit()


def run_course(group: TrainingGroup, present: Iterable[Participant] | None = None,
               days: Iterable[date] | None = None, slugs: Iterable[str] = SLUGS) -> list[TrainingSession]:
    """The group taken through the modules, everyone (or `present`) there each time."""
    people = list(group.participants if present is None else present)
    day_list = list(days) if days is not None else [None] * len(SLUGS)
    return [run_session(group, slug, people, day) for slug, day in zip(slugs, day_list, strict=False)]


def record(animator: User, kind: RecordKind, by: User, session: TrainingSession | None = None) -> AnimatorRecord:
    """What a coordinator records about an animator."""
    row = AnimatorRecord(animator_id=animator.id, kind=kind.value, day=date.today(), recorded_by_id=by.id,
                         session_id=session.id if session else None)
    db.session.add(row)
    db.session.commit()
    return row


def attendance(session_id: int) -> dict[int, bool]:
    """A session's attendance, participant id → present."""
    return {a.participant_id: a.present
            for a in db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session_id))}


def observe(participant: Participant, skills: Iterable[str] = ("wifi", "recherche", "application"),
            level: str = "seul", session: TrainingSession | None = None) -> None:
    """The animator saw this participant do these skills (the grid of a session's activity, or outside one)."""
    for skill in skills:
        db.session.add(SkillObservation(participant_id=participant.id, skill=skill, level=level,
                                        session_id=session.id if session else None))
    db.session.commit()
