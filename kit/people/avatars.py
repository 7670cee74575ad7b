"""The avatars' pictures: SVG drawings from one sprite, static/img/avatars.svg, the same on every phone.

Emoji depend on the phone's font, and old Android phones lack most of the animal faces. Pages that show
many avatars point at the sprite with <use>, so it is downloaded once and cached; the phone's live page,
which shows only its own participant's, carries that one drawing inline and downloads no sprite at all.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from flask import Flask, url_for
from markupsafe import Markup

from kit.people.nicknames import UNKNOWN_AVATAR, avatar_id, avatar_name

SPRITE = Path(__file__).resolve().parent.parent.parent / "static" / "img" / "avatars.svg"
SPRITE_PATH = "img/avatars.svg"  # under static/
_SYMBOL = re.compile(r'<symbol id="avatar-([a-z]+)">(.*?)</symbol>', re.S)
# The drawings are on a 48-unit grid; the page's CSS sets the size.
_OPEN = '<svg class="{css}" viewBox="0 0 48 48" aria-hidden="true" focusable="false">'


@cache
def drawings() -> dict[str, str]:
    """Each picture's SVG markup, by id, read once from the sprite."""
    return dict(_SYMBOL.findall(SPRITE.read_text(encoding="utf-8")))


def avatar_picture(stored: str | None, css: str = "avatar", inline: bool = False) -> Markup:
    """An <svg> showing a stored avatar; decorative (aria-hidden): the nickname or a hidden name goes beside it.

    `inline` copies the drawing into the page instead of pointing at the sprite: for a page with one avatar.
    """
    picture = avatar_id(stored)
    if inline:
        body = drawings().get(picture) or drawings()[UNKNOWN_AVATAR]
    else:
        href = f"{url_for('static', filename=SPRITE_PATH)}#avatar-{picture}"
        # xlink:href as well, for the browsers of before 2017 that know no other.
        body = f'<use href="{href}" xlink:href="{href}"/>'
    return Markup(_OPEN.format(css=css) + body + "</svg>")


def init_avatars(app: Flask) -> None:
    """Templates call avatar_picture(p.avatar) and avatar_name(p.avatar)."""
    app.add_template_global(avatar_picture)
    app.add_template_global(avatar_name)
