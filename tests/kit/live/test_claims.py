"""A participant's identity: who may tap « c'est moi » on a name (kit/live/claims.py)."""

from __future__ import annotations

import html

import sqlalchemy as sa

from kit.extensions import db, socketio
from kit.models import DeviceClaim, Participant
from kit.people.nicknames import AVATAR_NAMES
from tests.factories import join_as

from .conftest import Live, events

A, P = "/animateur", "/participant"


def person(live: Live, nickname: str) -> int:
    with live.app.app_context():
        return db.session.scalar(sa.select(Participant.id).where(Participant.nickname == nickname))


def second_phone(live: Live, nickname: str):  # type: ignore[no-untyped-def]
    """Another phone tapping « c'est moi » on `nickname`, not approved: (its HTTP client, the redirect)."""
    phone = live.app.test_client()
    response = phone.post(f"/j/{live.code}/moi/{person(live, nickname)}")
    assert response.status_code == 302
    return phone, response.headers["Location"]


def connects(live: Live, http) -> bool:  # type: ignore[no-untyped-def]
    client = socketio.test_client(live.app, namespace=P, auth={"code": live.code}, flask_test_client=http)
    return client.is_connected(P)


def latest_roster(animator) -> dict:  # type: ignore[no-untyped-def]
    return events(animator, "roster", A)[-1]


def test_a_connected_name_waits_for_the_animators_approval(live: Live) -> None:
    awa = live.phone("Awa")  # Awa's own phone, connected
    animator = live.animator()
    phone, location = second_phone(live, "Awa")
    assert location.endswith(f"/j/{live.code}/attente")
    page = phone.get(f"/j/{live.code}/attente")
    assert page.status_code == 200 and "Demande envoyée à l'animateur" in html.unescape(page.get_data(as_text=True))
    assert phone.get(f"/j/{live.code}/attente.json").get_json() == {"status": "pending"}
    assert not connects(live, phone)  # not Awa until accepted
    roster = latest_roster(animator)
    assert [c["nickname"] for c in roster["claims"]] == ["Awa"]
    # The picture's id, never the stored emoji: the presenter draws it from the sprite (docs/protocol.md).
    assert roster["claims"][0]["avatar"] == "cat"
    assert {p["avatar"] for p in roster["participants"]} <= set(AVATAR_NAMES)
    claim_id = roster["claims"][0]["id"]

    ack = animator.emit("approve_device", {"claim": claim_id, "accept": True}, namespace=A, callback=True)
    assert ack == {"ok": True, "claim": claim_id, "status": "accepted"}
    assert latest_roster(animator)["claims"] == []
    assert phone.get(f"/j/{live.code}/attente.json").get_json() == {"status": "accepted"}
    assert phone.get(f"/j/{live.code}/attente").headers["Location"].endswith(f"/j/{live.code}")
    assert connects(live, phone)
    entry = next(p for p in latest_roster(animator)["participants"] if p["nickname"] == "Awa")
    assert entry["devices"] == 2  # « 2 téléphones » on the presenter
    http = live.animator_http
    page = html.unescape(http.get(f"/animateur/seances/{live.session_id}").get_data(as_text=True))
    assert "« 2 téléphones »" in page
    # Answered once: a second answer is refused as decided, and another session cannot decide it.
    again = animator.emit("approve_device", {"claim": claim_id, "accept": False}, namespace=A, callback=True)
    assert not again["ok"] and again["error"]["code"] == "deja_decidee"
    awa.disconnect(P)


def test_a_refused_phone_stays_out(live: Live) -> None:
    live.phone("Bruno")
    animator = live.animator()
    phone, _location = second_phone(live, "Bruno")
    claim_id = latest_roster(animator)["claims"][0]["id"]
    for bad in ({"claim": claim_id}, {"claim": "x", "accept": True}, {"claim": 10**9, "accept": True}):
        ack = animator.emit("approve_device", bad, namespace=A, callback=True)
        assert not ack["ok"] and ack["error"]["message"]
    ack = animator.emit("approve_device", {"claim": claim_id, "accept": False}, namespace=A, callback=True)
    assert ack["ok"] and ack["status"] == "refused"
    assert phone.get(f"/j/{live.code}/attente.json").get_json() == {"status": "refused"}
    assert "Demande refusée" in html.unescape(phone.get(f"/j/{live.code}/attente").get_data(as_text=True))
    assert not connects(live, phone)
    # The phone itself can only join the session as someone else now.
    assert "Qui êtes-vous" in html.unescape(phone.get(f"/j/{live.code}").get_data(as_text=True))
    # A phone cannot approve itself: phones have no such event.
    bruno = live.phone("Bruno")
    ack = bruno.emit("approve_device", {"claim": claim_id, "accept": True}, namespace=P, callback=True)
    assert not (ack or {}).get("ok")


def test_a_name_whose_phone_is_offline_is_taken_freely_and_the_animator_is_told(live: Live) -> None:
    live.phone("Chloé").disconnect(P)  # Chloé's phone joined, then slept
    animator = live.animator()
    phone, location = second_phone(live, "Chloé")
    assert location.endswith(f"/j/{live.code}")
    assert connects(live, phone)
    entry = next(p for p in latest_roster(animator)["participants"] if p["nickname"] == "Chloé")
    assert entry["new_device"] and entry["devices"] == 1
    page = html.unescape(live.animator_http.get(f"/animateur/seances/{live.session_id}").get_data(as_text=True))
    assert "« nouveau téléphone »" in page
    with live.app.app_context():
        assert db.session.scalar(sa.select(DeviceClaim.status)) == "free"


def test_a_first_phone_and_the_same_phone_need_no_approval(live: Live) -> None:
    with live.app.app_context():  # Awa was added by the animator: no phone yet
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DeviceClaim)) == 0
    first = join_as(live.app, live.code, "Awa", approve=False)
    assert connects(live, first)
    # The same phone taps its own name again (say, after going back): still Awa, no request.
    response = first.post(f"/j/{live.code}/moi/{person(live, 'Awa')}")
    assert response.headers["Location"].endswith(f"/j/{live.code}")
    with live.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DeviceClaim)) == 0
    assert first.get(f"/j/{live.code}/attente.json").get_json() == {"status": "none"}
    assert live.app.test_client().get("/j/000000/attente.json").status_code == 404


def test_asking_again_once_the_other_phone_left_takes_the_name_and_clears_the_request(live: Live) -> None:
    awa = live.phone("Awa")
    animator = live.animator()
    phone, location = second_phone(live, "Awa")
    assert location.endswith("/attente") and len(latest_roster(animator)["claims"]) == 1
    awa.disconnect(P)  # Awa's first phone went to sleep before the animator answered
    response = phone.post(f"/j/{live.code}/moi/{person(live, 'Awa')}")
    assert response.headers["Location"].endswith(f"/j/{live.code}")
    assert connects(live, phone)
    assert latest_roster(animator)["claims"] == []
    with live.app.app_context():
        assert db.session.scalars(sa.select(DeviceClaim.status)).all() == ["free"]
