"""The participants' side: join a session by its code, pick a name, then follow live.

No account, no e-mail, no password: a nickname, an avatar, and a cookie on the phone.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, jsonify, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from kit.badges.criteria import class_for
from kit.badges.issuance import active_assertion
from kit.content.library import deck_by_revision_id
from kit.evidence.learned import COURSE, check_pairs, course_sheets, said_skills
from kit.extensions import db, limiter
from kit.forms import Form, SelectChoice
from kit.live import claims
from kit.live.codes import normalize_code
from kit.live.devices import COOKIE, COOKIE_MAX_AGE, bind_device, participant_for_token
from kit.live.fanout import refresh_animators
from kit.models import ClaimStatus, Participant, SessionStatus, TrainingSession
from kit.people.nicknames import AVATAR_IDS, AVATARS, EMOJI_BY_ID, NICKNAME, avatar_name, nickname_key

bp = Blueprint("join", __name__)

JOIN_LIMIT = "30 per minute;300 per hour"
# The waiting page polls every few seconds for as long as the animator takes to answer.
WAIT_LIMIT = "60 per minute"
TOO_MANY = "Trop d'essais. Attendez une minute, puis réessayez."


class NewParticipantForm(Form):
    """A first name or a nickname, and an avatar."""

    nickname = StringField("Votre prénom ou surnom", validators=[
        DataRequired("Écrivez votre prénom ou un surnom."),
        Length(min=1, max=20, message="Écrivez 20 lettres au plus.")])
    # The picture's id ("cat"); an emoji is taken too, from a form loaded before the pictures were drawn.
    avatar = RadioField("Choisissez une image", choices=[SelectChoice(AVATAR_IDS[e], avatar_name(e)) for e in AVATARS],
                        filters=[lambda value: AVATAR_IDS.get(value, value)],
                        validators=[DataRequired("Choisissez une image.")])

    def validate_nickname(self, field: StringField) -> None:
        """Letters, digits, spaces, hyphens and apostrophes only."""
        field.data = " ".join((field.data or "").split())
        if not NICKNAME.match(field.data):
            raise ValidationError("Utilisez seulement des lettres et des chiffres.")


def joinable(code: str) -> TrainingSession | None:
    """The live session with this code, if any (the code expires when the session ends)."""
    return db.session.scalar(sa.select(TrainingSession).where(TrainingSession.join_code == code,
                                                              TrainingSession.status == SessionStatus.LIVE))


@bp.route("/j", methods=["GET", "POST"])
@limiter.limit(JOIN_LIMIT, methods=["POST"], error_message=TOO_MANY)
def keypad() -> tuple[str, int] | Response:
    """Type the code shown on the projector."""
    error = None
    if request.method == "POST":
        code = normalize_code(request.form.get("code", ""))
        if code and joinable(code):
            return redirect(url_for("join.session", code=code))
        error = "Ce code ne correspond à aucune séance en cours. Vérifiez le code à l'écran."
    # A phone that followed the course finds « Ce que j'ai appris » again here, once the sessions are over.
    returning = request.cookies.get(COOKIE) is not None and participant_for_token(request.cookies.get(COOKIE))
    return render_template("join/keypad.html", error=error, returning=bool(returning)), 200 if error is None else 400


@bp.get("/j/appris")
@limiter.limit(JOIN_LIMIT, error_message=TOO_MANY)
def learned() -> str:
    """« Ce que j'ai appris »: this phone's own participant only (its device cookie), never anyone else's."""
    participant = participant_for_token(request.cookies.get(COOKIE))
    if participant is None:
        abort(404, "Ouvrez cette page sur le téléphone qui a suivi la formation, après avoir choisi votre prénom.")
    spec = class_for("participant")
    return render_template("join/learned.html", participant=participant, said=said_skills(participant.id),
                           check=check_pairs(participant.id), sheets=course_sheets(), spec=spec,
                           badge=active_assertion(spec.slug, participant_id=participant.id))


@bp.get("/j/<code>")
@limiter.limit(JOIN_LIMIT, error_message=TOO_MANY)
def session(code: str) -> str | tuple[str, int]:
    """The phone page of a session: pick your name, then follow live."""
    live = _session_or_404(code)
    participant = participant_for_token(request.cookies.get(COOKIE))
    if participant is not None and participant.group_id == live.group_id:
        # The course's last module: its end opens « Ce que j'ai appris » on the phone (static/js/phone.js).
        course_end = deck_by_revision_id(live.revision_id).meta.number == COURSE[-1]
        return render_template("join/live.html", session=live, participant=participant, code=code,
                               course_end=course_end)
    return _choose(live, code, NewParticipantForm())


def _choose(live: TrainingSession, code: str, form: NewParticipantForm, status: int = 200) -> tuple[str, int]:
    people = db.session.scalars(sa.select(Participant).where(Participant.group_id == live.group_id)
                                .order_by(Participant.nickname_key)).all()
    return render_template("join/choose.html", session=live, code=code, people=people, form=form), status


@bp.post("/j/<code>/nouveau")
@limiter.limit(JOIN_LIMIT, error_message=TOO_MANY)
def new_participant(code: str) -> tuple[str, int] | Response:
    """A participant who is new to the group."""
    live = _session_or_404(code)
    form = NewParticipantForm()
    if not form.validate_on_submit():
        return _choose(live, code, form, 400)
    key = nickname_key(form.nickname.data or "")
    if db.session.scalar(sa.select(Participant.id).where(Participant.group_id == live.group_id,
                                                         Participant.nickname_key == key)):
        form.nickname.errors = ["Ce prénom est déjà dans le groupe. Si c'est vous, touchez-le dans la liste."]
        return _choose(live, code, form, 400)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Participant)
                              .where(Participant.group_id == live.group_id)) or 0
    if count >= current_app.config["GROUP_MAX_PARTICIPANTS"]:
        form.nickname.errors = ["Le groupe est complet. Demandez à l'animateur ou l'animatrice."]
        return _choose(live, code, form, 400)
    participant = Participant(group_id=live.group_id, nickname=form.nickname.data, nickname_key=key,
                              avatar=EMOJI_BY_ID[form.avatar.data or ""])
    db.session.add(participant)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same name typed on two phones at once
        db.session.rollback()
        form.nickname.errors = ["Ce prénom est déjà dans le groupe. Si c'est vous, touchez-le dans la liste."]
        return _choose(live, code, form, 400)
    return _identified(participant, code)


@bp.post("/j/<code>/moi/<int:participant_id>")
@limiter.limit(JOIN_LIMIT, error_message=TOO_MANY)
def returning_participant(code: str, participant_id: int) -> Response:
    """"C'est moi": a participant of the group, on this phone; the animator approves if their phone is on."""
    live = _session_or_404(code)
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.group_id != live.group_id:
        abort(404, "Cette personne n'est pas dans le groupe de cette séance.")
    token, pending = claims.claim(live.id, participant, request.cookies.get(COOKIE))
    if pending is not None:
        refresh_animators(live.id)  # the presenter shows the request at once
        return _with_cookie(redirect(url_for("join.waiting", code=code)), token)
    return _with_cookie(redirect(url_for("join.session", code=code)), token)


@bp.get("/j/<code>/attente")
@limiter.limit(WAIT_LIMIT, error_message=TOO_MANY)
def waiting(code: str) -> str | Response:
    """This phone asked to be someone whose phone is connected: it waits for the animator's answer."""
    live = _session_or_404(code)
    found = claims.status_of(live.id, request.cookies.get(COOKIE))
    if found is None or found.status in (ClaimStatus.ACCEPTED, ClaimStatus.FREE):
        return redirect(url_for("join.session", code=code))
    return render_template("join/waiting.html", code=code, claim=found, participant=found.participant)


@bp.get("/j/<code>/attente.json")
@limiter.limit(WAIT_LIMIT, error_message=TOO_MANY)
def waiting_status(code: str) -> Response:
    """The answer the waiting page polls for: `{"status": "pending"|"accepted"|"refused"|"none"}`."""
    live = _session_or_404(code)
    found = claims.status_of(live.id, request.cookies.get(COOKIE))
    status = "none" if found is None else "accepted" if found.status == ClaimStatus.FREE else found.status
    return jsonify(status=status)


def _identified(participant: Participant, code: str) -> Response:
    return _with_cookie(redirect(url_for("join.session", code=code)),
                        bind_device(participant, request.cookies.get(COOKIE)))


def _with_cookie(response: Response, token: str) -> Response:
    response = make_response(response)
    response.set_cookie(COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response


def _session_or_404(code: str) -> TrainingSession:
    normalized = normalize_code(code)
    live = joinable(normalized) if normalized else None
    if live is None:
        abort(404, "Cette séance est terminée, ou le code est incorrect. Tapez le code affiché à l'écran.")
    return live
