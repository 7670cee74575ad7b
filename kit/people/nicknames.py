"""Participants' names: the avatars to pick from, and when two nicknames are the same person."""

from __future__ import annotations

import re
import unicodedata

# A participant's row stores the emoji they picked (every row since the first version does); pages never
# show that emoji, which old Android phones draw as an empty box, but the drawing with the same id in
# static/img/avatars.svg (kit/people/avatars.py). The ids are stable: the sprite and the roster use them.
AVATAR_IDS: dict[str, str] = {"🐱": "cat", "🐶": "dog", "🐭": "mouse", "🐻": "bear", "🐼": "panda", "🐸": "frog",
                              "🐵": "monkey", "🐴": "horse", "🐯": "tiger", "🐰": "rabbit", "🐨": "koala",
                              "🐷": "pig", "🐮": "cow", "🐧": "penguin", "🐢": "turtle", "🐙": "octopus"}
AVATARS = tuple(AVATAR_IDS)
EMOJI_BY_ID = {avatar_id: emoji for emoji, avatar_id in AVATAR_IDS.items()}
# Any other stored value (typed into the database by hand, or a picture removed one day): a plain silhouette.
UNKNOWN_AVATAR = "unknown"
# Their accessible names, in French (read aloud in the join form, where the picture stands alone).
AVATAR_NAMES: dict[str, str] = {"cat": "Chat", "dog": "Chien", "mouse": "Souris", "bear": "Ours", "panda": "Panda",
                                "frog": "Grenouille", "monkey": "Singe", "horse": "Cheval", "tiger": "Tigre",
                                "rabbit": "Lapin", "koala": "Koala", "pig": "Cochon", "cow": "Vache",
                                "penguin": "Pingouin", "turtle": "Tortue", "octopus": "Pieuvre",
                                UNKNOWN_AVATAR: "Silhouette"}
NICKNAME = re.compile(r"^[\w' .-]+$")
NICKNAME_MAX = 20


def nickname_key(nickname: str) -> str:
    """The nickname folded: "Léa", "LEA" and " lea " are the same person."""
    folded = unicodedata.normalize("NFKD", " ".join(nickname.split()).lower())
    return "".join(c for c in folded if not unicodedata.combining(c))[:30]


def avatar_for(position: int) -> str:
    """An avatar for the n-th participant added by the animator."""
    return AVATARS[position % len(AVATARS)]


def avatar_id(stored: str | None) -> str:
    """The picture's id for a stored avatar (an emoji) or an id already; the silhouette for anything else."""
    if stored in AVATAR_NAMES:
        return stored
    return AVATAR_IDS.get(stored or "", UNKNOWN_AVATAR)


def avatar_name(stored: str | None) -> str:
    """The picture's French name for a stored avatar: « Chat », « Chien »…"""
    return AVATAR_NAMES[avatar_id(stored)]
