"""Animators', coordinators' and admins' sign-in. Participants never have an account."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from kit.extensions import db, limiter, login_manager
from kit.forms import Form
from kit.models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login: the account of a signed-in browser, if its cookie's token is still the account's.

    Cookies made before the tokens (a bare id) no longer sign anyone in.
    """
    account, _, token = user_id.partition(":")
    if not account.isdigit() or not token:
        return None
    user = db.session.get(User, int(account))
    return user if user is not None and user.has_session_token(token) else None


class LoginForm(Form):
    """E-mail and password."""

    email = EmailField("Adresse e-mail", validators=[
        DataRequired("Indiquez votre adresse e-mail."), Email("Cette adresse e-mail n'est pas valide."),
        Length(max=254)])
    password = PasswordField("Mot de passe", validators=[DataRequired("Indiquez votre mot de passe."),
                                                         Length(max=200)])
    remember = BooleanField("Rester connecté·e sur cet appareil")


def _safe_next(target: str | None) -> str:
    """Only redirect within this site after sign-in."""
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("animator.dashboard")


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"],
               error_message="Trop d'essais de connexion. Attendez une minute, puis réessayez.")
def login() -> str | Response:
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("animator.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.email == (form.email.data or "").strip().lower()))
        if user and user.active and user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash("Adresse e-mail ou mot de passe incorrect.", "error")
    return render_template("auth/login.html", form=form)


@bp.post("/deconnexion")
@login_required
def logout() -> Response:
    """Sign out (a POST, so that no link can sign someone out), on every device of the account.

    A copy of the session cookie, or a remember-me cookie, would otherwise still open the pages.
    """
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash("Vous êtes déconnecté·e.", "info")
    return redirect(url_for("auth.login"))
