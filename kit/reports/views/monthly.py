"""The monthly figures of one SIAE: on screen, and as the CSV the programme asks SIAE to send."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from kit.models import Role
from kit.people.access import require_role, visible_siae_or_404, visible_siaes
from kit.reports.course_charts import COURSE_COLUMNS, course_row, people_chart, seats_chart
from kit.reports.figures import MonthlyFigures, monthly_figures

bp = Blueprint("reports", __name__, url_prefix="/coordination/rapport")

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre")
# The CSV's columns: a stable machine name, and what it counts.
COLUMNS = (
    ("structure", "Structure (SIAE)"),
    ("type", "Type de SIAE"),
    ("region", "Région"),
    ("mois", "Mois"),
    ("seances", "Séances (demi-journées) animées"),
    ("demi_journees_suivies", "Demi-journées suivies (une par participant présent à une séance)"),
    ("heures_suivies", "Heures de formation suivies"),
    ("participants_inscrits", "Participants inscrits (membres des groupes qui ont eu une séance)"),
    ("participants_formes", "Participants formés (présents à au moins une séance)"),
    ("participants_14h", "Participants qui ont terminé les 14 h (4 demi-journées)"),
    ("salaries_diagnostiques", "Salariés diagnostiqués (diagnostic d'autonomie numérique terminé dans le mois)"),
    ("salaries_orientes", "Salariés orientés vers la formation de 14 h (parmi les diagnostiqués du mois)"),
    *COURSE_COLUMNS,
)


@bp.before_request
@login_required
def _coordinators_only() -> None:
    """Coordinators, for the SIAE of their territory, and admins."""
    require_role(Role.COORDINATOR, Role.ADMIN)


def _month(value: str | None) -> tuple[int, int]:
    """A "YYYY-MM" month; this month when absent."""
    if not value:
        today = date.today()
        return today.year, today.month
    match = MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        abort(400, "Ce mois n'est pas valide : choisissez un mois, par exemple 2026-11.")
    return int(match.group(1)), int(match.group(2))


def month_label(first: date) -> str:
    """« novembre 2026 »."""
    return f"{MONTH_NAMES[first.month - 1]} {first.year}"


def row(figures: MonthlyFigures) -> dict[str, str | int]:
    """The CSV row of a month's figures."""
    hours = round(figures.participant_hours, 1)
    return {"structure": figures.siae.name, "type": figures.siae.kind, "region": figures.siae.region,
            "mois": figures.month.strftime("%Y-%m"), "seances": figures.sessions,
            "demi_journees_suivies": figures.half_days,
            "heures_suivies": f"{hours:g}".replace(".", ","),  # French spreadsheets read a decimal comma
            "participants_inscrits": figures.participants_enrolled,
            "participants_formes": figures.participants_trained,
            "participants_14h": figures.participants_completed,
            "salaries_diagnostiques": figures.employees_diagnosed, "salaries_orientes": figures.employees_oriented,
            **course_row(figures.courses)}



@bp.get("/")
def monthly() -> str:
    """Pick an SIAE and a month; see its figures."""
    siaes = visible_siaes(current_user)
    year, month = _month(request.args.get("mois"))
    chosen = request.args.get("structure", "")
    figures = None
    if chosen.isdigit():
        figures = monthly_figures(visible_siae_or_404(int(chosen)), year, month)
    elif len(siaes) == 1:
        figures = monthly_figures(siaes[0], year, month)
    label = month_label(figures.month) if figures else ""
    charts = [people_chart(figures.courses, label), seats_chart(figures.courses, label)] if figures else []
    return render_template("reports/monthly.html", siaes=siaes, figures=figures, month=f"{year:04d}-{month:02d}",
                           columns=COLUMNS, row=row(figures) if figures else None, label=label, charts=charts)


@bp.get("/csv")
def monthly_csv() -> Response:
    """The month's figures as CSV: `;`-separated UTF-8 with a BOM, as French spreadsheets open it."""
    chosen = request.args.get("structure", "")
    if not chosen.isdigit():
        abort(400, "Choisissez une structure.")
    siae = visible_siae_or_404(int(chosen))
    year, month = _month(request.args.get("mois"))
    figures = monthly_figures(siae, year, month)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([name for name, _label in COLUMNS])
    values = row(figures)
    writer.writerow([values[name] for name, _label in COLUMNS])
    filename = f"kit-animateur-{siae.id}-{year:04d}-{month:02d}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
