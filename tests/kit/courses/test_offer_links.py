"""The offer's page links to what each account may open: convocations, the .ics, the sign-in sheets; and
whoever holds a seat or a waiting place is no longer « waiting for a course » on the diagnostic figures."""

from __future__ import annotations

from flask import Flask

from kit.courses.booking import cancel, enrol
from kit.diagnostic.figures import waiting_for_course
from kit.extensions import db
from kit.models import CourseOffer, Enrolment
from tests.factories import login, make_user
from tests.kit.courses.support import counselor_with_people, make_offer, make_structure
from tests.kit.diagnostic.support import make_diagnostic


def _world(app: Flask) -> dict[str, int]:
    with app.app_context():
        home = make_structure("Régie", animatrice=True)
        animator = make_user("anim@test.fr", siae=home)
        make_user("anim2@test.fr", siae=home)
        counselor, people = counselor_with_people("cip@test.fr", make_structure("Chantier"), ("Awa", "Bruno"))
        other, others = counselor_with_people("cip2@test.fr", make_structure("Asso"), ("Fatou",))
        offer = make_offer(animator, capacity=1)
        mine = enrol(offer.id, people[0].id, counselor)
        theirs = enrol(offer.id, others[0].id, other)  # waiting: no convocation yet
        return {"offer": offer.id, "mine": mine.id, "theirs": theirs.id}


def test_links_on_the_offer_page(app: Flask) -> None:
    ids = _world(app)
    offer, mine, theirs = ids["offer"], ids["mine"], ids["theirs"]
    sheet = f"/animateur/offres/{offer}/demi-journees/1/emargement"
    client = app.test_client()
    login(client, "anim@test.fr")  # the offer's animator: everything
    html = client.get(f"/formations/{offer}").get_data(as_text=True)
    assert f"/formations/convocations/{mine}" in html and f"/formations/convocations/{theirs}" not in html
    assert f"/formations/offres/{offer}/convocations" in html and f"/formations/offres/{offer}/calendrier.ics" in html
    assert sheet in html and "/demi-journees/4/emargement" in html
    assert "Aucun serveur d'e-mail n'est configuré" in html
    assert client.get(sheet).status_code == 200
    client = app.test_client()
    login(client, "anim2@test.fr")  # another animator of the SIAE: convocations, not the sheets
    html = client.get(f"/formations/{offer}").get_data(as_text=True)
    assert f"/formations/convocations/{mine}" in html and "emargement" not in html
    client = app.test_client()
    login(client, "cip2@test.fr")  # the waiting person's counselor: no one's convocation, the .ics
    html = client.get(f"/formations/{offer}").get_data(as_text=True)
    assert "/formations/convocations/" not in html and f"/formations/offres/{offer}/convocations" not in html
    assert "calendrier.ics" in html and "emargement" not in html
    client = app.test_client()
    login(client, "cip@test.fr")
    html = client.get(f"/formations/{offer}").get_data(as_text=True)
    assert f"/formations/convocations/{mine}" in html and f"/formations/offres/{offer}/convocations" in html
    assert client.get(f"/formations/convocations/{mine}").status_code == 200


def test_enrolled_people_no_longer_wait_for_a_course(app: Flask) -> None:
    with app.app_context():
        animator = make_user("anim@test.fr", siae=make_structure("Régie", animatrice=True))
        siae = make_structure("Chantier")
        counselor, people = counselor_with_people("cip@test.fr", siae, ("Awa", "Bruno", "Chloé"))
        for person in people:
            make_diagnostic(person)
        assert len(waiting_for_course([siae.id])) == 3
        offer: CourseOffer = make_offer(animator, capacity=1)
        seated = enrol(offer.id, people[0].id, counselor)
        enrol(offer.id, people[1].id, counselor)  # on the waiting list: not waiting for a course any more
        assert [e.first_name for e, _d in waiting_for_course([siae.id])] == ["Chloé"]
        cancel(seated.id, counselor, "autre")  # Bruno is promoted; Awa, cancelled, waits again
        db.session.expire_all()
        assert db.session.get(Enrolment, seated.id).status == "cancelled"
        assert [e.first_name for e, _d in waiting_for_course([siae.id])] == ["Awa", "Chloé"]
