"""Public badge pages: the Open Badges documents, the baked images, the key, and the French verification page.

Everything here is public except the certificate, which only who may see the badge prints.
Identifiers are built on the configured public base URL (kit.badges.issuance.public_base_url).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import segno
import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from kit.badges.criteria import BadgeClassSpec, badge_classes
from kit.badges.evidence import assertion_evidence, badge_skills
from kit.badges.issuance import IssuanceError, badge_spec, issuer, public_base_url, recipient, signing_key
from kit.badges.openbadges.baking import OB2_KEYWORD, OB3_KEYWORD, bake_png, bake_svg
from kit.badges.openbadges.designs import design_png, design_svg
from kit.badges.openbadges.documents import (
    Urls,
    multikey_document,
    ob2_assertion,
    ob2_badge_class,
    ob2_issuer,
    ob2_revoked,
)
from kit.badges.trial import TRIAL_WARNING, is_trial_badge
from kit.extensions import db
from kit.models import BadgeAssertion, as_utc
from kit.people.access import may_see_assertion

bp = Blueprint("badges", __name__, url_prefix="/badges")

NOT_CONFIGURED = "Les badges de ce Kit ne sont pas encore publiés : son adresse publique n'est pas réglée."


@bp.app_template_test("trial_badge")
def _trial_badge(assertion: BadgeAssertion) -> bool:
    """`{% if b is trial_badge %}`: every page that shows a badge says when it is a trial one."""
    return is_trial_badge(assertion)


@bp.app_context_processor
def _trial_warning() -> dict[str, str]:
    return {"trial_warning": TRIAL_WARNING}


def _urls() -> Urls:
    try:
        return Urls(public_base_url())
    except IssuanceError:
        abort(404, NOT_CONFIGURED)


def _json(document: dict[str, Any], status: int = 200, max_age: int = 0) -> Response:
    """A JSON-LD document, readable by any verifier (CORS) and by browsers."""
    wants_ld = "application/ld+json" in request.headers.get("Accept", "")
    response = Response(json.dumps(document, ensure_ascii=False, indent=2), status=status,
                        mimetype="application/ld+json" if wants_ld else "application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={max_age}" if max_age else "no-cache"
    return response


def _spec(slug: str) -> BadgeClassSpec:
    spec = badge_classes().get(slug)
    if spec is None:
        abort(404, "Ce badge n'existe pas.")
    return spec


def _assertion(uid: str) -> BadgeAssertion:
    found = db.session.scalar(sa.select(BadgeAssertion).where(BadgeAssertion.uid == uid))
    if found is None:
        abort(404, "Ce badge n'existe pas. Vérifiez l'adresse, ou scannez de nouveau le QR code.")
    return found


def _image(data: bytes | str, mimetype: str, filename: str | None = None, max_age: int = 0) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={max_age}" if max_age else "no-cache"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/emetteur")
def issuer_profile() -> Response:
    """The OB 2.0 Issuer."""
    urls = _urls()
    try:
        profile = issuer()
    except IssuanceError:
        abort(404, NOT_CONFIGURED)
    return _json(ob2_issuer(urls, profile), max_age=3600)


@bp.get("/classes/<slug>")
def badge_class(slug: str) -> Response:
    """The OB 2.0 BadgeClass (also the OB 3.0 Achievement's id)."""
    return _json(ob2_badge_class(_urls(), _spec(slug)), max_age=3600)


@bp.get("/classes/<slug>/criteres")
def criteria(slug: str) -> str:
    """The criteria of a badge, for people."""
    spec = _spec(slug)
    return render_template("badges/criteria.html", spec=spec, svg=Markup(design_svg(spec.design, spec.name)),
                           skills=badge_skills(spec))


@bp.get("/classes/<slug>/image.png")
def class_png(slug: str) -> Response:
    """A badge class's image (PNG)."""
    return _image(design_png(_spec(slug).design), "image/png", max_age=86400)


@bp.get("/classes/<slug>/image.svg")
def class_svg(slug: str) -> Response:
    """A badge class's image (SVG)."""
    spec = _spec(slug)
    return _image(design_svg(spec.design, spec.name), "image/svg+xml", max_age=86400)


def assertion_document(assertion: BadgeAssertion, urls: Urls) -> dict[str, Any]:
    """The hosted OB 2.0 Assertion of an issued badge."""
    return ob2_assertion(urls, assertion.uid, badge_spec(assertion), recipient(assertion),
                         as_utc(assertion.issued_on), assertion_evidence(assertion))


def _gone(assertion: BadgeAssertion, urls: Urls) -> Response:
    return _json(ob2_revoked(urls, assertion.uid, assertion.revocation_reason), status=410)


@bp.get("/assertions/<uid>")
def assertion_json(uid: str) -> Response:
    """The hosted OB 2.0 Assertion; 410 with `revoked: true` once revoked.

    Browsers go to the French page, unless they ask for the JSON (`?format=json`, the link of that page).
    """
    found = _assertion(uid)
    urls = _urls()
    best = request.accept_mimetypes.best_match(["application/ld+json", "application/json", "text/html"])
    if best == "text/html" and request.args.get("format") != "json":
        return redirect(urls.verify(uid), code=303)
    if found.revoked:
        return _gone(found, urls)
    return _json(assertion_document(found, urls))


@bp.get("/assertions/<uid>/badge.png")
def baked_png(uid: str) -> Response:
    """The badge image with its assertion baked in (iTXt `openbadges`)."""
    return _baked_image(uid, "png")


@bp.get("/assertions/<uid>/badge.svg")
def baked_svg(uid: str) -> Response:
    """The badge image with its assertion baked in (`<openbadges:assertion>`)."""
    return _baked_image(uid, "svg")


def _baked_image(uid: str, kind: str) -> Response:
    found = _assertion(uid)
    urls = _urls()
    if found.revoked:
        return _gone(found, urls)
    spec = badge_spec(found)
    document = assertion_document(found, urls)
    name = f"badge-{found.badge_slug}.{kind}"
    if kind == "png":
        return _image(bake_png(design_png(spec.design), {OB2_KEYWORD: json.dumps(document, ensure_ascii=False)}),
                      "image/png", name)
    return _image(bake_svg(design_svg(spec.design, spec.name), document), "image/svg+xml", name)


@bp.get("/credentials/<uid>")
def credential_json(uid: str) -> Response:
    """The signed OB 3.0 OpenBadgeCredential, as issued; 410 once revoked."""
    found = _assertion(uid)
    if found.revoked or not found.credential:
        return _gone(found, _urls())
    return _json(json.loads(found.credential))


@bp.get("/credentials/<uid>/badge.png")
def credential_png(uid: str) -> Response:
    """The badge image with the OB 3.0 credential baked in (iTXt `openbadgecredential`)."""
    found = _assertion(uid)
    if found.revoked or not found.credential:
        return _gone(found, _urls())
    png = bake_png(design_png(badge_spec(found).design), {OB3_KEYWORD: found.credential})
    return _image(png, "image/png", f"badge-{found.badge_slug}-ob3.png")


@bp.get("/cles/<key_id>")
def key(key_id: str) -> Response:
    """The issuer's public key as a Multikey: the verificationMethod of the OB 3.0 proofs."""
    current = signing_key()
    if key_id != current.key_id:
        abort(404, "Cette clé n'existe pas.")
    return _json(multikey_document(_urls(), current.key_id, current.public_multibase), max_age=3600)


def _linkedin(assertion: BadgeAssertion, spec: BadgeClassSpec, urls: Urls, issuer_name: str) -> str:
    """LinkedIn's "add a licence or certification to your profile" link, filled in."""
    issued = as_utc(assertion.issued_on)
    return "https://www.linkedin.com/profile/add?" + urlencode({
        "startTask": "CERTIFICATION_NAME", "name": spec.name, "organizationName": issuer_name,
        "issueYear": issued.year, "issueMonth": issued.month, "certUrl": urls.verify(assertion.uid),
        "certId": assertion.uid})


@bp.get("/verifier/<uid>")
def verify(uid: str) -> str:
    """The French verification page of a badge: who, what, when, whether it is still valid."""
    found = _assertion(uid)
    urls = _urls()
    spec = badge_spec(found)
    issuer_name = current_app.config["BADGE_ISSUER_NAME"]
    return render_template("badges/verify.html", assertion=found, spec=spec, urls=urls, issuer_name=issuer_name,
                           svg=Markup(design_svg(spec.design, spec.name)),
                           linkedin=_linkedin(found, spec, urls, issuer_name), evidence=assertion_evidence(found),
                           issued=as_utc(found.issued_on), revoked=as_utc(found.revoked_at))


@bp.get("/certificats/<uid>")
def certificate(uid: str) -> str | Response:
    """The printable certificate (one A4 page), with a QR code to the verification page."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    found = _assertion(uid)
    if not may_see_assertion(current_user, found):
        abort(404, "Ce badge n'existe pas, ou ce n'est pas à vous de l'imprimer.")
    urls = _urls()
    spec = badge_spec(found)
    qr = segno.make(urls.verify(uid), error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff",
                                                           omitsize=True)
    return render_template("badges/certificate.html", assertion=found, spec=spec, urls=urls,
                           issuer_name=current_app.config["BADGE_ISSUER_NAME"], qr=Markup(qr),
                           svg=Markup(design_svg(spec.design, spec.name)), issued=as_utc(found.issued_on),
                           evidence=assertion_evidence(found))
