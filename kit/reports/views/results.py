"""A session's results for its animator (or an admin): printable page and CSV (kit/reports/session_results.py)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from kit.people.access import own_session_or_404, require_animator_space
from kit.reports.rules import STATE_LABELS
from kit.reports.session_results import RIGHT, UNJUDGED, results_csv, session_results

bp = Blueprint("results", __name__, url_prefix="/animateur")
bp.before_request(login_required(require_animator_space))


@bp.get("/seances/<int:session_id>/resultats")
def page(session_id: int) -> str:
    """Each question's tally and each participant's answers, printable on A4."""
    live = own_session_or_404(session_id)
    return render_template("reports/results.html", results=session_results(live), labels=STATE_LABELS,
                           right=RIGHT, unjudged=UNJUDGED,
                           back_url=url_for("sessions.session", session_id=live.id))


@bp.get("/seances/<int:session_id>/resultats.csv")
def export(session_id: int) -> Response:
    """The same answers, one line per participant and question, for a spreadsheet."""
    live = own_session_or_404(session_id)
    filename = f"kit-animateur-seance-{live.id}-{live.day.isoformat()}-resultats.csv"
    return Response("\ufeff" + results_csv(session_results(live)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
