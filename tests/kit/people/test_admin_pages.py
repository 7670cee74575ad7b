"""The admin's pages: structures and accounts, with French errors and no way to lock oneself out."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kit.extensions import db
from kit.models import Siae, User
from tests.factories import PASSWORD, login, make_user


def text(response: object) -> str:
    """A page, entities decoded."""
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]



def account(**changes: str) -> dict[str, str]:
    """The account form's fields."""
    return {"email": "nouvelle@test.fr", "name": "Nouvelle", "role": "animator", "siae": "0", "region": "",
            "active": "y", "password": PASSWORD} | changes


def test_create_and_change_a_structure(admin: FlaskClient, app: Flask) -> None:
    response = admin.post("/admin/structures/nouvelle", data={"name": "", "region": "Corse", "kind": "ACI"})
    assert response.status_code == 200 and "Indiquez le nom." in text(response)
    response = admin.post("/admin/structures/nouvelle", data={"name": "X", "region": "Atlantide", "kind": "ACI"})
    assert "Not a valid choice" in text(response) or "pas un choix valide" in text(response).lower()
    assert admin.post("/admin/structures/nouvelle", data={"name": "GEIQ BTP", "region": "Corse",
                                                          "kind": "GEIQ"}).status_code == 302
    with app.app_context():
        siae = db.session.scalar(sa.select(Siae).where(Siae.name == "GEIQ BTP"))
        assert (siae.region, siae.kind) == ("Corse", "GEIQ")
    admin.post(f"/admin/structures/{siae.id}", data={"name": "GEIQ BTP Corse", "region": "Corse", "kind": "GEIQ"})
    assert "GEIQ BTP Corse" in text(admin.get("/admin/"))
    assert admin.get("/admin/structures/9999").status_code == 404


def test_create_accounts_with_checks(admin: FlaskClient, app: Flask) -> None:
    assert "Choisissez un mot de passe" in text(admin.post("/admin/comptes/nouveau", data=account(password="")))
    assert "Un compte existe déjà" in text(admin.post("/admin/comptes/nouveau", data=account(email="admin@test.fr")))
    response = admin.post("/admin/comptes/nouveau", data=account(role="coordinator"))
    assert "suit une région ou une structure" in text(response)
    assert admin.post("/admin/comptes/nouveau", data=account(role="coordinator", region="Bretagne")).status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "nouvelle@test.fr"))
        assert (user.role, user.region, user.siae_id) == ("coordinator", "Bretagne", None)
        assert user.check_password(PASSWORD)
    fresh = app.test_client()
    login(fresh, "nouvelle@test.fr")
    assert fresh.get("/coordination/").status_code == 200


def test_edit_keeps_the_password_unless_typed_and_can_deactivate(admin: FlaskClient, app: Flask) -> None:
    with app.app_context():
        siae_id = db.session.scalar(sa.select(Siae.id))
        user_id = make_user("anim@test.fr", siae=db.session.get(Siae, siae_id)).id
    page = text(admin.get(f"/admin/comptes/{user_id}"))
    assert 'value="anim@test.fr"' in page
    admin.post(f"/admin/comptes/{user_id}", data=account(email="anim@test.fr", name="Anim", siae=str(siae_id),
                                                         password="", active=""))
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.check_password(PASSWORD) and not user.active and user.siae_id == siae_id
    assert app.test_client().post("/connexion", data={"email": "anim@test.fr", "password": PASSWORD}
                                  ).status_code == 200  # deactivated: cannot sign in


def test_an_admin_cannot_lock_themselves_out(admin: FlaskClient, app: Flask) -> None:
    with app.app_context():
        me = db.session.scalar(sa.select(User.id).where(User.email == "admin@test.fr"))
    response = admin.post(f"/admin/comptes/{me}", data=account(email="admin@test.fr", role="animator"))
    assert "propre rôle d'admin" in text(response)
    admin.post(f"/admin/comptes/{me}", data=account(email="admin@test.fr", role="admin", active=""))
    with app.app_context():
        assert db.session.get(User, me).active


def test_a_structure_s_role_in_the_programme_and_its_contacts(admin: FlaskClient, app: Flask) -> None:
    """Orientatrice, animatrice or both (docs/courses.md), its département and contacts, checked in French."""
    base = {"name": "Atelier Vélo", "region": "Hauts-de-France", "kind": "ACI"}
    page = text(admin.get("/admin/structures/nouvelle"))
    assert re.search(r'<input checked[^>]*name="orientatrice"', page), "a new structure is orientatrice by default"
    bad = text(admin.post("/admin/structures/nouvelle", data=base | {
        "departement": "99", "contact_email": "pas-une-adresse", "contact_phone": "12"}))
    assert "Un numéro de département" in bad and "n'est pas valide" in bad and "Un numéro de téléphone" in bad
    assert admin.post("/admin/structures/nouvelle", data=base | {
        "departement": "2a", "animatrice": "y", "contact_email": "Contact@Velo.fr",
        "contact_phone": "03 20 00 00 00"}).status_code == 302
    with app.app_context():
        siae = db.session.scalar(sa.select(Siae).where(Siae.name == "Atelier Vélo"))
        assert (siae.departement, siae.orientatrice, siae.animatrice) == ("2A", False, True)
        assert (siae.contact_email, siae.contact_phone) == ("contact@velo.fr", "03 20 00 00 00")


def test_a_counselor_s_phone(admin: FlaskClient, app: Flask) -> None:
    """Shown on the convocations of the people they enrol; optional, and checked."""
    assert "Un numéro de téléphone" in text(admin.post("/admin/comptes/nouveau", data=account(phone="abc")))
    assert admin.post("/admin/comptes/nouveau", data=account(phone="06 12 34 56 78")).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(User.phone).where(User.email == "nouvelle@test.fr")) == "06 12 34 56 78"
