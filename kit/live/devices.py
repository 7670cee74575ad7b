"""The device cookie that brings a phone back to the same participant."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from kit.extensions import db
from kit.models import Participant, ParticipantDevice

COOKIE = "kit_device"
COOKIE_MAX_AGE = 60 * 60 * 24 * 120  # the 4 half-days may spread over a few months


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_hash(token: str | None) -> str | None:
    """What is stored of a device token (its hash), or None for no token or one too long to be ours."""
    if not token or len(token) > 100:
        return None
    return _hash(token)


def participant_for_token(token: str | None) -> Participant | None:
    """The participant a device token belongs to (only its hash is stored)."""
    hashed = token_hash(token)
    if hashed is None:
        return None
    return db.session.scalar(sa.select(Participant).join(ParticipantDevice)
                             .where(ParticipantDevice.token_hash == hashed))


def bind_token_hash(participant_id: int, hashed: str, commit: bool = True) -> None:
    """Make the phone of this token hash the participant's (it may have been someone else's of the group)."""
    device = db.session.scalar(sa.select(ParticipantDevice).where(ParticipantDevice.token_hash == hashed))
    if device is None:
        db.session.add(ParticipantDevice(participant_id=participant_id, token_hash=hashed))
    else:
        device.participant_id = participant_id
    if commit:
        db.session.commit()


def bind_device(participant: Participant, token: str | None) -> str:
    """Attach this phone to the participant; return the token to store in its cookie."""
    if token and len(token) <= 100:
        device = db.session.scalar(sa.select(ParticipantDevice).where(ParticipantDevice.token_hash == _hash(token)))
        if device is not None:
            device.participant_id = participant.id  # this phone now belongs to someone else of the group
            db.session.commit()
            return token
    token = secrets.token_urlsafe(32)
    db.session.add(ParticipantDevice(participant_id=participant.id, token_hash=_hash(token)))
    db.session.commit()
    return token
