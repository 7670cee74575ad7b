"""Issuing, baking and revoking badges; the public base URL; the documents served for verifiers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kit.badges.issuance import IssuanceError, issue_animator_badge, issue_participant_badge, public_base_url, revoke
from kit.badges.openbadges.baking import png_text_chunks, svg_assertion
from kit.badges.openbadges.keys import load_or_create_key
from kit.badges.openbadges.ob3 import verify_credential
from kit.badges.openbadges.recipient import hash_identity
from kit.extensions import db
from kit.models import BadgeAssertion, RecordKind, User
from tests.factories import make_user
from tests.histories import (
    PUBLIC,
    enable_badges,
    make_animator_group,
    make_coordinator,
    make_siae,
    observe,
    record,
    run_course,
)


def earned_animator() -> tuple[User, User]:
    """An animator whose history earns the badge, and their coordinator."""
    siae = make_siae()
    animator = make_user("anim@test.fr", siae=siae)
    coordinator = make_coordinator()
    sessions = run_course(make_animator_group(animator, size=6))
    record(animator, RecordKind.TRAINING, coordinator)
    record(animator, RecordKind.OBSERVATION, coordinator, sessions[0])
    return animator, coordinator


@pytest.mark.parametrize(("base", "loopback", "message"), [
    (None, False, "n'est pas réglée"),
    ("kit.example.org", False, "pas une adresse web valide"),
    ("http://192.168.1.20:5000", False, "adresse locale"),
    ("http://10.0.0.5", False, "adresse locale"),
    ("http://kit.local:5000", False, "adresse locale"),
    ("http://localhost:5000", False, "adresse locale"),
    ("http://127.0.0.1:5000", False, "adresse locale"),
    ("http://192.168.1.20:5000", True, "adresse locale"),  # loopback only, never the LAN
])
def test_no_badge_without_a_public_base_url(app: Flask, base: str | None, loopback: bool, message: str) -> None:
    app.config.update(PUBLIC_BASE_URL=base, BADGES_ALLOW_LOOPBACK=loopback)
    with app.test_request_context(), pytest.raises(IssuanceError, match=message):
        public_base_url()


def test_loopback_is_allowed_only_when_the_tests_say_so(app: Flask) -> None:
    app.config.update(PUBLIC_BASE_URL="http://127.0.0.1:5000/", BADGES_ALLOW_LOOPBACK=True)
    with app.test_request_context():
        assert public_base_url() == "http://127.0.0.1:5000"
    app.config.update(PUBLIC_BASE_URL="https://kit.example.org", BADGES_ALLOW_LOOPBACK=False)
    with app.test_request_context():
        assert public_base_url() == "https://kit.example.org"


def test_issuing_refused_with_a_french_message_when_unset(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        animator, coordinator = earned_animator()
        with pytest.raises(IssuanceError, match="PUBLIC_BASE_URL"):
            issue_animator_badge(animator, coordinator)
        enable_badges(app, tmp_path)
        app.config["BADGE_ISSUER_EMAIL"] = None
        with pytest.raises(IssuanceError, match="BADGE_ISSUER_EMAIL"):
            issue_animator_badge(animator, coordinator)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BadgeAssertion)) == 0


def test_issue_an_animator_badge_once_its_criteria_are_met(app: Flask, tmp_path: Path) -> None:
    enable_badges(app, tmp_path)
    with app.app_context():
        animator, coordinator = earned_animator()
        assertion = issue_animator_badge(animator, coordinator)
        assert assertion.recipient_type == "email"
        assert assertion.recipient_hash == hash_identity("anim@test.fr", assertion.salt)
        assert "anim@test.fr" not in (assertion.credential or "")
        with pytest.raises(IssuanceError, match="a déjà ce badge"):
            issue_animator_badge(animator, coordinator)
        credential = json.loads(assertion.credential)
        key = load_or_create_key(tmp_path / "badge_key.pem")
        assert credential["proof"][0]["verificationMethod"] == f"{PUBLIC}/badges/cles/{key.key_id}"
        assert credential["id"] == f"{PUBLIC}/badges/credentials/{assertion.uid}"
        assert verify_credential(credential, key.public_multibase)


def test_an_unfinished_history_cannot_be_issued(app: Flask, tmp_path: Path) -> None:
    enable_badges(app, tmp_path)
    with app.app_context():
        animator = make_user(siae=make_siae())
        with pytest.raises(IssuanceError, match="critères ne sont pas encore remplis"):
            issue_animator_badge(animator, make_coordinator())


def participant_ready(tasks: bool = True):
    """A participant present at the 4 half-days, the 3 tasks observed « seul »."""
    animator = make_user(siae=make_siae())
    group = make_animator_group(animator, size=2)
    run_course(group)
    person = group.participants[0]
    if tasks:
        observe(person)
    return animator, person


@pytest.mark.parametrize(("email", "phone", "kind", "identity"), [
    ("Awa@Example.org ", "", "email", "awa@example.org"),
    ("", "06 12 34 56 78", "telephone", "+33612345678"),
    ("", "", "url", None),
])
def test_participant_identity_is_optional_and_hashed(app: Flask, tmp_path: Path, email: str, phone: str,
                                                     kind: str, identity: str | None) -> None:
    enable_badges(app, tmp_path)
    with app.app_context():
        animator, person = participant_ready()
        assertion = issue_participant_badge(person, animator, name="Awa Diallo", email=email, phone=phone)
        if identity is not None:  # never stored in clear, not even inside the credential
            assert identity not in (assertion.credential or "") and "Awa Diallo" not in (assertion.credential or "")
        identity = identity or f"{PUBLIC}/badges/verifier/{assertion.uid}"
        assert assertion.recipient_type == kind and assertion.recipient_name == "Awa Diallo"
        assert assertion.recipient_hash == hash_identity(identity, assertion.salt)


def test_participant_badge_refusals(app: Flask, tmp_path: Path) -> None:
    enable_badges(app, tmp_path)
    with app.app_context():
        animator, person = participant_ready(tasks=False)
        with pytest.raises(IssuanceError, match="critères"):
            issue_participant_badge(person, animator)
        observe(person)
        with pytest.raises(IssuanceError, match="pas les deux"):
            issue_participant_badge(person, animator, email="a@b.fr", phone="0612345678")
        with pytest.raises(IssuanceError, match="pas valide"):
            issue_participant_badge(person, animator, phone="12")
        assertion = issue_participant_badge(person, animator)
        assert assertion.recipient_name == person.nickname
        with pytest.raises(IssuanceError, match="a déjà ce badge"):
            issue_participant_badge(person, animator)
        revoke(assertion, "erreur de saisie")
        assert issue_participant_badge(person, animator).uid != assertion.uid  # may be issued again


@pytest.fixture
def issued(app: Flask, tmp_path: Path) -> str:
    """The uid of an animator's badge issued under the public base URL."""
    enable_badges(app, tmp_path)
    with app.app_context():
        animator, coordinator = earned_animator()
        return issue_animator_badge(animator, coordinator).uid


def test_hosted_documents_use_the_public_base_url(client: FlaskClient, issued: str) -> None:
    assertion = client.get(f"/badges/assertions/{issued}", headers={"Accept": "application/ld+json"})
    assert assertion.status_code == 200 and assertion.mimetype == "application/ld+json"
    assert assertion.headers["Access-Control-Allow-Origin"] == "*"
    data = assertion.get_json(force=True)
    assert data["id"] == f"{PUBLIC}/badges/assertions/{issued}"
    assert data["badge"] == f"{PUBLIC}/badges/classes/animateur-numerique-pair"
    assert data["verification"] == {"type": "hosted"} and data["recipient"]["hashed"] is True
    badge = client.get("/badges/classes/animateur-numerique-pair").get_json()
    assert badge["issuer"] == f"{PUBLIC}/badges/emetteur" and badge["image"].endswith("/image.png")
    assert "A formé au moins 6 participant·es" in badge["criteria"]["narrative"]
    issuer = client.get("/badges/emetteur").get_json()
    assert issuer["type"] == "Issuer" and issuer["email"] == "badges@example.org" and issuer["url"] == PUBLIC
    assert client.get("/badges/classes/inconnu").status_code == 404
    assert client.get("/badges/assertions/inconnu").status_code == 404


def test_browsers_are_sent_to_the_french_page(client: FlaskClient, issued: str) -> None:
    response = client.get(f"/badges/assertions/{issued}", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 303 and response.headers["Location"] == f"{PUBLIC}/badges/verifier/{issued}"
    # The verification page's « assertion » link shows the JSON, instead of coming back to that page.
    page = client.get(f"/badges/verifier/{issued}").get_data(as_text=True)
    assert f'href="/badges/assertions/{issued}?format=json"' in page
    response = client.get(f"/badges/assertions/{issued}?format=json", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200 and response.get_json()["id"] == f"{PUBLIC}/badges/assertions/{issued}"


def test_baked_images_carry_the_assertion_and_the_credential(client: FlaskClient, issued: str) -> None:
    png = client.get(f"/badges/assertions/{issued}/badge.png")
    assert png.mimetype == "image/png" and "attachment" in png.headers["Content-Disposition"]
    baked = json.loads(png_text_chunks(png.data)["openbadges"])
    assert baked["id"] == f"{PUBLIC}/badges/assertions/{issued}"
    svg = client.get(f"/badges/assertions/{issued}/badge.svg")
    assert svg.mimetype == "image/svg+xml" and svg_assertion(svg.get_data(as_text=True))["id"] == baked["id"]
    ob3 = client.get(f"/badges/credentials/{issued}/badge.png")
    credential = json.loads(png_text_chunks(ob3.data)["openbadgecredential"])
    assert credential == client.get(f"/badges/credentials/{issued}").get_json()


def test_the_key_is_published_as_a_multikey(app: Flask, client: FlaskClient, issued: str) -> None:
    credential = client.get(f"/badges/credentials/{issued}").get_json()
    method = credential["proof"][0]["verificationMethod"]
    document = client.get(method.removeprefix(PUBLIC)).get_json()
    assert document["type"] == "Multikey" and document["id"] == method
    assert document["publicKeyMultibase"].startswith("z6Mk")
    assert verify_credential(credential, document["publicKeyMultibase"])
    assert client.get("/badges/cles/000000000000").status_code == 404


def test_revocation_answers_410_everywhere(app: Flask, client: FlaskClient, issued: str) -> None:
    with app.app_context():
        revoke(db.session.scalar(sa.select(BadgeAssertion)), "Badge délivré par erreur")
    response = client.get(f"/badges/assertions/{issued}")
    assert response.status_code == 410
    assert response.get_json(force=True) | {} == {"@context": "https://w3id.org/openbadges/v2",
                                                  "id": f"{PUBLIC}/badges/assertions/{issued}", "revoked": True,
                                                  "revocationReason": "Badge délivré par erreur"}
    for path in ("badge.png", "badge.svg"):
        assert client.get(f"/badges/assertions/{issued}/{path}").status_code == 410
    assert client.get(f"/badges/credentials/{issued}").status_code == 410
    assert client.get(f"/badges/credentials/{issued}/badge.png").status_code == 410
    page = client.get(f"/badges/verifier/{issued}").get_data(as_text=True)
    assert "Ce badge a été retiré" in page and "Badge délivré par erreur" in page


def test_the_verification_page_in_french(client: FlaskClient, issued: str) -> None:
    page = client.get(f"/badges/verifier/{issued}").get_data(as_text=True)
    assert "Ce badge est authentique et valable" in page and "Anim" in page
    assert f"/badges/assertions/{issued}/badge.png" in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in page
    assert "certUrl=https%3A%2F%2Fkit.example.org%2Fbadges%2Fverifier%2F" in page


def test_public_pages_404_until_the_base_url_is_set(app: Flask, client: FlaskClient) -> None:
    for path in ("/badges/emetteur", "/badges/classes/animateur-numerique-pair"):
        response = client.get(path)
        assert response.status_code == 404
        assert "adresse publique" in response.get_data(as_text=True)
    assert client.get("/badges/classes/animateur-numerique-pair/criteres").status_code == 200
    assert client.get("/badges/classes/animateur-numerique-pair/image.png").mimetype == "image/png"


def test_urls_of_the_documents_are_routes_of_the_app(app: Flask) -> None:
    from kit.badges.openbadges.documents import Urls

    urls = Urls("")
    adapter = app.url_map.bind("localhost")
    for path, endpoint in [(urls.issuer, "badges.issuer_profile"), (urls.badge_class("x"), "badges.badge_class"),
                           (urls.criteria("x"), "badges.criteria"), (urls.class_image("x"), "badges.class_png"),
                           (urls.assertion("u"), "badges.assertion_json"), (urls.baked_png("u"), "badges.baked_png"),
                           (urls.baked_svg("u"), "badges.baked_svg"), (urls.credential("u"), "badges.credential_json"),
                           (urls.credential_png("u"), "badges.credential_png"), (urls.verify("u"), "badges.verify"),
                           (urls.key("k"), "badges.key")]:
        assert adapter.match(path)[0] == endpoint, path
