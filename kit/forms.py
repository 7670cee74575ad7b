"""The base of every form: CSRF from Flask-WTF, and WTForms' own messages in French."""

from __future__ import annotations

from flask_wtf import FlaskForm


class Form(FlaskForm):
    """A form whose built-in validation messages are French."""

    class Meta:
        locales = ("fr_FR", "fr")
