"""Participants' names: the avatars to pick from, and when two nicknames are the same person."""

from __future__ import annotations

import re
import unicodedata

# Emoji of Unicode 6.0 only: they show on the oldest Android phones still in use.
AVATARS = ("🐱", "🐶", "🐭", "🐻", "🐼", "🐸", "🐵", "🐴", "🐯", "🐰", "🐨", "🐷", "🐮", "🐧", "🐢", "🐙")
NICKNAME = re.compile(r"^[\w' .-]+$")
NICKNAME_MAX = 20


def nickname_key(nickname: str) -> str:
    """The nickname folded: "Léa", "LEA" and " lea " are the same person."""
    folded = unicodedata.normalize("NFKD", " ".join(nickname.split()).lower())
    return "".join(c for c in folded if not unicodedata.combining(c))[:30]


def avatar_for(position: int) -> str:
    """An avatar for the n-th participant added by the animator."""
    return AVATARS[position % len(AVATARS)]
