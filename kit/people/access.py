"""Who may see or do what: the one place for the access rules of every page and Socket.IO event.

Views call the `*_or_404` helpers and `require_*` guards; the live namespaces call the same predicates
(`may_drive`) with the ids kept in the connection.

- An admin (the content team) sees everything, and alone edits the modules.
- A coordinator follows the animators of their region (User.region, compared with the
  animators' SIAE region) and, when their account has an SIAE, of that SIAE.
- An animator sees their own groups, sessions, participants and badges, and drives their own sessions.
- A counselor (CIP, ASP) sees their own SIAE's employees and diagnostics; nobody else sees a name,
  but admins. Coordinators see the figures of their region, never the employees.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from werkzeug.wrappers import Response

from kit.extensions import db, login_manager
from kit.models import (
    BadgeAssertion,
    Diagnostic,
    Employee,
    Participant,
    Role,
    Siae,
    TrainingGroup,
    TrainingSession,
    User,
)


def is_admin(user: User) -> bool:
    """The content team: every page, every structure."""
    return user.role == Role.ADMIN


def require_role(*roles: Role) -> None:
    """403 unless the signed-in account has one of these roles."""
    if not current_user.is_authenticated or current_user.role not in roles:
        abort(403, "Cette page est réservée à un autre rôle que le vôtre.")


def require_animator_space() -> None:
    """The animator's space: animators and admins; coordinators and counselors have their own spaces."""
    if current_user.role in (Role.COORDINATOR, Role.COUNSELOR):
        abort(403, "L'espace des animateurs est réservé aux animateurs et animatrices.")


def require_editor() -> Response | None:
    """The module editor: the content team (admin accounts) only; others are sent to sign in first."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not may_edit_content(current_user):
        abort(403, "Seule l'équipe contenu (un compte administrateur) peut modifier les modules.")
    return None


def may_edit_content(user: User) -> bool:
    """Editing, publishing and importing modules and images."""
    return is_admin(user)


def _siae_filter(user: User) -> sa.ColumnElement[bool]:
    """The SIAE a coordinator covers: their region's, and their own."""
    clauses = []
    if user.region:
        clauses.append(Siae.region == user.region)
    if user.siae_id:
        clauses.append(Siae.id == user.siae_id)
    return sa.or_(*clauses) if clauses else sa.false()


def visible_siaes(user: User) -> list[Siae]:
    """The SIAE whose figures this account may see."""
    query = sa.select(Siae).order_by(Siae.region, Siae.name)
    if not is_admin(user):
        if user.role != Role.COORDINATOR:
            return []
        query = query.where(_siae_filter(user))
    return list(db.session.scalars(query))


def followed_animators(user: User) -> list[User]:
    """The animators this account follows (a coordinator's, or all of them for an admin)."""
    query = sa.select(User).where(User.role == Role.ANIMATOR).order_by(User.name)
    if not is_admin(user):
        if user.role != Role.COORDINATOR:
            return []
        query = query.join(Siae, Siae.id == User.siae_id).where(_siae_filter(user))
    return list(db.session.scalars(query))


def follows(user: User, animator: User) -> bool:
    """Whether this account follows that animator."""
    if animator.role != Role.ANIMATOR:
        return False
    if is_admin(user):
        return True
    if user.role != Role.COORDINATOR or animator.siae is None:
        return False
    return bool((user.region and animator.siae.region == user.region) or
                (user.siae_id and animator.siae_id == user.siae_id))


def followed_animator_or_404(animator_id: int) -> User:
    """An animator the signed-in coordinator (or admin) follows."""
    animator = db.session.get(User, animator_id)
    if animator is None or not follows(current_user, animator):
        abort(404, "Cet animateur ou cette animatrice n'existe pas, ou vous ne le suivez pas.")
    return animator


def visible_siae_or_404(siae_id: int) -> Siae:
    """An SIAE whose figures the signed-in account may see."""
    siae = db.session.get(Siae, siae_id)
    if siae is None or siae.id not in {s.id for s in visible_siaes(current_user)}:
        abort(404, "Cette structure n'existe pas, ou elle n'est pas de votre territoire.")
    return siae


def owns_group(user: User, group: TrainingGroup) -> bool:
    """The group's animator, or an admin."""
    return is_admin(user) or group.animator_id == user.id


def owned_groups_query(user: User) -> sa.Select[TrainingGroup]:
    """The statement of `owned_groups`, for a page that adds its own options or limits."""
    query = sa.select(TrainingGroup).order_by(TrainingGroup.created_at.desc())
    if not is_admin(user):
        query = query.where(TrainingGroup.animator_id == user.id)
    return query


def owned_groups(user: User) -> list[TrainingGroup]:
    """The groups an animator gives (every group, for an admin), newest first."""
    return list(db.session.scalars(owned_groups_query(user)))


def own_group_or_404(group_id: int) -> TrainingGroup:
    """A group of the signed-in animator (or any, for an admin)."""
    group = db.session.get(TrainingGroup, group_id)
    if group is None or not owns_group(current_user, group):
        abort(404, "Ce groupe n'existe pas, ou ce n'est pas le vôtre.")
    return group


def may_drive(session: TrainingSession, user_id: int, role: str) -> bool:
    """Only the session's own animator (or an admin) drives it: pages and Socket.IO events alike."""
    return session.animator_id == user_id or role == Role.ADMIN


def own_session_or_404(session_id: int) -> TrainingSession:
    """A session the signed-in account may drive."""
    live = db.session.get(TrainingSession, session_id)
    if live is None or not may_drive(live, current_user.id, current_user.role):
        abort(404, "Cette séance n'existe pas, ou ce n'est pas la vôtre.")
    return live


def own_participant_or_404(participant_id: int) -> Participant:
    """A participant of one of the signed-in animator's groups."""
    participant = db.session.get(Participant, participant_id)
    if participant is None or not owns_group(current_user, participant.group):
        abort(404, "Cette personne n'existe pas, ou elle n'est pas dans vos groupes.")
    return participant


def may_see_assertion(user: User, assertion: BadgeAssertion) -> bool:
    """Its recipient (an animator), whoever follows them, the participant's animator, or an admin."""
    if is_admin(user):
        return True
    if assertion.animator is not None:
        return assertion.animator_id == user.id or follows(user, assertion.animator)
    participant = assertion.participant
    if participant is None:
        return False
    return owns_group(user, participant.group) or follows(user, participant.group.animator)


def may_revoke(user: User, assertion: BadgeAssertion) -> bool:
    """An animator's badge: who follows them. A participant's: their animator. An admin: any."""
    if is_admin(user):
        return True
    if assertion.animator is not None:
        return follows(user, assertion.animator)
    return assertion.participant is not None and owns_group(user, assertion.participant.group)


def require_counselor_space() -> None:
    """The diagnostic's pages: counselors attached to an SIAE, and admins."""
    if not current_user.is_authenticated or not (
            is_admin(current_user) or (current_user.role == Role.COUNSELOR and current_user.siae_id)):
        abort(403, "Le diagnostic est réservé aux conseillers et conseillères d'une structure.")


def counselor_siae_ids(user: User) -> list[int]:
    """The SIAE whose employees this account sees: the counselor's own, or every one for an admin."""
    if is_admin(user):
        return list(db.session.scalars(sa.select(Siae.id)))
    return [user.siae_id] if user.role == Role.COUNSELOR and user.siae_id else []


def may_see_employee(user: User, employee: Employee) -> bool:
    """Their SIAE's counselors, or an admin; an erased record is nobody's any more."""
    if employee.erased_at is not None:
        return False
    return is_admin(user) or (user.role == Role.COUNSELOR and user.siae_id == employee.siae_id)


def visible_employees(user: User) -> list[Employee]:
    """The records this account may see, by first name."""
    return list(db.session.scalars(sa.select(Employee).where(
        Employee.siae_id.in_(counselor_siae_ids(user)), Employee.erased_at.is_(None))
        .order_by(Employee.first_name, Employee.family_initial, Employee.id)))


def own_employee_or_404(employee_id: int) -> Employee:
    """An employee of the signed-in counselor's SIAE (any, for an admin)."""
    employee = db.session.get(Employee, employee_id)
    if employee is None or not may_see_employee(current_user, employee):
        abort(404, "Cette personne n'existe pas, ou elle n'est pas de votre structure.")
    return employee


def own_diagnostic_or_404(diagnostic_id: int) -> Diagnostic:
    """A diagnostic of an employee the signed-in account may see."""
    diagnostic = db.session.get(Diagnostic, diagnostic_id)
    if diagnostic is None or not may_see_employee(current_user, diagnostic.employee):
        abort(404, "Ce diagnostic n'existe pas, ou il n'est pas de votre structure.")
    return diagnostic


def require_evaluation_access() -> None:
    """The programme's evaluation: coordinators (their region's SIAE) and admins (all); 403 for others."""
    require_role(Role.COORDINATOR, Role.ADMIN)


def evaluation_siae_ids(user: User) -> frozenset[int] | None:
    """The SIAE whose groups this account's evaluation covers; None: every group, with or without SIAE (admin)."""
    if is_admin(user):
        return None
    return frozenset(siae.id for siae in visible_siaes(user))
