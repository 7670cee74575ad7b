"""Signing out, a new password and a deactivation end every session of the account, server-side.

A copy of a cookie taken before (a shared computer, a stolen laptop) no longer opens anything: the cookies
carry the account's session token, and these three rotate it.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from kit.extensions import db, socketio
from kit.models import Role, User
from tests.factories import PASSWORD, login, make_group, make_session, make_user

ANIMATOR, ADMIN = "anim@test.fr", "admin@test.fr"


def signed_in(app: Flask, remember: bool = False) -> FlaskClient:
    """A browser signed in as the animator."""
    client = app.test_client()
    data = {"email": ANIMATOR, "password": PASSWORD} | ({"remember": "y"} if remember else {})
    assert client.post("/connexion", data=data).status_code == 302
    return client


def copy_of(app: Flask, client: FlaskClient, name: str) -> FlaskClient:
    """Another browser holding only a saved copy of one of `client`'s cookies."""
    cookie = client.get_cookie(name)
    assert cookie is not None, f"pas de cookie {name}"
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    return thief


def opens_the_dashboard(client: FlaskClient) -> bool:
    response = client.get("/animateur/")
    return response.status_code == 200


def admin_edits_the_animator(app: Flask, **changes: str) -> None:
    admin = app.test_client()
    login(admin, ADMIN)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == ANIMATOR))
        data = {"email": user.email, "name": user.name, "role": user.role, "siae": "0", "region": "", "active": "y",
                "password": ""} | changes
        user_id = user.id
    data = {k: v for k, v in data.items() if v is not None}
    assert admin.post(f"/admin/comptes/{user_id}", data=data).status_code == 302


def setup_accounts(app: Flask) -> None:
    with app.app_context():
        make_user(ANIMATOR)
        make_user(ADMIN, Role.ADMIN.value)


def test_a_saved_session_cookie_no_longer_opens_the_pages_after_signing_out(app: Flask) -> None:
    setup_accounts(app)
    browser = signed_in(app)
    saved = copy_of(app, browser, "session")
    assert opens_the_dashboard(saved)  # the copy works, as the issue saw
    assert browser.post("/deconnexion").status_code == 302
    assert not opens_the_dashboard(saved)
    assert not opens_the_dashboard(browser)


def test_signing_out_ends_the_other_browsers_and_remember_me_too(app: Flask) -> None:
    setup_accounts(app)
    remembered = copy_of(app, signed_in(app, remember=True), "remember_token")
    assert opens_the_dashboard(remembered)
    office = signed_in(app)
    assert office.post("/deconnexion").status_code == 302
    assert not opens_the_dashboard(remembered)


def test_a_new_password_ends_every_session_but_the_admins_own(app: Flask) -> None:
    setup_accounts(app)
    session_copy = copy_of(app, signed_in(app), "session")
    remembered = copy_of(app, signed_in(app, remember=True), "remember_token")
    admin_edits_the_animator(app, password="un-nouveau-mot-de-passe")
    assert not opens_the_dashboard(session_copy)
    assert not opens_the_dashboard(remembered)
    # An admin who changes their own password stays signed in where they did it.
    admin = app.test_client()
    login(admin, ADMIN)
    with app.app_context():
        admin_id = db.session.scalar(sa.select(User.id).where(User.email == ADMIN))
    other_admin_browser = app.test_client()
    login(other_admin_browser, ADMIN)
    assert admin.post(f"/admin/comptes/{admin_id}", data={
        "email": ADMIN, "name": "Admin", "role": "admin", "siae": "0", "region": "", "active": "y",
        "password": "encore-un-autre"}).status_code == 302
    assert admin.get("/admin/").status_code == 200
    assert other_admin_browser.get("/admin/").status_code == 302


def test_an_unchanged_account_keeps_its_sessions(app: Flask) -> None:
    setup_accounts(app)
    session_copy = copy_of(app, signed_in(app), "session")
    admin_edits_the_animator(app)  # saved without a new password, still active
    assert opens_the_dashboard(session_copy)


def test_deactivation_ends_every_session(app: Flask) -> None:
    setup_accounts(app)
    session_copy = copy_of(app, signed_in(app), "session")
    remembered = copy_of(app, signed_in(app, remember=True), "remember_token")
    admin_edits_the_animator(app, active=None)  # the box unticked
    with app.app_context():
        assert not db.session.scalar(sa.select(User.active).where(User.email == ANIMATOR))
        db.session.execute(sa.update(User).where(User.email == ANIMATOR).values(active=True))
        db.session.commit()
    # Even once reactivated, the old cookies stay dead: only a new sign-in opens the pages again.
    assert not opens_the_dashboard(session_copy)
    assert not opens_the_dashboard(remembered)
    assert opens_the_dashboard(signed_in(app))


def test_the_command_signs_an_account_out_everywhere(app: Flask) -> None:
    setup_accounts(app)
    session_copy = copy_of(app, signed_in(app), "session")
    result = app.test_cli_runner().invoke(args=["users", "sign-out", "ANIM@test.fr"])
    assert result.exit_code == 0 and "déconnecté·e partout" in result.output
    assert not opens_the_dashboard(session_copy)
    unknown = app.test_cli_runner().invoke(args=["users", "sign-out", "personne@test.fr"])
    assert unknown.exit_code == 1 and "Aucun compte" in unknown.output


def test_old_cookies_with_a_bare_id_sign_nobody_in(app: Flask) -> None:
    setup_accounts(app)
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == ANIMATOR))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(user_id), True
    assert not opens_the_dashboard(client)


def test_an_animator_window_is_refused_once_the_account_signed_out(app: Flask) -> None:
    setup_accounts(app)
    with app.app_context():
        animator = db.session.scalar(sa.select(User).where(User.email == ANIMATOR))
        session_id = make_session(make_group(animator)).id
    window_browser = signed_in(app)
    window: SocketIOTestClient = socketio.test_client(app, namespace="/animateur", auth={"session": session_id},
                                                      flask_test_client=window_browser)
    assert window.emit("goto", {"slide": 1}, namespace="/animateur", callback=True)["ok"]
    assert signed_in(app).post("/deconnexion").status_code == 302  # from another browser
    ack = window.emit("goto", {"slide": 2}, namespace="/animateur", callback=True)
    assert not ack["ok"] and ack["error"]["code"] == "interdit"
    # A saved copy of its cookie cannot connect a new window either.
    again = socketio.test_client(app, namespace="/animateur", auth={"session": session_id},
                                 flask_test_client=copy_of(app, window_browser, "session"))
    assert not again.is_connected("/animateur")
