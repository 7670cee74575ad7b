"""The animator's two-tap correction on the presenter (`attendance_for`): one person, one state, every window told."""

from __future__ import annotations

from kit.reports.rules import ABSENT, EXCUSED, PRESENT
from tests.factories import make_group, make_user
from tests.kit.live.conftest import Live, events


def test_two_taps_on_the_presenter_reach_every_animator_window(live: Live) -> None:
    """The phone marks Awa present; the animator corrects Bruno to « excusé »: the roster says so."""
    phone = live.phone("Awa")
    animator, other_window = live.animator(), live.animator()
    roster = events(animator, "roster", "/animateur")[-1]
    states = {p["nickname"]: p["state"] for p in roster["participants"]}
    assert states == {"Awa": PRESENT, "Bruno": ABSENT, "Chloé": ABSENT}
    bruno = next(p["id"] for p in roster["participants"] if p["nickname"] == "Bruno")
    other_window.get_received("/animateur")
    ack = animator.emit("attendance_for", {"participant": bruno, "state": EXCUSED}, namespace="/animateur",
                        callback=True)
    assert ack == {"ok": True, "participant": bruno, "state": EXCUSED}
    seen = events(other_window, "roster", "/animateur")[-1]
    assert {p["nickname"]: p["state"] for p in seen["participants"]}["Bruno"] == EXCUSED
    # Refused: a state that does not exist, someone of another group.
    bad = animator.emit("attendance_for", {"participant": bruno, "state": "malade"}, namespace="/animateur",
                        callback=True)
    assert not bad["ok"]
    with live.app.app_context():
        stranger = make_group(make_user("x@test.fr"), ("Zoé",)).participants[0].id
    far = animator.emit("attendance_for", {"participant": stranger, "state": PRESENT}, namespace="/animateur",
                        callback=True)
    assert not far["ok"] and "groupe" in far["error"]["message"]
    phone.disconnect(namespace="/participant")


def test_an_excused_person_who_joins_is_present(live: Live) -> None:
    """Excused beforehand, Bruno comes after all: his phone makes him present. An « absent » correction stays."""
    animator = live.animator()
    roster = events(animator, "roster", "/animateur")[-1]
    ids = {p["nickname"]: p["id"] for p in roster["participants"]}
    for name, state in (("Bruno", EXCUSED), ("Chloé", PRESENT)):
        assert animator.emit("attendance_for", {"participant": ids[name], "state": state}, namespace="/animateur",
                             callback=True)["ok"]
    assert animator.emit("attendance_for", {"participant": ids["Chloé"], "state": ABSENT}, namespace="/animateur",
                         callback=True)["ok"]
    phones = [live.phone("Bruno"), live.phone("Chloé")]
    animator.emit("sync", {}, namespace="/animateur", callback=True)
    states = {p["nickname"]: p["state"] for p in events(animator, "roster", "/animateur")[-1]["participants"]}
    assert states == {"Awa": ABSENT, "Bruno": PRESENT, "Chloé": ABSENT}
    for phone in phones:
        phone.disconnect(namespace="/participant")
