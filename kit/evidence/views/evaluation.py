"""The programme's evaluation for coordinators (their region's SIAE) and admins (all): page and CSV exports."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from kit.evidence import display
from kit.evidence.cohort import Filters, animator_choices
from kit.evidence.evaluation import evaluate
from kit.evidence.stats import EASY_BEFORE, HARD_AFTER, MIN_PEOPLE
from kit.extensions import db
from kit.models import Siae
from kit.people.access import evaluation_siae_ids, is_admin, require_evaluation_access, visible_siaes

bp = Blueprint("evaluation", __name__, url_prefix="/coordination/evaluation")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@bp.before_request
@login_required
def _coordinators_and_admins() -> None:
    require_evaluation_access()


def _filters() -> tuple[Filters, dict[str, str]]:
    """The filters of the query string, checked against what this account may see (400/404 in French)."""
    args = {key: request.args.get(key, "").strip() for key in ("region", "structure", "animateur", "mois")}
    scope = evaluation_siae_ids(current_user)
    region = args["region"] if is_admin(current_user) and args["region"] else None
    siae_id = animator_id = None
    month = None
    if args["structure"]:
        if not args["structure"].isdigit() or len(args["structure"]) > 9:  # an id, not a 64-bit overflow
            abort(400, "Cette structure n'est pas valide.")
        siae_id = int(args["structure"])
        if db.session.get(Siae, siae_id) is None or (scope is not None and siae_id not in scope):
            abort(404, "Cette structure n'existe pas, ou elle n'est pas de votre territoire.")
    if args["animateur"]:
        if not args["animateur"].isdigit() or len(args["animateur"]) > 9:
            abort(400, "Cet animateur ou cette animatrice n'est pas valide.")
        animator_id = int(args["animateur"])
        if animator_id not in {uid for uid, _name in animator_choices(scope)}:
            abort(404, "Cet animateur ou cette animatrice n'anime aucun groupe de votre territoire.")
    if args["mois"]:
        match = MONTH.match(args["mois"])
        if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
            abort(400, "Ce mois n'est pas valide : choisissez un mois, par exemple 2026-11.")
        month = date(int(match.group(1)), int(match.group(2)), 1)
    return Filters(scope, region, siae_id, animator_id, month), args


def _regions() -> list[str]:
    return list(db.session.scalars(sa.select(Siae.region).distinct().order_by(Siae.region)))


@bp.get("/")
def page() -> str:
    """Headline figures, the gain and its distribution, skills, item analysis, breakdowns; with filters."""
    filters, args = _filters()
    found = evaluate(filters)
    return render_template(
        "evaluation/index.html", evaluation=found, args=args, d=display, admin=is_admin(current_user),
        regions=_regions() if is_admin(current_user) else [], siaes=visible_siaes(current_user),
        animators=animator_choices(filters.siae_ids), min_people=MIN_PEOPLE,
        easy=round(EASY_BEFORE * 100), hard=round(HARD_AFTER * 100),
        charts={"gain": display.gain_chart(found), "distribution": display.distribution_chart(found),
                "skills": display.skills_chart(found), "questions": display.items_chart(found)},
        query={k: v for k, v in args.items() if v})


def _csv(header: Iterable[str], rows: Iterable[list[str]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="kit-animateur-evaluation-{name}.csv"',
                             "Cache-Control": "no-store"})


@bp.get("/chiffres.csv")
def aggregates_csv() -> Response:
    """One row per aggregate: the scope, each SIAE, animator and group, each skill (French spreadsheets: `;`)."""
    filters, _args = _filters()
    return _csv(display.AGGREGATE_COLUMNS, display.aggregate_rows(evaluate(filters)), "chiffres")


@bp.get("/questions.csv")
def items_csv() -> Response:
    """One row per check item: answers and right answers before and after, choices picked, flags."""
    filters, _args = _filters()
    return _csv(display.ITEM_COLUMNS, display.item_rows(evaluate(filters)), "questions")
