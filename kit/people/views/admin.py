"""The admin's pages: the SIAE (structures) and the accounts, with their roles, structure and region."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from kit.extensions import db
from kit.forms import DEPARTEMENT, PHONE, PHONE_MESSAGE, Form, SelectChoice
from kit.models import SIAE_KINDS, Role, Siae, User
from kit.people.access import require_role

bp = Blueprint("admin", __name__, url_prefix="/admin")

REGIONS = ("Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse",
           "Grand Est", "Guadeloupe", "Guyane", "Hauts-de-France", "Île-de-France", "La Réunion", "Martinique",
           "Mayotte", "Normandie", "Nouvelle-Aquitaine", "Occitanie", "Pays de la Loire",
           "Provence-Alpes-Côte d'Azur")
ROLE_LABELS = {Role.ADMIN.value: "Admin (équipe contenu)", Role.COORDINATOR.value: "Coordinateur·rice",
               Role.ANIMATOR.value: "Animateur·rice", Role.COUNSELOR.value: "Conseiller·ère (CIP, ASP) : diagnostic"}


@bp.before_request
@login_required
def _admins_only() -> None:
    """Only the admins manage structures and accounts."""
    require_role(Role.ADMIN)


class SiaeForm(Form):
    """A structure: name, region, kind."""

    name = StringField("Nom de la structure", validators=[DataRequired("Indiquez le nom."),
                                                          Length(max=160, message="160 caractères au plus.")])
    region = SelectField("Région", choices=[SelectChoice(r, r) for r in REGIONS], validate_choice=True)
    kind = SelectField("Type de SIAE", choices=[SelectChoice(k, k) for k in SIAE_KINDS], validate_choice=True)
    departement = StringField("Département (numéro)", validators=[
        Optional(), Regexp(DEPARTEMENT, message="Un numéro de département : 59, 2A, 974…")])
    # What it does in the programme (docs/courses.md): an SIAE can be both.
    orientatrice = BooleanField("Orientatrice : ses conseillers inscrivent ses salarié·es aux formations")
    animatrice = BooleanField("Animatrice : elle publie des formations, données par ses animateurs·rices")
    contact_email = EmailField("E-mail de contact (avis d'inscription, rappels)", validators=[
        Optional(), Email("Cette adresse e-mail n'est pas valide."), Length(max=254)])
    contact_phone = StringField("Téléphone de contact", validators=[Optional(), Regexp(PHONE, message=PHONE_MESSAGE)])


class UserForm(Form):
    """An account: who, which role, which structure and region."""

    email = EmailField("Adresse e-mail", validators=[DataRequired("Indiquez l'adresse e-mail."),
                                                     Email("Cette adresse e-mail n'est pas valide."), Length(max=254)])
    name = StringField("Nom", validators=[DataRequired("Indiquez le nom."), Length(max=120)])
    role = SelectField("Rôle", choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()], validate_choice=True)
    siae = SelectField("Structure", coerce=int, validate_choice=True)
    region = SelectField("Région suivie (coordination)", validate_choice=True,
                         choices=[SelectChoice("", "Aucune")] + [SelectChoice(r, r) for r in REGIONS])
    phone = StringField("Téléphone (conseiller·ère : montré sur les convocations)",
                        validators=[Optional(), Regexp(PHONE, message=PHONE_MESSAGE)])
    active = BooleanField("Compte actif", default=True)
    password = PasswordField("Mot de passe", validators=[Optional(), Length(min=8, max=200,
                                                         message="Le mot de passe doit faire au moins 8 caractères.")])


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=None)
    form.siae.choices = [SelectChoice(0, "Aucune")] + [
        SelectChoice(s.id, f"{s.name} ({s.kind}, {s.region})")
        for s in db.session.scalars(sa.select(Siae).order_by(Siae.name))]
    if user is not None and not form.is_submitted():
        form.email.data, form.name.data, form.role.data = user.email, user.name, user.role
        form.siae.data, form.region.data, form.active.data = user.siae_id or 0, user.region or "", user.active
        form.phone.data = user.phone or ""
    return form


@bp.get("/")
def index() -> str:
    """Every structure and every account."""
    siaes = list(db.session.scalars(sa.select(Siae).order_by(Siae.region, Siae.name)))
    users = list(db.session.scalars(sa.select(User).order_by(User.role, User.name)))
    return render_template("admin/index.html", siaes=siaes, users=users, roles=ROLE_LABELS)


@bp.route("/structures/nouvelle", methods=["GET", "POST"])
def new_siae() -> str | Response:
    """Add a structure."""
    return _siae_page(None)


@bp.route("/structures/<int:siae_id>", methods=["GET", "POST"])
def edit_siae(siae_id: int) -> str | Response:
    """Change a structure."""
    siae = db.session.get(Siae, siae_id)
    if siae is None:
        abort(404, "Cette structure n'existe pas.")
    return _siae_page(siae)


def _siae_page(siae: Siae | None) -> str | Response:
    form = SiaeForm(obj=siae)
    if siae is None and not form.is_submitted():
        form.orientatrice.data = True
    if form.validate_on_submit():
        siae = siae or Siae()
        siae.name, siae.region, siae.kind = (form.name.data or "").strip(), form.region.data, form.kind.data
        siae.departement = (form.departement.data or "").strip().upper() or None
        siae.orientatrice, siae.animatrice = bool(form.orientatrice.data), bool(form.animatrice.data)
        siae.contact_email = (form.contact_email.data or "").strip().lower() or None
        siae.contact_phone = (form.contact_phone.data or "").strip() or None
        db.session.add(siae)
        db.session.commit()
        flash(f"Structure « {siae.name} » enregistrée.", "success")
        return redirect(url_for("admin.index"))
    return render_template("admin/siae_form.html", form=form, siae=siae)


@bp.route("/comptes/nouveau", methods=["GET", "POST"])
def new_user() -> str | Response:
    """Create an account."""
    return _user_page(None)


@bp.route("/comptes/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> str | Response:
    """Change an account (a new password only if one is typed)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, "Ce compte n'existe pas.")
    return _user_page(user)


def _user_page(user: User | None) -> str | Response:
    form = _user_form(user)
    if form.validate_on_submit() and _check_user(form, user):
        user = user or User(password_hash="")
        user.email, user.name = (form.email.data or "").strip().lower(), (form.name.data or "").strip()
        user.role = form.role.data
        user.siae_id = form.siae.data or None
        user.region = form.region.data or None
        user.phone = (form.phone.data or "").strip() or None
        user.active = form.active.data or user.id == current_user.id  # an admin cannot lock themselves out
        if form.password.data:
            user.set_password(form.password.data)
        db.session.add(user)
        db.session.commit()
        if user.id == current_user.id:  # a new password signs out the other browsers, not this one
            login_user(user)
        flash(f"Compte de {user.name} enregistré.", "success")
        return redirect(url_for("admin.index"))
    return render_template("admin/user_form.html", form=form, user=user)


def _check_user(form: UserForm, user: User | None) -> bool:
    """What the validators cannot see: a unique e-mail, a password for a new account, a coordinator's territory."""
    ok = True
    email = (form.email.data or "").strip().lower()
    other = db.session.scalar(sa.select(User).where(User.email == email))
    if other is not None and other is not user:
        form.email.errors = ["Un compte existe déjà avec cette adresse."]
        ok = False
    if user is None and not form.password.data:
        form.password.errors = ["Choisissez un mot de passe (8 caractères au moins)."]
        ok = False
    if form.role.data == Role.COORDINATOR and not form.region.data and not form.siae.data:
        form.region.errors = ["Un·e coordinateur·rice suit une région ou une structure : choisissez-en une."]
        ok = False
    if form.role.data == Role.COUNSELOR and not form.siae.data:
        form.siae.errors = ["Un·e conseiller·ère diagnostique les salarié·es d'une structure : choisissez-la."]
        ok = False
    if user is not None and user.id == current_user.id and form.role.data != Role.ADMIN:
        form.role.errors = ["Vous ne pouvez pas retirer votre propre rôle d'admin."]
        ok = False
    return ok
