"""The base of every form (CSRF from Flask-WTF, WTForms' own messages in French), and the forms several pages share."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField

# types-WTForms (3.2) predates SelectChoice, added in WTForms 3.3: the views import it from here, so
# that this one ignore goes (warn_unused_ignores will say so) once the stubs know it.
from wtforms.fields import SelectChoice as SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import DataRequired, Length


class Form(FlaskForm):
    """A form whose built-in validation messages are French."""

    class Meta:
        locales = ("fr_FR", "fr")


class ActionForm(Form):
    """A button that changes something: only its CSRF token (its data is in the URL or in checkboxes)."""


class RevokeForm(Form):
    """Why a badge is withdrawn (shown on its public page)."""

    reason = StringField("Raison du retrait", validators=[DataRequired("Indiquez la raison du retrait."),
                                                          Length(max=200, message="200 caractères au plus.")])


# Shapes shared by several forms (the admin's structures and accounts, the courses' offers).
DEPARTEMENT = r"^\s*(0[1-9]|[1-8]\d|9[0-5]|2[AaBb]|97[1-6])\s*$"
PHONE = r"^\s*\+?[\d .]{10,19}\s*$"
PHONE_MESSAGE = "Un numéro de téléphone, par exemple 03 20 00 00 00."
