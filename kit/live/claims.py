"""Who may say « c'est moi » on a name of the group (docs/protocol.md, « Identité des participants »).

Anyone with the join code sees the group's names. Joining stays easy for someone who changed phones:
- a name without a phone yet, or whose phone is this one, is taken at once;
- a name whose phone is offline is taken at once too, and the animator sees « nouveau téléphone »;
- a name whose phone is connected right now waits for the animator's one-tap approval on the presenter:
  the new phone gets its cookie, but it is bound to the name only once the animator accepts.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa

from kit.extensions import db
from kit.live.devices import bind_token_hash, token_hash
from kit.live.errors import LiveError
from kit.live.presence import ALIVE_FOR
from kit.models import ClaimStatus, DeviceClaim, Participant, ParticipantDevice, Presence, Worker, utcnow
from kit.people.nicknames import avatar_id


def phone_connected(session_id: int, participant_id: int, except_device: str | None = None) -> bool:
    """Whether another phone of this participant holds a connection to the session right now."""
    alive = sa.select(Worker.id).where(Worker.seen_at >= utcnow() - ALIVE_FOR)
    query = sa.select(Presence.sid).where(Presence.session_id == session_id,
                                          Presence.participant_id == participant_id, Presence.worker_id.in_(alive))
    if except_device is not None:
        query = query.where(sa.or_(Presence.device.is_(None), Presence.device != except_device))
    return db.session.scalar(query.limit(1)) is not None


def claim(session_id: int, participant: Participant, token: str | None) -> tuple[str, DeviceClaim | None]:
    """A phone says « c'est moi »: return its token, and the claim if the animator must approve it.

    Commits. Without a pending claim, the phone is now the participant's.
    """
    hashed = token_hash(token)
    if hashed is None:
        token = secrets.token_urlsafe(32)
        hashed = token_hash(token)
    assert token is not None and hashed is not None
    devices = set(db.session.scalars(sa.select(ParticipantDevice.token_hash)
                                     .where(ParticipantDevice.participant_id == participant.id)))
    if hashed in devices:  # already this participant's phone
        return token, None
    # One request per phone: asking again, or for another name, replaces the one waiting.
    pending = db.session.scalar(sa.select(DeviceClaim).where(
        DeviceClaim.session_id == session_id, DeviceClaim.token_hash == hashed,
        DeviceClaim.status == ClaimStatus.PENDING))
    if phone_connected(session_id, participant.id, except_device=hashed):
        if pending is None:
            pending = DeviceClaim(session_id=session_id, participant_id=participant.id, token_hash=hashed)
            db.session.add(pending)
        pending.participant_id = participant.id
        db.session.commit()
        return token, pending
    if pending is not None:
        db.session.delete(pending)
    if devices:  # offline phone: taken freely, and the animator is told
        db.session.add(DeviceClaim(session_id=session_id, participant_id=participant.id, token_hash=hashed,
                                   status=ClaimStatus.FREE.value, decided_at=utcnow()))
    bind_token_hash(participant.id, hashed)
    return token, None


def decide(session_id: int, claim_id: int, accept: bool, by_user_id: int) -> DeviceClaim:
    """The animator accepts or refuses a pending claim of their session. Commits."""
    found = db.session.get(DeviceClaim, claim_id)
    if found is None or found.session_id != session_id:
        raise LiveError("Cette demande n'existe pas.", "demande_inconnue")
    if found.status != ClaimStatus.PENDING:
        raise LiveError("Cette demande a déjà reçu une réponse.", "deja_decidee")
    found.status = (ClaimStatus.ACCEPTED if accept else ClaimStatus.REFUSED).value
    found.decided_at = utcnow()
    found.decided_by_id = by_user_id
    if accept:
        bind_token_hash(found.participant_id, found.token_hash, commit=False)
    db.session.commit()
    return found


def status_of(session_id: int, token: str | None) -> DeviceClaim | None:
    """The latest claim this phone made in the session, if any."""
    hashed = token_hash(token)
    if hashed is None:
        return None
    return db.session.scalar(sa.select(DeviceClaim).where(DeviceClaim.session_id == session_id,
                                                          DeviceClaim.token_hash == hashed)
                             .order_by(DeviceClaim.id.desc()).limit(1))


# Built once: every refresh of an animator's roster runs it, and building it cost more than running it.
_PENDING = (sa.select(DeviceClaim.id, Participant.id, Participant.nickname, Participant.avatar)
            .join(Participant, Participant.id == DeviceClaim.participant_id)
            .where(DeviceClaim.session_id == sa.bindparam("session_id"), DeviceClaim.status == ClaimStatus.PENDING)
            .order_by(DeviceClaim.id))


def pending_claims(session_id: int) -> list[dict[str, Any]]:
    """The claims waiting for the animator, oldest first, for the presenter."""
    rows = db.session.execute(_PENDING, {"session_id": session_id})
    return [{"id": cid, "participant": pid, "nickname": nickname, "avatar": avatar_id(avatar)}
            for cid, pid, nickname, avatar in rows]


def devices_connected(session_id: int) -> dict[int, int]:
    """How many different phones each participant has connected to the session right now."""
    alive = sa.select(Worker.id).where(Worker.seen_at >= utcnow() - ALIVE_FOR)
    return {pid: count for pid, count in db.session.execute(
        sa.select(Presence.participant_id, sa.func.count(sa.distinct(Presence.device)))
        .where(Presence.session_id == session_id, Presence.worker_id.in_(alive))
        .group_by(Presence.participant_id))}


def claims_by_participant(session_id: int) -> dict[int, set[str]]:
    """The statuses of the claims made on each participant during the session (for the séance page)."""
    found: dict[int, set[str]] = {}
    for participant_id, status in db.session.execute(sa.select(DeviceClaim.participant_id, DeviceClaim.status)
                                                     .where(DeviceClaim.session_id == session_id)):
        found.setdefault(participant_id, set()).add(status)
    return found
