"""Demo data, so that a fresh install can be tried at once."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from .extensions import db
from .models import ModuleRevision, Role, Siae, TrainingGroup, TrainingSession, User

DEMO_EMAIL = "animateur@demo.fr"
DEMO_PASSWORD = "demo-animateur"


def create_demo() -> bool:
    """Create the demo SIAE, animator, group and session; False if they exist already."""
    if db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAIL)):
        return False
    siae = Siae(name="Régie de quartier (démo)", region="Hauts-de-France", kind="ACI")
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
    return True
