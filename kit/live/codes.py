"""Short numeric join codes, unique among the sessions that can be joined."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from kit.extensions import db
from kit.models import TrainingSession

CODE_LENGTH = 6


def new_join_code() -> str:
    """A random 6-digit code that no joinable session uses (the column is unique too)."""
    for _ in range(50):
        code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
        if not db.session.scalar(sa.select(TrainingSession.id).where(TrainingSession.join_code == code)):
            return code
    raise RuntimeError("no free join code")  # 50 collisions in a million codes: never in practice


def normalize_code(raw: object) -> str | None:
    """The digits of a typed code ("123 456" → "123456"), or None if it cannot be one."""
    if not isinstance(raw, str | int):
        return None
    digits = "".join(c for c in str(raw) if c.isdigit())
    return digits if len(digits) == CODE_LENGTH and len(str(raw)) <= 20 else None
