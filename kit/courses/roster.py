"""Enrolled people are the group's participants: their first name is the nickname they tap on the phone."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kit.extensions import db
from kit.models import Answer, Attendance, Employee, Participant
from kit.people.nicknames import NICKNAME_MAX, avatar_for, nickname_key


def _candidates(employee: Employee) -> list[str]:
    first = " ".join(employee.first_name.split())[:NICKNAME_MAX]
    with_initial = f"{first[:NICKNAME_MAX - 3]} {employee.family_initial}."
    return [first, with_initial] + [f"{with_initial[:NICKNAME_MAX - 3]} {n}" for n in range(2, 30)]


def _taken(group_id: int) -> set[str]:
    return set(db.session.scalars(sa.select(Participant.nickname_key).where(Participant.group_id == group_id)))


def seat_participant(group_id: int, employee: Employee) -> Participant:
    """A new participant of the group for this employee: the first name, or with the initial if taken.

    A name the animator adds by hand at the same moment makes the insert fail: the next free name is tried.
    """
    for _attempt in range(3):
        taken = _taken(group_id)
        nickname = next(name for name in _candidates(employee) if nickname_key(name) not in taken)
        participant = Participant(group_id=group_id, nickname=nickname, nickname_key=nickname_key(nickname),
                                  avatar=avatar_for(len(taken)))
        try:
            with db.session.begin_nested():  # a savepoint: a refused name undoes this insert only
                db.session.add(participant)
        except IntegrityError:
            continue
        return participant
    raise RuntimeError("no free nickname for an enrolled person")  # three names taken in between: not expected


def release_participant(participant_id: int | None) -> None:
    """Remove a cancelled person's participant if they never came (no attendance, no answer); else keep them."""
    if participant_id is None:
        return
    came = db.session.scalar(sa.select(Attendance.id).where(Attendance.participant_id == participant_id).limit(1))
    answered = db.session.scalar(sa.select(Answer.id).where(Answer.participant_id == participant_id).limit(1))
    if came is None and answered is None:
        db.session.execute(sa.delete(Participant).where(Participant.id == participant_id))
