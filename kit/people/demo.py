"""Demo data, so that a fresh install can be tried at once."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from kit.courses.demo import create_courses_demo
from kit.evidence.demo import create_evaluation_demo
from kit.extensions import db
from kit.models import Employee, ModuleRevision, Role, Siae, TrainingGroup, TrainingSession, User

DEMO_EMAIL = "animateur@demo.fr"
DEMO_PASSWORD = "demo-animateur"
# The content team's account: edits, previews and publishes the modules.
DEMO_ADMIN_EMAIL = "admin@demo.fr"
DEMO_ADMIN_PASSWORD = "demo-admin"
# A regional platform's coordinator: follows the demo animator, records validations, sees the monthly figures.
DEMO_COORDINATOR_EMAIL = "coordination@demo.fr"
DEMO_COORDINATOR_PASSWORD = "demo-coordination"
DEMO_REGION = "Hauts-de-France"
# The demo SIAE's counselor (CIP): diagnoses its employees; one demo employee is waiting for a diagnostic.
DEMO_COUNSELOR_EMAIL = "conseil@demo.fr"
DEMO_COUNSELOR_PASSWORD = "demo-conseil"
DEMO_SIAE_NAME = "Régie de quartier (démo)"


def create_demo() -> bool:
    """Create the demo SIAE, animator, group and session, and the demo editor; False if they exist already."""
    _create_demo_admin()
    _create_demo_coordinator()
    if db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAIL)):
        _create_demo_counselor()
        create_evaluation_demo(DEMO_REGION, DEMO_SIAE_NAME, DEMO_PASSWORD)  # a finished course, once
        return False
    siae = Siae(name=DEMO_SIAE_NAME, region=DEMO_REGION, kind="ACI")
    animator = User(email=DEMO_EMAIL, name="Samia (démo)", role=Role.ANIMATOR.value, siae=siae)
    animator.set_password(DEMO_PASSWORD)
    group = TrainingGroup(name="Groupe de démonstration", siae=siae, animator=animator)
    db.session.add_all([siae, animator, group])
    db.session.flush()
    revision_id = db.session.scalar(sa.select(ModuleRevision.id).where(
        ModuleRevision.slug == "01-smartphone-wifi", ModuleRevision.published))
    if revision_id is not None:
        db.session.add(TrainingSession(group_id=group.id, animator_id=animator.id, module_slug="01-smartphone-wifi",
                                       revision_id=revision_id, day=date.today()))
    db.session.commit()
    _create_demo_counselor()
    create_evaluation_demo(DEMO_REGION, DEMO_SIAE_NAME, DEMO_PASSWORD)  # a finished course (kit/evidence/demo.py)
    create_courses_demo(DEMO_SIAE_NAME)
    return True


def _create_demo_admin() -> None:
    """The demo account of the content team (role admin), so the editor can be tried too."""
    if db.session.scalar(sa.select(User.id).where(User.email == DEMO_ADMIN_EMAIL)):
        return
    admin = User(email=DEMO_ADMIN_EMAIL, name="Équipe contenu (démo)", role=Role.ADMIN.value)
    admin.set_password(DEMO_ADMIN_PASSWORD)
    db.session.add(admin)
    db.session.commit()


def _create_demo_coordinator() -> None:
    """The demo coordinator of the demo SIAE's region."""
    if db.session.scalar(sa.select(User.id).where(User.email == DEMO_COORDINATOR_EMAIL)):
        return
    coordinator = User(email=DEMO_COORDINATOR_EMAIL, name="Plateforme régionale (démo)",
                       role=Role.COORDINATOR.value, region=DEMO_REGION)
    coordinator.set_password(DEMO_COORDINATOR_PASSWORD)
    db.session.add(coordinator)
    db.session.commit()


def _create_demo_counselor() -> None:
    """The demo SIAE's counselor, and one of its employees to diagnose."""
    if db.session.scalar(sa.select(User.id).where(User.email == DEMO_COUNSELOR_EMAIL)):
        return
    siae = db.session.scalar(sa.select(Siae).where(Siae.name == DEMO_SIAE_NAME))
    if siae is None:
        return
    counselor = User(email=DEMO_COUNSELOR_EMAIL, name="Nadia, CIP (démo)", role=Role.COUNSELOR.value, siae=siae)
    counselor.set_password(DEMO_COUNSELOR_PASSWORD)
    db.session.add(counselor)
    db.session.flush()
    db.session.add(Employee(siae_id=siae.id, first_name="Karim", family_initial="B",
                            pathway_month=date.today().replace(day=1), consent_by_id=counselor.id,
                            consent_version="démo"))
    db.session.commit()
