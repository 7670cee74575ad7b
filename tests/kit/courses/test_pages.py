"""The offers' pages: publishing (French errors at the field), the list, enrolling and cancelling, who sees what."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from kit.extensions import db
from kit.models import CourseOffer, Enrolment, Role
from tests.factories import login, make_user
from tests.kit.courses.support import counselor_with_people, make_offer, make_structure
from tests.kit.diagnostic.support import make_diagnostic


def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        home = make_structure("Régie", animatrice=True)
        animator = make_user("anim@test.fr", siae=home)
        make_user("anim2@test.fr", siae=make_structure("Chantier sans cours"))
        counselor, people = counselor_with_people("cip@test.fr", make_structure("Chantier", departement="62"),
                                                  ("Awa", "Bruno", "Zoé"))
        make_diagnostic(people[2])  # Zoé is oriented to the course: she comes first
        counselor.phone = "06 11 22 33 44"
        _other, others = counselor_with_people("cip2@test.fr", make_structure("Asso"), ("Fatou",))
        make_user("cip-loin@test.fr", Role.COUNSELOR.value, siae=make_structure("Loin", region="Bretagne"))
        db.session.commit()
        offer = make_offer(animator, capacity=2)
        return {"offer": offer.id, "people": [p.id for p in people], "others": [p.id for p in others],
                "deadline": offer.enrol_deadline}


def form_data(**changes: str) -> dict[str, str]:
    first = date.today() + timedelta(days=14)
    data = {"place_name": "Salle B", "place_address": "2 rue Haute, 59000 Lille", "departement": "59",
            "capacity": "8", "enrol_deadline": (first - timedelta(days=1)).isoformat(),
            "contact_phone": "03 20 11 22 33"}
    for n in range(1, 5):
        data |= {f"day_{n}": (first + timedelta(days=7 * (n - 1))).isoformat(), f"start_{n}": "09:00",
                 f"end_{n}": "12:00"}
    return data | changes


def test_publish_form(app: Flask) -> None:
    ids = world(app)
    client = app.test_client()
    login(client, "anim@test.fr")
    page = client.get("/formations/nouvelle")
    assert page.status_code == 200 and "Demi-journée 4 — module 4" in page.get_data(as_text=True)
    with app.app_context():
        animator_id = db.session.scalar(sa.select(CourseOffer.animator_id))
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    bad = client.post("/formations/nouvelle", data=form_data(animator=str(animator_id), day_1=yesterday,
                                                             end_2="08:00", capacity="40"))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert 'id="day_1-erreur">Cette date est passée.' in html
    assert "L&#39;heure de fin doit venir après l&#39;heure de début." in html
    assert "Le nombre de places va de 1 à 12." in html
    garbled = client.post("/formations/nouvelle", data=form_data(animator=str(animator_id), day_4="n'importe"))
    assert garbled.status_code == 400 and 'id="day_4-erreur"' in garbled.get_data(as_text=True)
    good = client.post("/formations/nouvelle", data=form_data(animator=str(animator_id)))
    assert good.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseOffer)) == 2
    assert ids


def test_publish_refused_to_others(app: Flask) -> None:
    world(app)
    for email in ("anim2@test.fr", "cip@test.fr"):
        client = app.test_client()
        login(client, email)
        assert client.get("/formations/nouvelle").status_code == 403


def test_list_and_filters(app: Flask) -> None:
    world(app)
    client = app.test_client()
    login(client, "cip@test.fr")
    html = client.get("/formations/").get_data(as_text=True)
    assert "Places : 0 / 2" in html and "Salle A" in html
    assert "Salle A" not in client.get("/formations/?departement=62").get_data(as_text=True)
    assert "Salle A" in client.get("/formations/?departement=59").get_data(as_text=True)
    later = (date.today() + timedelta(days=60)).isoformat()
    assert "Salle A" not in client.get(f"/formations/?du={later}").get_data(as_text=True)
    odd = client.get("/formations/?du=hier&departement=<b>")
    assert odd.status_code == 200 and "le filtre est ignoré" in odd.get_data(as_text=True)
    far = app.test_client()
    login(far, "cip-loin@test.fr")
    assert "Salle A" not in far.get("/formations/").get_data(as_text=True)


def test_enrol_cancel_and_minimisation(app: Flask) -> None:
    ids = world(app)
    offer = ids["offer"]
    cip, cip2, anim = app.test_client(), app.test_client(), app.test_client()
    login(cip, "cip@test.fr")
    login(cip2, "cip2@test.fr")
    login(anim, "anim@test.fr")
    page = cip.get(f"/formations/{offer}").get_data(as_text=True)
    assert page.index("Zoé X. — orienté·e par le diagnostic") < page.index("Awa X.")
    assert cip.post(f"/formations/{offer}/inscrire", data={"employee": ids["people"][0]}).status_code == 302
    assert cip2.post(f"/formations/{offer}/inscrire", data={"employee": ids["others"][0]}).status_code == 302
    full = cip.post(f"/formations/{offer}/inscrire", data={"employee": ids["people"][1]}, follow_redirects=True)
    assert "sur la liste d&#39;attente" in full.get_data(as_text=True)
    again = cip.post(f"/formations/{offer}/inscrire", data={"employee": ids["people"][0]})
    assert again.status_code == 400
    assert 'id="employee-erreur">Cette personne est déjà inscrit·e' in again.get_data(as_text=True)
    foreign = cip.post(f"/formations/{offer}/inscrire", data={"employee": ids["others"][0]})
    assert "n&#39;est pas salariée de votre structure" in foreign.get_data(as_text=True)
    assert cip.post(f"/formations/{offer}/inscrire", data={"employee": "abc"}).status_code == 400
    assert "Places : 2 / 2" in cip.get("/formations/").get_data(as_text=True)
    # The SIAE animatrice sees first name + initial and the counselor's contact; no link to a record.
    seen = anim.get(f"/formations/{offer}").get_data(as_text=True)
    assert "Awa X." in seen and "Fatou X." in seen and "06 11 22 33 44" in seen and "cip@test.fr" in seen
    assert "/diagnostic/" not in seen and "orienté" not in seen
    # A counselor sees only their own SIAE's people.
    other = cip2.get(f"/formations/{offer}").get_data(as_text=True)
    assert "Fatou X." in other and "Awa X." not in other and "Bruno X." not in other
    with app.app_context():
        awa = db.session.scalar(sa.select(Enrolment).where(Enrolment.employee_id == ids["people"][0]))
        fatou = db.session.scalar(sa.select(Enrolment).where(Enrolment.employee_id == ids["others"][0]))
    assert cip2.post(f"/formations/inscriptions/{awa.id}/annuler", data={"reason": "malade"}).status_code == 404
    assert cip.post(f"/formations/inscriptions/{awa.id}/annuler", data={"reason": "??"}).status_code == 302
    done = anim.post(f"/formations/inscriptions/{fatou.id}/annuler", data={"reason": "emploi", "note": "CDI"},
                     follow_redirects=True).get_data(as_text=True)
    assert "Inscription de Fatou X. annulée. Bruno X., en liste d&#39;attente, a la place." in done
    assert "Places : 2 / 2" in done


def test_after_deadline(app: Flask) -> None:
    ids = world(app)
    with app.app_context():
        offer = db.session.get(CourseOffer, ids["offer"])
        offer.enrol_deadline = date.today() - timedelta(days=1)
        db.session.commit()
    cip = app.test_client()
    login(cip, "cip@test.fr")
    refused = cip.post(f"/formations/{ids['offer']}/inscrire", data={"employee": ids["people"][0]})
    assert refused.status_code == 400
    assert "Les inscriptions sont closes depuis le" in refused.get_data(as_text=True)


def test_cancel_the_offer(app: Flask) -> None:
    ids = world(app)
    anim, cip = app.test_client(), app.test_client()
    login(anim, "anim@test.fr")
    login(cip, "cip@test.fr")
    assert cip.post(f"/formations/{ids['offer']}/inscrire", data={"employee": ids["people"][0]}).status_code == 302
    assert cip.post(f"/formations/{ids['offer']}/annuler", data={"confirm": "y"}).status_code == 403
    unconfirmed = anim.post(f"/formations/{ids['offer']}/annuler", data={}, follow_redirects=True)
    assert "Cochez la case pour confirmer l&#39;annulation." in unconfirmed.get_data(as_text=True)
    done = anim.post(f"/formations/{ids['offer']}/annuler", data={"confirm": "y", "note": "Salle fermée"},
                     follow_redirects=True).get_data(as_text=True)
    assert "Formation annulée. 1 inscription annulée" in done and "Places : 0 / 2" in done
    closed = cip.get(f"/formations/{ids['offer']}").get_data(as_text=True)
    assert "Cette formation est annulée." in closed
