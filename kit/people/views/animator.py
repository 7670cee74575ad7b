"""The animator's space: groups, sessions, and the live projector and presenter."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import contains_eager, joinedload
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from kit.content.library import published_modules
from kit.extensions import db
from kit.forms import Form
from kit.models import Participant, Role, SessionStatus, TrainingGroup, TrainingSession
from kit.people.access import own_group_or_404, owned_groups_query, require_animator_space
from kit.people.nicknames import avatar_for, nickname_key

bp = Blueprint("animator", __name__, url_prefix="/animateur")


@bp.before_request
@login_required
def _signed_in() -> Response | None:
    """A coordinator or a counselor signing in lands on the dashboard: they are sent to their own space."""
    if current_user.role == Role.COORDINATOR and request.endpoint == "animator.dashboard":
        return redirect(url_for("coordinator.index"))
    if current_user.role == Role.COUNSELOR and request.endpoint == "animator.dashboard":
        return redirect(url_for("diagnostic.index"))
    require_animator_space()
    return None


class GroupForm(Form):
    """A training group's name."""

    name = StringField("Nom du groupe", validators=[DataRequired("Donnez un nom au groupe."),
                                                    Length(max=120, message="120 caractères au plus.")])


class ParticipantForm(Form):
    """A participant added by the animator (for someone without a phone, say)."""

    nickname = StringField("Prénom ou surnom", validators=[DataRequired("Écrivez un prénom ou un surnom."),
                                                           Length(max=20, message="20 caractères au plus.")])


SESSIONS_PER_PAGE = 30


@bp.get("/")
def dashboard() -> str:
    """The animator's sessions, live ones first then the newest, a page at a time; and their groups.

    One statement per list, whatever their length: an admin's platform or a long-serving animator has
    hundreds of sessions, and rendering them all, each reading its group, held every live phone of the
    process for 130 to 210 ms (docs/performance.md).
    """
    everyone = current_user.role == Role.ADMIN
    groups = list(db.session.scalars(owned_groups_query(current_user).options(joinedload(TrainingGroup.animator))))
    # The access rule of kit/people/access.py, as a subquery: the sessions and sizes of exactly those groups.
    group_ids = owned_groups_query(current_user).with_only_columns(TrainingGroup.id).order_by(None).scalar_subquery()
    sizes: dict[int, int] = dict(db.session.execute(
        sa.select(Participant.group_id, sa.func.count()).where(Participant.group_id.in_(group_ids))
        .group_by(Participant.group_id)).all())
    owned = sa.select(TrainingSession).join(TrainingSession.group).where(TrainingSession.group_id.in_(group_ids))
    total = db.session.scalar(owned.with_only_columns(sa.func.count()).order_by(None)) or 0
    pages = max(1, -(-total // SESSIONS_PER_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    sessions = list(db.session.scalars(
        owned.options(contains_eager(TrainingSession.group), joinedload(TrainingSession.animator))
        .order_by(sa.case((TrainingSession.status == SessionStatus.LIVE, 0), else_=1),
                  TrainingSession.day.desc(), TrainingSession.id.desc())
        .limit(SESSIONS_PER_PAGE).offset((page - 1) * SESSIONS_PER_PAGE)))
    titles = {m.slug: m.deck.meta.title for m in published_modules()}
    # An admin sees every group and session (kit/people/access.py): not « mes » séances then.
    return render_template("animator/dashboard.html", groups=groups, sizes=sizes, sessions=sessions, titles=titles,
                           everyone=everyone, page=page, pages=pages, total=total,
                           first=(page - 1) * SESSIONS_PER_PAGE + 1)


@bp.route("/groupes/nouveau", methods=["GET", "POST"])
def new_group() -> str | Response:
    """Create a training group."""
    form = GroupForm()
    if form.validate_on_submit():
        group = TrainingGroup(name=(form.name.data or "").strip(), animator_id=current_user.id,
                              siae_id=current_user.siae_id)
        db.session.add(group)
        db.session.commit()
        flash(f"Groupe « {group.name} » créé.", "success")
        return redirect(url_for("animator.group", group_id=group.id))
    return render_template("animator/group_form.html", form=form)


@bp.route("/groupes/<int:group_id>", methods=["GET", "POST"])
def group(group_id: int) -> str | Response:
    """A group: its participants and its sessions; add a participant."""
    found = own_group_or_404(group_id)
    form = ParticipantForm()
    if form.validate_on_submit():
        nickname = " ".join((form.nickname.data or "").split())
        key = nickname_key(nickname)
        if any(p.nickname_key == key for p in found.participants):
            form.nickname.errors = ["Ce prénom est déjà dans le groupe."]
        else:
            db.session.add(Participant(group_id=found.id, nickname=nickname, nickname_key=key,
                                       avatar=avatar_for(len(found.participants))))
            db.session.commit()
            flash(f"{nickname} a été ajouté·e au groupe.", "success")
            return redirect(url_for("animator.group", group_id=found.id))
    sessions = list(db.session.scalars(sa.select(TrainingSession).where(TrainingSession.group_id == found.id)
                                       .order_by(TrainingSession.day)))
    titles = {m.slug: m.deck.meta.title for m in published_modules()}
    return render_template("animator/group.html", group=found, form=form, sessions=sessions, titles=titles)
