"""The animator's space: groups, sessions, and the live projector and presenter."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlsplit

import segno
import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length

from .content import Module, deck_for, published_module, published_modules
from .extensions import db
from .forms import Form
from .join import AVATARS, nickname_key
from .live import service
from .live.errors import LiveError
from .live.sockets import broadcast
from .models import Attendance, Participant, Role, SessionStatus, TrainingGroup, TrainingSession
from .network import lan_addresses

bp = Blueprint("animator", __name__, url_prefix="/animateur")


@bp.before_request
@login_required
def _signed_in() -> Response | None:
    """Every page of the animator's space needs an animator's (or an admin's) account.

    A coordinator signing in lands on the dashboard: they are sent to their own space.
    """
    if current_user.role == Role.COORDINATOR:
        if request.endpoint == "animator.dashboard":
            return redirect(url_for("coordinator.index"))
        abort(403, "L'espace des animateurs est réservé aux animateurs et animatrices.")
    return None


class GroupForm(Form):
    """A training group's name."""

    name = StringField("Nom du groupe", validators=[DataRequired("Donnez un nom au groupe."),
                                                    Length(max=120, message="120 caractères au plus.")])


class ParticipantForm(Form):
    """A participant added by the animator (for someone without a phone, say)."""

    nickname = StringField("Prénom ou surnom", validators=[DataRequired("Écrivez un prénom ou un surnom."),
                                                           Length(max=20, message="20 caractères au plus.")])


class SessionForm(Form):
    """A half-day: a group, a module, a date."""

    group = SelectField("Groupe", coerce=int, validate_choice=True)
    module = SelectField("Module", validate_choice=True)
    day = DateField("Date", default=date.today, validators=[DataRequired("Indiquez la date.")])


def _own_groups() -> list[TrainingGroup]:
    query = sa.select(TrainingGroup).order_by(TrainingGroup.created_at.desc())
    if current_user.role != Role.ADMIN:
        query = query.where(TrainingGroup.animator_id == current_user.id)
    return list(db.session.scalars(query))


def _own_group(group_id: int) -> TrainingGroup:
    group = db.session.get(TrainingGroup, group_id)
    if group is None or (group.animator_id != current_user.id and current_user.role != Role.ADMIN):
        abort(404, "Ce groupe n'existe pas, ou ce n'est pas le vôtre.")
    return group


def _own_session(session_id: int) -> TrainingSession:
    live = db.session.get(TrainingSession, session_id)
    if live is None or (live.animator_id != current_user.id and current_user.role != Role.ADMIN):
        abort(404, "Cette séance n'existe pas, ou ce n'est pas la vôtre.")
    return live


@bp.get("/")
def dashboard() -> str:
    """The animator's groups and sessions, live ones first."""
    groups = _own_groups()
    sessions = list(db.session.scalars(
        sa.select(TrainingSession).where(TrainingSession.group_id.in_([g.id for g in groups]))
        .order_by(TrainingSession.day.desc(), TrainingSession.id.desc())))
    titles = {m.slug: m.deck.meta.title for m in published_modules()}
    return render_template("animator/dashboard.html", groups=groups, sessions=sessions, titles=titles)


@bp.route("/groupes/nouveau", methods=["GET", "POST"])
def new_group() -> str | Response:
    """Create a training group."""
    form = GroupForm()
    if form.validate_on_submit():
        group = TrainingGroup(name=form.name.data.strip(), animator_id=current_user.id, siae_id=current_user.siae_id)
        db.session.add(group)
        db.session.commit()
        flash(f"Groupe « {group.name} » créé.", "success")
        return redirect(url_for("animator.group", group_id=group.id))
    return render_template("animator/group_form.html", form=form)


@bp.route("/groupes/<int:group_id>", methods=["GET", "POST"])
def group(group_id: int) -> str | Response:
    """A group: its participants and its sessions; add a participant."""
    found = _own_group(group_id)
    form = ParticipantForm()
    if form.validate_on_submit():
        nickname = " ".join(form.nickname.data.split())
        key = nickname_key(nickname)
        if any(p.nickname_key == key for p in found.participants):
            form.nickname.errors = ["Ce prénom est déjà dans le groupe."]
        else:
            db.session.add(Participant(group_id=found.id, nickname=nickname, nickname_key=key,
                                       avatar=AVATARS[len(found.participants) % len(AVATARS)]))
            db.session.commit()
            flash(f"{nickname} a été ajouté·e au groupe.", "success")
            return redirect(url_for("animator.group", group_id=found.id))
    sessions = list(db.session.scalars(sa.select(TrainingSession).where(TrainingSession.group_id == found.id)
                                       .order_by(TrainingSession.day)))
    titles = {m.slug: m.deck.meta.title for m in published_modules()}
    return render_template("animator/group.html", group=found, form=form, sessions=sessions, titles=titles)


@bp.route("/seances/nouvelle", methods=["GET", "POST"])
def new_session() -> str | Response:
    """Plan a half-day for a group, pinned to the module's published revision."""
    form = SessionForm()
    groups = _own_groups()
    modules = published_modules()
    form.group.choices = [SelectChoice(g.id, g.name) for g in groups]
    form.module.choices = [SelectChoice(m.slug, f"{m.deck.meta.number}. {m.deck.meta.title}") for m in modules]
    if request.method == "GET" and request.args.get("groupe", "").isdigit():
        form.group.data = int(request.args["groupe"])
    if not groups:
        flash("Créez d'abord un groupe.", "info")
        return redirect(url_for("animator.new_group"))
    if form.validate_on_submit():
        _own_group(form.group.data)
        module = published_module(form.module.data)
        if module is None:
            abort(400, "Ce module n'est pas publié.")
        live = TrainingSession(group_id=form.group.data, animator_id=current_user.id, module_slug=module.slug,
                               revision_id=module.revision_id, day=form.day.data)
        db.session.add(live)
        db.session.commit()
        flash("Séance créée. Démarrez-la le jour venu.", "success")
        return redirect(url_for("animator.session", session_id=live.id))
    return render_template("animator/session_form.html", form=form)


@bp.get("/seances/<int:session_id>")
def session(session_id: int) -> str:
    """A session: start it, open its projector and presenter, end it, correct its attendance."""
    live = _own_session(session_id)
    deck = deck_for(live.revision)
    return render_template("animator/session.html", session=live, deck=deck, join_url=join_url(live),
                           attendance=attendance_of(live), attendance_form=AttendanceForm())


class AttendanceForm(Form):
    """The attendance of a session: one `present` checkbox per participant (read from the request)."""


def attendance_of(live: TrainingSession) -> list[tuple[Participant, Attendance | None]]:
    """Each participant of the session's group with their attendance row, if any."""
    rows = {a.participant_id: a for a in db.session.scalars(
        sa.select(Attendance).where(Attendance.session_id == live.id))}
    return [(p, rows.get(p.id)) for p in live.group.participants]


@bp.post("/seances/<int:session_id>/presences")
def correct_attendance(session_id: int) -> Response:
    """Correct the attendance recorded when phones joined: someone present without a phone, say."""
    live = _own_session(session_id)
    if live.status == SessionStatus.PLANNED:
        abort(400, "Démarrez la séance avant de noter les présences.")
    if not AttendanceForm().validate_on_submit():
        abort(400, "Le formulaire n'est pas valide. Rechargez la page.")
    chosen = request.form.getlist("present")
    members = {p.id for p in live.group.participants}
    if not all(value.isdigit() and int(value) in members for value in chosen):
        abort(400, "Cette personne n'est pas dans le groupe de cette séance.")
    present = {int(value) for value in chosen}
    changed = 0
    for participant, row in attendance_of(live):
        wanted = participant.id in present
        if row is None and wanted:
            db.session.add(Attendance(session_id=live.id, participant_id=participant.id, present=True,
                                      corrected_by_id=current_user.id))
            changed += 1
        elif row is not None and row.present != wanted:
            row.present = wanted
            row.corrected_by_id = current_user.id
            changed += 1
    db.session.commit()
    flash(f"Présences enregistrées ({changed} changement{'s' if changed > 1 else ''}).", "success")
    return redirect(url_for("animator.session", session_id=live.id) + "#presences")


@bp.post("/seances/<int:session_id>/demarrer")
def start(session_id: int) -> Response:
    """Open the session to the phones (it gets its join code)."""
    live = _own_session(session_id)
    try:
        service.start(live)
    except LiveError as error:
        flash(error.message, "error")
        return redirect(url_for("animator.session", session_id=live.id))
    broadcast(live, deck_for(live.revision))
    return redirect(url_for("animator.projector", session_id=live.id))


@bp.post("/seances/<int:session_id>/terminer")
def end(session_id: int) -> Response:
    """End the session: its code expires, the phones are told."""
    live = _own_session(session_id)
    service.end(live)
    broadcast(live, deck_for(live.revision))
    flash("Séance terminée. Merci !", "success")
    return redirect(url_for("animator.session", session_id=live.id))


def _live_or_redirect(session_id: int) -> TrainingSession | Response:
    live = _own_session(session_id)
    if live.status != SessionStatus.LIVE:
        flash("Démarrez la séance pour la projeter." if live.status == SessionStatus.PLANNED
              else "Cette séance est terminée.", "info")
        return redirect(url_for("animator.session", session_id=live.id))
    return live


@bp.get("/seances/<int:session_id>/projection")
def projector(session_id: int) -> str | Response:
    """The live projector: the join slide, then the module, driven through the server."""
    live = _live_or_redirect(session_id)
    if isinstance(live, Response):
        return live
    deck = deck_for(live.revision)
    module = Module(live.module_slug, live.revision_id, deck)
    return render_template("decks/projector.html", deck=deck, module=module, current=live.current_slide,
                           live=live, join_url=join_url(live), short_url=short_join_url())


@bp.get("/seances/<int:session_id>/presentateur")
def presenter(session_id: int) -> str | Response:
    """The live presenter: notes, timers, participants and question controls."""
    live = _live_or_redirect(session_id)
    if isinstance(live, Response):
        return live
    deck = deck_for(live.revision)
    module = Module(live.module_slug, live.revision_id, deck)
    return render_template("decks/presenter.html", deck=deck, module=module,
                           current=live.current_slide, live=live, join_url=join_url(live),
                           short_url=short_join_url())


@bp.get("/seances/<int:session_id>/fiche")
def sheet(session_id: int) -> str:
    """The summary sheet of the module revision this session uses (not necessarily the published one)."""
    live = _own_session(session_id)
    deck = deck_for(live.revision)
    return render_template("decks/sheet.html", deck=deck, module=Module(live.module_slug, live.revision_id, deck))


@bp.get("/seances/<int:session_id>/trame")
def script(session_id: int) -> str:
    """The trame of the module revision this session uses."""
    live = _own_session(session_id)
    deck = deck_for(live.revision)
    return render_template("decks/script.html", deck=deck, module=Module(live.module_slug, live.revision_id, deck))


@bp.get("/seances/<int:session_id>/qr.svg")
def qr_code(session_id: int) -> Response:
    """The QR code of the session's join address, drawn on the server as SVG."""
    live = _own_session(session_id)
    if not live.join_code:
        abort(404, "Cette séance n'a pas de code : démarrez-la d'abord.")
    svg = io.BytesIO()
    # A standalone SVG needs its namespace to load in an <img>.
    segno.make(join_url(live), error="m").save(svg, kind="svg", xmldecl=False, svgns=True, nl=False, scale=10,
                                                border=2, dark="#000", light="#fff", omitsize=True)
    return Response(svg.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


def short_join_url() -> str:
    """The address participants type: the server's base address followed by /j."""
    return f"{join_base_url()}/j"


def join_url(live: TrainingSession) -> str:
    """The address the QR code opens."""
    return f"{join_base_url()}/j/{live.join_code}" if live.join_code else short_join_url()


def join_base_url() -> str:
    """Where phones reach this server: configured, or the address the laptop has on the LAN."""
    configured = current_app.config.get("JOIN_BASE_URL")
    if configured:
        return configured.rstrip("/")
    host = urlsplit(request.host_url)
    if host.hostname not in ("localhost", "127.0.0.1", "::1"):
        return request.host_url.rstrip("/")
    addresses = lan_addresses()
    port = f":{host.port}" if host.port else ""
    return f"http://{addresses[0]}{port}" if addresses else request.host_url.rstrip("/")

