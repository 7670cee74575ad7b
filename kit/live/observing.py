"""The presenter's observation grid during a live session: what may be observed now, then stored.

A tap is accepted only for a skill that the slide shown to the group declares (`Slide.skills`), for a
participant of the session's group, while the session is live; the row itself is kept by
kit/evidence/observations.py, and read back by the badges and the evaluation.
"""

from __future__ import annotations

from typing import Any

from kit.evidence import observations
from kit.extensions import db
from kit.live.errors import LiveError
from kit.models import Participant, SessionStatus
from slides import Deck


def observe(session: Any, deck: Deck, slide: int, participant_id: int, skill: str, level: str | None,
            observed_by_id: int) -> None:
    """Record (or clear, when `level` is None) what the animator saw on the current slide; committed.

    `slide` is the slide the animator's grid was drawn for: if another window has moved the group on
    since, the tap is refused rather than stored against a slide the animator was not looking at.
    """
    if session.status != SessionStatus.LIVE:
        raise LiveError("Cette séance n'est pas en cours.", "pas_en_cours")
    if slide != session.current_slide:
        raise LiveError("La diapo a changé entre-temps : regardez la grille de la diapo affichée.", "autre_diapo")
    shown = deck.slides[slide - 1] if 1 <= slide <= len(deck.slides) else None
    if shown is None or skill not in shown.skills:
        raise LiveError("Cette compétence ne s'observe pas sur cette diapo.", "hors_diapo")
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.group_id != session.group_id:
        raise LiveError("Ce participant n'est pas dans le groupe de cette séance.", "hors_groupe")
    if level is None:
        observations.clear(session.id, participant_id, skill)
    else:
        observations.observe(session.id, participant_id, skill, level, slide=slide, observed_by_id=observed_by_id)


def levels_payload(session_id: int) -> dict[str, Any]:
    """Every observation of the session, for the animator windows' grid when they (re)connect."""
    return {"session": session_id,
            "levels": [{"participant": pid, "skill": skill, "level": level}
                       for pid, skill, level in observations.session_levels(session_id)]}
