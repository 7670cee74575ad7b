"""Withdrawing a badge from a page: shared by the animator's progress pages and the coordinator's space."""

from __future__ import annotations

from flask import abort, flash, redirect
from werkzeug.wrappers import Response

from kit.badges.issuance import revoke
from kit.forms import RevokeForm
from kit.models import BadgeAssertion


def revoke_from_form(assertion: BadgeAssertion | None, back: str) -> Response:
    """Withdraw a badge with the reason typed in the RevokeForm, then go back to `back`."""
    if assertion is None:
        abort(404, "Ce badge n'existe pas.")
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(form.reason.errors[0] if form.reason.errors else "Le formulaire n'est pas valide.", "error")
        return redirect(back)
    revoke(assertion, form.reason.data or "")
    flash("Badge retiré. Sa page de vérification l'indique désormais.", "success")
    return redirect(back)
