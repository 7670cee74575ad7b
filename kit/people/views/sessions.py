"""The animator's sessions: plan, start and end a half-day, its attendance, projector, presenter and sheets."""

from __future__ import annotations

import io
from datetime import date

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired

from kit.content.library import Module, deck_for, published_module, published_modules
from kit.evidence.observations import slide_skills
from kit.extensions import db
from kit.forms import Form, SelectChoice
from kit.live import service
from kit.live.addresses import join_url, short_join_url, unreachable_warning
from kit.live.attendance import MAX_MINUTES, attendance_lines, confirm, save_attendance, to_confirm
from kit.live.claims import claims_by_participant, devices_connected
from kit.live.errors import LiveError
from kit.live.fanout import broadcast
from kit.live.wifi import check_wifi, wifi_qr_svg
from kit.models import SessionStatus, TrainingSession
from kit.people.access import own_group_or_404, own_session_or_404, owned_groups, require_animator_space
from kit.reports.rules import (
    ATTENDANCE_STATES,
    EXCUSED,
    PRESENT,
    STATE_LABELS,
    duration_minutes,
    real_minutes,
    session_minutes,
)

bp = Blueprint("sessions", __name__, url_prefix="/animateur")
bp.before_request(login_required(require_animator_space))


class SessionForm(Form):
    """A half-day: a group, a module, a date."""

    group = SelectField("Groupe", coerce=int, validate_choice=True)
    module = SelectField("Module", validate_choice=True)
    day = DateField("Date", default=date.today, validators=[DataRequired("Indiquez la date.")])


@bp.route("/seances/nouvelle", methods=["GET", "POST"])
def new_session() -> str | Response:
    """Plan a half-day for a group, pinned to the module's published revision."""
    form = SessionForm()
    groups = owned_groups(current_user)
    modules = published_modules()
    form.group.choices = [SelectChoice(g.id, g.name) for g in groups]
    form.module.choices = [SelectChoice(m.slug, f"{m.deck.meta.number}. {m.deck.meta.title}") for m in modules]
    if request.method == "GET" and request.args.get("groupe", "").isdigit():
        form.group.data = int(request.args["groupe"])
    if not groups:
        flash("Créez d'abord un groupe.", "info")
        return redirect(url_for("animator.new_group"))
    if form.validate_on_submit():
        own_group_or_404(form.group.data)
        module = published_module(form.module.data)
        if module is None:
            abort(400, "Ce module n'est pas publié.")
        live = TrainingSession(group_id=form.group.data, animator_id=current_user.id, module_slug=module.slug,
                               revision_id=module.revision_id, day=form.day.data)
        db.session.add(live)
        db.session.commit()
        flash("Séance créée. Démarrez-la le jour venu.", "success")
        return redirect(url_for("sessions.session", session_id=live.id))
    return render_template("animator/session_form.html", form=form)


@bp.get("/seances/<int:session_id>")
def session(session_id: int) -> str:
    """A session: start it, open its projector and presenter, end it, confirm its attendance."""
    return _session_page(own_session_or_404(session_id))[0]


def _session_page(live: TrainingSession, chosen: set[int] | None = None, minutes: str | None = None,
                  status: int = 200, excused: set[int] | None = None) -> tuple[str, int]:
    real = real_minutes(live.started_at, live.ended_at)
    shown = duration_minutes(live)
    return render_template("animator/session.html", session=live, deck=deck_for(live.revision),
                           join_url=join_url(live), attendance=attendance_lines(live, chosen, excused),
                           attendance_form=AttendanceForm(), to_confirm=to_confirm(live), real_minutes=real,
                           minutes=minutes if minutes is not None else ("" if shown is None else str(shown)),
                           counted=session_minutes(live), states=STATE_LABELS, claims=claims_by_participant(live.id),
                           devices=devices_connected(live.id),
                           unreachable=unreachable_warning() if live.status != SessionStatus.ENDED else None), status


class AttendanceForm(Form):
    """The attendance of a session: one `present` checkbox per participant (read from the request)."""


def _chosen_states(live: TrainingSession) -> tuple[set[int], set[int]]:
    """Who the form says present and excused: one `etat-<id>` per person, or the `present` checkboxes."""
    members = {p.id for p in live.group.participants}
    states = {key[5:]: value for key, value in request.form.items() if key.startswith("etat-")}
    chosen = states or {value: PRESENT for value in request.form.getlist("present")}
    if not all(key.isdigit() and int(key) in members for key in chosen):
        abort(400, "Cette personne n'est pas dans le groupe de cette séance.")
    if not all(value in ATTENDANCE_STATES for value in chosen.values()):
        abort(400, "Choisissez présent, excusé ou absent pour chaque personne.")
    return ({int(k) for k, v in chosen.items() if v == PRESENT}, {int(k) for k, v in chosen.items() if v == EXCUSED})


@bp.post("/seances/<int:session_id>/presences")
def correct_attendance(session_id: int) -> str | tuple[str, int] | Response:
    """Correct the attendance during the session; once it ended, confirm it with the session's duration."""
    live = own_session_or_404(session_id)
    if live.status == SessionStatus.PLANNED:
        abort(400, "Démarrez la séance avant de noter les présences.")
    if not AttendanceForm().validate_on_submit():
        abort(400, "Le formulaire n'est pas valide. Rechargez la page.")
    present, excused = _chosen_states(live)
    if live.status != SessionStatus.ENDED:
        changed = save_attendance(live, present, current_user.id, excused)
        db.session.commit()
        flash(f"Présences enregistrées ({changed} changement{'s' if changed > 1 else ''}).", "success")
        return redirect(url_for("sessions.session", session_id=live.id) + "#presences")
    typed = request.form.get("minutes", "").strip()
    if not typed.isdigit() or not 0 <= int(typed) <= MAX_MINUTES:
        flash(f"Indiquez la durée de la séance en minutes, de 0 à {MAX_MINUTES}.", "error")
        return _session_page(live, present, typed[:10], 400, excused)
    first = live.attendance_confirmed_at is None
    confirm(live, present, int(typed), real_minutes(live.started_at, live.ended_at), current_user.id, excused)
    db.session.commit()
    flash("Présences confirmées : elles comptent maintenant dans les chiffres et les badges." if first
          else "Présences et durée enregistrées.", "success")
    return redirect(url_for("sessions.session", session_id=live.id) + "#presences")


def _take_wifi(live: TrainingSession) -> bool:
    """Keep the room's Wi-Fi typed in the form with the session; False (and a French message) if it is wrong."""
    ssid = request.form.get("wifi_ssid", "").strip()
    password = request.form.get("wifi_password", "")
    errors = check_wifi(ssid, password)
    if errors:
        for message in errors.values():
            flash(message, "error")
        return False
    live.wifi_ssid = ssid or None
    live.wifi_password = (password or None) if ssid else None
    return True


@bp.post("/seances/<int:session_id>/demarrer")
def start(session_id: int) -> Response:
    """Open the session to the phones (it gets its join code), with the room's Wi-Fi if the animator gave it."""
    live = own_session_or_404(session_id)
    if not _take_wifi(live):
        db.session.rollback()
        return redirect(url_for("sessions.session", session_id=live.id))
    try:
        service.start(live)
    except LiveError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("sessions.session", session_id=live.id))
    db.session.commit()  # the Wi-Fi, when the session was already live
    broadcast(live, deck_for(live.revision))
    return redirect(url_for("sessions.projector", session_id=live.id))


@bp.post("/seances/<int:session_id>/wifi")
def set_wifi(session_id: int) -> Response:
    """Give, change or remove the room's Wi-Fi of a live session (its QR code on the join slide)."""
    live = own_session_or_404(session_id)
    if live.status != SessionStatus.LIVE:
        abort(400, "Le Wi-Fi de la salle se donne pour une séance en cours.")
    if _take_wifi(live):
        db.session.commit()
        flash("Wi-Fi de la salle enregistré : rechargez la projection pour voir son QR code."
              if live.wifi_ssid else "Wi-Fi de la salle retiré.", "success")
    else:
        db.session.rollback()
    return redirect(url_for("sessions.session", session_id=live.id) + "#wifi")


@bp.get("/seances/<int:session_id>/wifi.svg")
def wifi_qr(session_id: int) -> Response:
    """The QR code that joins the room's Wi-Fi (`WIFI:` format): for the animator's projector only."""
    live = own_session_or_404(session_id)
    if live.status != SessionStatus.LIVE or not live.wifi_ssid:
        abort(404, "Aucun Wi-Fi de salle n'est donné pour cette séance.")
    return Response(wifi_qr_svg(live.wifi_ssid, live.wifi_password), mimetype="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@bp.post("/seances/<int:session_id>/terminer")
def end(session_id: int) -> Response:
    """End the session: its code expires, the phones are told."""
    live = own_session_or_404(session_id)
    service.end(live)
    broadcast(live, deck_for(live.revision))
    flash("Séance terminée. Confirmez maintenant qui était là : les présences ne comptent qu'une fois confirmées.",
          "success")
    return redirect(url_for("sessions.session", session_id=live.id) + "#presences")


def _live_or_redirect(session_id: int) -> TrainingSession | Response:
    live = own_session_or_404(session_id)
    if live.status != SessionStatus.LIVE:
        flash("Démarrez la séance pour la projeter." if live.status == SessionStatus.PLANNED
              else "Cette séance est terminée.", "info")
        return redirect(url_for("sessions.session", session_id=live.id))
    return live


@bp.get("/seances/<int:session_id>/projection")
def projector(session_id: int) -> str | Response:
    """The live projector: the join slide, then the module, driven through the server."""
    return _live_deck_page("decks/projector.html", session_id)


@bp.get("/seances/<int:session_id>/presentateur")
def presenter(session_id: int) -> str | Response:
    """The live presenter: notes, timers, participants and question controls."""
    return _live_deck_page("decks/presenter.html", session_id, with_grid=True)


def _live_deck_page(template: str, session_id: int, with_grid: bool = False) -> str | Response:
    live = _live_or_redirect(session_id)
    if isinstance(live, Response):
        return live
    deck = deck_for(live.revision)
    module = Module(live.module_slug, live.revision_id, deck)
    return render_template(template, deck=deck, module=module, current=live.current_slide, live=live,
                           join_url=join_url(live), short_url=short_join_url(),
                           slide_skills=slide_skills(deck) if with_grid else None)


@bp.get("/seances/<int:session_id>/fiche")
def sheet(session_id: int) -> str:
    """The summary sheet of the module revision this session uses (not necessarily the published one)."""
    live = own_session_or_404(session_id)
    deck = deck_for(live.revision)
    return render_template("decks/sheet.html", deck=deck, module=Module(live.module_slug, live.revision_id, deck),
                           back_url=url_for("sessions.session", session_id=live.id))


@bp.get("/seances/<int:session_id>/trame")
def script(session_id: int) -> str:
    """The trame of the module revision this session uses."""
    live = own_session_or_404(session_id)
    deck = deck_for(live.revision)
    return render_template("decks/script.html", deck=deck, module=Module(live.module_slug, live.revision_id, deck),
                           back_url=url_for("sessions.session", session_id=live.id))


@bp.get("/seances/<int:session_id>/qr.svg")
def qr_code(session_id: int) -> Response:
    """The QR code of the session's join address, drawn on the server as SVG."""
    live = own_session_or_404(session_id)
    if not live.join_code:
        abort(404, "Cette séance n'a pas de code : démarrez-la d'abord.")
    svg = io.BytesIO()
    # A standalone SVG needs its namespace to load in an <img>.
    segno.make(join_url(live), error="m").save(svg, kind="svg", xmldecl=False, svgns=True, nl=False, scale=10,
                                                border=2, dark="#000", light="#fff", omitsize=True)
    return Response(svg.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
