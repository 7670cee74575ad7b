"""What the courses' pages share: an offer's page, rendered after a GET or after a refused enrolment."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from kit.courses.booking import CANCEL_REASONS
from kit.courses.forms import CancelForm, CancelOfferForm, EnrolForm
from kit.courses.times import today_local
from kit.courses.visibility import candidates, roster
from kit.forms import SelectChoice
from kit.models import CourseOffer
from kit.people.access import may_drive
from kit.people.course_access import may_enrol_in, may_manage_offer, may_print_offer_convocations, may_see_convocation


def render_offer(shown: CourseOffer, enrol_form: EnrolForm | None = None, status: int = 200) -> tuple[str, int]:
    """The offer's page (also after a refused enrolment, with the French error at the field)."""
    enrolling, lines = may_enrol_in(current_user, shown), roster(shown, current_user)
    form = enrol_form or EnrolForm(formdata=None)
    people = candidates(shown, current_user) if enrolling else []
    form.employee.choices = [SelectChoice(e.id, e.display_name + (" — orienté·e par le diagnostic" if o else ""))
                             for e, o in people]
    return render_template("courses/offer.html", offer=shown, enrolling=enrolling, enrol_form=form,
                           people=people, lines=lines, cancel_form=CancelForm(formdata=None),
                           cancel_offer_form=CancelOfferForm(formdata=None),
                           reasons=CANCEL_REASONS, manager=may_manage_offer(current_user, shown),
                           open=today_local() <= shown.enrol_deadline,
                           convocations={line.enrolment.id for line in lines if line.enrolment.status == "enrolled"
                                         and may_see_convocation(current_user, line.enrolment)},
                           all_convocations=may_print_offer_convocations(current_user, shown),
                           sheets={h.number for h in shown.half_days if h.session is not None
                                   and may_drive(h.session, current_user.id, current_user.role)}), status
