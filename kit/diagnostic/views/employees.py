"""The counselor's space: the dashboard, the employee records (create, change, erase) and their results."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from kit.courses.pathway import actions_needed, pathway
from kit.diagnostic.comparison import compare
from kit.diagnostic.figures import counts, level_distribution, waiting_for_course
from kit.diagnostic.guide import current_guide
from kit.diagnostic.interview import completed, in_progress
from kit.diagnostic.records import create_employee, erase, latest_completed, update_employee
from kit.extensions import db
from kit.forms import Form, SelectChoice
from kit.models import Employee, Siae
from kit.people.access import counselor_siae_ids, own_employee_or_404, require_counselor_space, visible_employees
from kit.reports.rules import STATE_LABELS

bp = Blueprint("diagnostic", __name__, url_prefix="/diagnostic")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@bp.before_request
@login_required
def _counselors_only() -> None:
    require_counselor_space()


def _month(field: StringField) -> date:
    year, month = (field.data or "").split("-")
    return date(int(year), int(month), 1)


def _not_future(_form: Form, field: StringField) -> None:
    if MONTH.match(field.data or "") and _month(field) > date.today():
        raise ValidationError("Ce mois est dans le futur.")


class EmployeeForm(Form):
    """The least the work needs: first name, initial, the month the pathway started, optional notes."""

    first_name = StringField("Prénom", validators=[DataRequired("Indiquez le prénom."),
                                                  Length(max=60, message="60 caractères au plus.")])
    family_initial = StringField("Initiale du nom de famille", validators=[
        DataRequired("Indiquez l'initiale du nom."),
        Regexp(r"^\s*[^\W\d_]\s*$", message="Une seule lettre : l'initiale du nom de famille.")])
    pathway_month = StringField("Mois d'entrée en parcours (AAAA-MM)", validators=[
        DataRequired("Indiquez le mois d'entrée en parcours."),
        Regexp(MONTH.pattern, message="Un mois au format AAAA-MM, par exemple 2026-11."), _not_future])
    notes = TextAreaField("Remarques (facultatif)", validators=[Optional(),
                                                                Length(max=1000, message="1000 caractères au plus.")])
    siae = SelectField("Structure", coerce=int, validate_choice=False)


class NewEmployeeForm(EmployeeForm):
    consent = BooleanField("J'ai lu cette phrase à la personne, et elle est d'accord.",
                           validators=[DataRequired("Lisez la phrase à la personne et cochez la case : "
                                                    "sans son accord, rien n'est enregistré.")])


class EraseForm(Form):
    confirm = BooleanField("Oui, effacer le prénom, l'initiale et les remarques de cette personne",
                           validators=[DataRequired("Cochez la case pour confirmer l'effacement.")])


def _siae_choices(form: EmployeeForm) -> None:
    """An admin picks the SIAE; a counselor's is their own."""
    ids = counselor_siae_ids(current_user)
    form.siae.choices = [SelectChoice(s.id, s.name) for s in (db.session.get(Siae, i) for i in ids) if s]
    if form.siae.data not in ids:
        form.siae.data = ids[0] if ids else 0


@bp.get("/")
def index() -> str:
    """The dashboard: this month's count, the levels, who waits for a course, every record."""
    guide, ids, today = current_guide(), counselor_siae_ids(current_user), date.today()
    levels = [(guide.named("levels", lid), n) for lid, n in level_distribution(ids, [lv.id for lv in guide.levels])]
    employees = visible_employees(current_user)
    return render_template("diagnostic/index.html", month=counts(ids, today.year, today.month), levels=levels,
                           top=max([n for _lv, n in levels] + [1]), waiting=waiting_for_course(ids),
                           employees=employees, latest=latest_completed([e.id for e in employees]), guide=guide,
                           today=today, actions=actions_needed(employees))


@bp.route("/salaries/nouveau", methods=["GET", "POST"])
def new_employee() -> str | Response:
    """A new record, after the consent line was read to the person."""
    guide = current_guide()
    form = NewEmployeeForm()
    _siae_choices(form)
    if form.validate_on_submit():
        employee = create_employee(form.siae.data, form.first_name.data or "", form.family_initial.data or "",
                                   _month(form.pathway_month), form.notes.data, current_user, guide)
        flash(f"Fiche de {employee.display_name} créée.", "success")
        return redirect(url_for("diagnostic.employee", employee_id=employee.id))
    if not form.is_submitted():
        form.pathway_month.data = date.today().strftime("%Y-%m")
    return render_template("diagnostic/employee_form.html", form=form, employee=None, guide=guide)


@bp.route("/salaries/<int:employee_id>/modifier", methods=["GET", "POST"])
def edit_employee(employee_id: int) -> str | Response:
    """Correct a record."""
    employee = own_employee_or_404(employee_id)
    form = EmployeeForm(obj=None)
    _siae_choices(form)
    if form.validate_on_submit():
        update_employee(employee, form.first_name.data or "", form.family_initial.data or "",
                        _month(form.pathway_month), form.notes.data)
        db.session.commit()
        flash(f"Fiche de {employee.display_name} enregistrée.", "success")
        return redirect(url_for("diagnostic.employee", employee_id=employee.id))
    if not form.is_submitted():
        form.first_name.data, form.family_initial.data = employee.first_name, employee.family_initial
        form.pathway_month.data, form.notes.data = employee.pathway_month.strftime("%Y-%m"), employee.notes
    return render_template("diagnostic/employee_form.html", form=form, employee=employee, guide=current_guide())


@bp.get("/salaries/<int:employee_id>")
def employee(employee_id: int) -> str:
    """A record, its diagnostics, and the first and last side by side."""
    person: Employee = own_employee_or_404(employee_id)
    guide = current_guide()
    done = completed(person)
    return render_template("diagnostic/employee.html", employee=person, guide=guide, done=done,
                           current=in_progress(person), comparison=compare(guide, done[0], done[-1])
                           if len(done) > 1 else None, erase_form=EraseForm(), path=pathway(person),
                           labels=STATE_LABELS)


@bp.post("/salaries/<int:employee_id>/effacer")
def erase_employee(employee_id: int) -> str | Response:
    """Erase on request: the name and notes go, the anonymous counts stay."""
    person = own_employee_or_404(employee_id)
    form = EraseForm()
    if not form.validate_on_submit():
        flash(" ".join(form.confirm.errors) or "La demande n'a pas pu être vérifiée : réessayez.", "error")
        return redirect(url_for("diagnostic.employee", employee_id=person.id))
    erase(person)
    flash("La fiche a été effacée. Seuls des chiffres anonymes restent.", "success")
    return redirect(url_for("diagnostic.index"))
