"""The forms of the courses' pages: publish an offer, enrol someone, cancel an enrolment."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from kit.courses.booking import CANCEL_REASONS
from kit.courses.offers import DEFAULT_CAPACITY, HALF_DAYS
from kit.forms import DEPARTEMENT, PHONE, PHONE_MESSAGE, Form, SelectChoice


class OfferForm(Form):
    """An offer: the animator, the 4 half-days (fields day_n, start_n, end_n), the place, the seats, the deadline."""

    animator = SelectField("Animateur ou animatrice", coerce=int, validate_choice=True)
    place_name = StringField("Nom du lieu", validators=[DataRequired("Indiquez le nom du lieu."),
                                                        Length(max=120, message="120 caractères au plus.")])
    place_address = TextAreaField("Adresse", validators=[DataRequired("Indiquez l'adresse du lieu."),
                                                         Length(max=300, message="300 caractères au plus.")])
    departement = StringField("Département (numéro)", validators=[
        DataRequired("Indiquez le numéro du département."),
        Regexp(DEPARTEMENT, message="Un numéro de département : 59, 2A, 974…")])
    capacity = IntegerField("Nombre de places", default=DEFAULT_CAPACITY,
                            validators=[InputRequired("Indiquez le nombre de places.")])
    enrol_deadline = DateField("Date limite d'inscription",
                               validators=[InputRequired("Indiquez la date limite d'inscription.")])
    contact_phone = StringField("Téléphone à appeler en cas d'absence", validators=[
        DataRequired("Indiquez un numéro de téléphone."),
        Regexp(PHONE, message=PHONE_MESSAGE)])

    def slot_fields(self, number: int) -> tuple[Any, Any, Any]:
        """The date, start and end fields of half-day `number`."""
        return self[f"day_{number}"], self[f"start_{number}"], self[f"end_{number}"]


for _n in range(1, HALF_DAYS + 1):
    setattr(OfferForm, f"day_{_n}", DateField(f"Date de la demi-journée {_n}", validators=[
        InputRequired(f"Indiquez la date de la demi-journée {_n}.")]))
    setattr(OfferForm, f"start_{_n}", TimeField("Début", validators=[InputRequired("Indiquez l'heure de début.")]))
    setattr(OfferForm, f"end_{_n}", TimeField("Fin", validators=[InputRequired("Indiquez l'heure de fin.")]))


class EnrolForm(Form):
    """Who to enrol: one of the counselor's employees (the booking rules say whether they may)."""

    employee = SelectField("Salarié·e à inscrire", coerce=int, validate_choice=False,
                           validators=[InputRequired("Choisissez une personne.")])


class CancelOfferForm(Form):
    """Cancel a whole offer: a confirmation, and why (sent to the counselors)."""

    note = TextAreaField("Pourquoi (envoyé aux conseillers et conseillères)", validators=[
        Optional(), Length(max=300, message="300 caractères au plus.")])
    confirm = BooleanField("Oui, annuler la formation et toutes ses inscriptions",
                           validators=[DataRequired("Cochez la case pour confirmer l'annulation.")])


class CancelForm(Form):
    """Why an enrolment ends: a reason of the short list, and a few words if needed."""

    reason = SelectField("Raison", choices=[SelectChoice(k, v) for k, v in CANCEL_REASONS.items()],
                         validate_choice=True)
    note = TextAreaField("Précisions (facultatif)", validators=[Optional(),
                                                               Length(max=300, message="300 caractères au plus.")])
