"""The base of every form (CSRF from Flask-WTF, WTForms' own messages in French), and the forms several pages share."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
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
