"""The avatars: each stored emoji has a stable id, a French name and a drawing in the sprite (kit/people/avatars.py)."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa
from flask import Flask

from kit.extensions import db
from kit.models import Participant
from kit.people.avatars import SPRITE, avatar_picture, drawings
from kit.people.nicknames import (
    AVATAR_IDS,
    AVATAR_NAMES,
    AVATARS,
    EMOJI_BY_ID,
    UNKNOWN_AVATAR,
    avatar_for,
    avatar_id,
    avatar_name,
)
from tests.factories import make_group, make_session, make_user

SVG = "{http://www.w3.org/2000/svg}"


def test_sixteen_avatars_with_distinct_ids_and_french_names() -> None:
    assert len(AVATARS) == 16 and len(set(AVATAR_IDS.values())) == 16
    assert len({AVATAR_NAMES[i] for i in AVATAR_IDS.values()}) == 16
    assert avatar_name("🐱") == "Chat" and avatar_name("🐙") == "Pieuvre" and avatar_name("dog") == "Chien"
    assert all(EMOJI_BY_ID[avatar_id(emoji)] == emoji for emoji in AVATARS)
    assert avatar_for(17) == AVATARS[1]


def test_every_avatar_and_the_fallback_are_drawn_in_the_sprite() -> None:
    root = ET.parse(SPRITE).getroot()  # well-formed XML, or the browsers draw nothing
    symbols = {s.get("id") for s in root.iter(f"{SVG}symbol")}
    assert symbols == {f"avatar-{i}" for i in (*AVATAR_IDS.values(), UNKNOWN_AVATAR)}
    assert set(drawings()) == {*AVATAR_IDS.values(), UNKNOWN_AVATAR}
    assert all(drawings()[i].count("<") >= 3 for i in drawings())  # a few shapes each, never empty


@pytest.mark.parametrize("stored", ["💣", "", None, "<script>", "🐱🐶", "cat "])
def test_an_unknown_stored_value_gets_the_silhouette(app: Flask, stored: str | None) -> None:
    assert avatar_id(stored) == UNKNOWN_AVATAR and avatar_name(stored) == "Silhouette"
    with app.test_request_context():
        assert "#avatar-unknown" in avatar_picture(stored)
        assert drawings()[UNKNOWN_AVATAR] in avatar_picture(stored, inline=True)
        assert "<script>" not in avatar_picture(stored)


def test_a_picture_is_decorative_svg_from_the_sprite_or_inline(app: Flask) -> None:
    with app.test_request_context():
        linked = str(avatar_picture("🐼", css="person-avatar"))
        inline = str(avatar_picture("🐼", inline=True))
    assert linked.startswith('<svg class="person-avatar" viewBox="0 0 48 48" aria-hidden="true"')
    assert re.search(r'href="/static/img/avatars\.[0-9a-f]{8}\.svg#avatar-panda"', linked) and "🐼" not in linked
    assert "<use" not in inline and drawings()["panda"] in inline


def test_the_join_page_shows_pictures_and_no_emoji(app: Flask) -> None:
    with app.app_context():
        code = make_session(make_group(make_user())).join_code
    phone = app.test_client()
    page = html.unescape(phone.get(f"/j/{code}").get_data(as_text=True))
    assert not any(emoji in page for emoji in AVATARS)
    assert page.count('class="face"><svg class="avatar"') == 16
    assert 'value="penguin"' in page and ">Pingouin</span>" in page
    # The picture's id is what the form sends now; the row keeps the emoji, as every older row does.
    response = phone.post(f"/j/{code}/nouveau", data={"nickname": "Lou", "avatar": "penguin"})
    assert response.status_code == 302
    live = html.unescape(phone.get(f"/j/{code}").get_data(as_text=True))
    assert not any(emoji in live for emoji in AVATARS)
    assert drawings()["penguin"] in live and "/img/avatars." not in live  # one drawing inline, no sprite to fetch
    with app.app_context():
        assert db.session.scalar(sa.select(Participant.avatar).where(Participant.nickname == "Lou")) == "🐧"


def test_a_row_with_an_unknown_avatar_still_shows_its_pages(app: Flask) -> None:
    with app.app_context():
        session = make_session(make_group(make_user()))
        code = session.join_code
        db.session.execute(sa.update(Participant).values(avatar="?!"))
        db.session.commit()
    page = html.unescape(app.test_client().get(f"/j/{code}").get_data(as_text=True))
    assert page.count("#avatar-unknown") >= 3  # Awa, Bruno and Chloé
