"""The sign-in sheet of a half-day: who, where, when, the animator, a signature per person, the states, a total."""

from __future__ import annotations

from flask import Flask

from kit.reports.rules import EXCUSED, PRESENT
from tests.factories import login, make_group, make_session, make_user
from tests.kit.courses.attend_support import enrol, hold, make_course


def test_the_sheet_of_an_offer_half_day(app: Flask) -> None:
    client = app.test_client()
    with app.app_context():
        course = make_course()
        for name in ("Karim", "Awa", "Bintou"):
            enrol(course, name)
        session_id, offer_id = course.sessions[0].id, course.offer.id
        login(client, "anim@test.fr")
        page = client.get(f"/animateur/seances/{session_id}/emargement").get_data(as_text=True)
        for text in ("Feuille d'émargement", "Asso Animatrice", "Maison des associations", "3 rue des Lilas",
                     "10/11/2026", "09 h 30", "13 h 00",  # 8:30 UTC is 9:30 in Paris in November
                     "Karim B.", "Awa B.", "Bintou B.", "Signature", "Total", "3 attendu·e·s",
                     "Anim</strong>, animateur·rice"):
            assert text in page, text
        assert "Présent·e" not in page  # not held yet: no state
        # From the offer, by the half-day's number.
        assert client.get(f"/animateur/offres/{offer_id}/demi-journees/1/emargement").get_data(as_text=True) == page
        assert client.get(f"/animateur/offres/{offer_id}/demi-journees/5/emargement").status_code == 404
        assert client.get("/animateur/offres/999/demi-journees/1/emargement").status_code == 404
        # Once held: the states and the totals.
        hold(course, 1, {"Karim": PRESENT, "Awa": EXCUSED})
        page = client.get(f"/animateur/seances/{session_id}/emargement").get_data(as_text=True)
        assert "1 présent·e·s · 1 excusé·e·s · 1 absent·e·s" in page
        # The séance page links to it.
        assert f"/animateur/seances/{session_id}/emargement" in client.get(
            f"/animateur/seances/{session_id}").get_data(as_text=True)


def test_the_sheet_of_a_group_without_offer(app: Flask) -> None:
    with app.app_context():
        animator = make_user()
        make_user("autre@test.fr")
        session_id = make_session(make_group(animator, ("Zoé", "Awa"))).id
    client = app.test_client()
    login(client)
    page = client.get(f"/animateur/seances/{session_id}/emargement").get_data(as_text=True)
    assert page.index("Awa") < page.index("Zoé") and "2 attendu·e·s" in page
    assert "Présent·e" in page or "Absent·e" in page  # a started session: states known
    other = app.test_client()
    login(other, "autre@test.fr")
    assert other.get(f"/animateur/seances/{session_id}/emargement").status_code == 404
