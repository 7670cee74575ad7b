"""Demo data of the courses between SIAE: the demo SIAE gives courses too, two other SIAE send people.

Called once from kit/people/demo.py. Accounts (README.md): conseil2@demo.fr / demo-conseil2 and
conseil3@demo.fr / demo-conseil3, counselors of two SIAE orientatrices of the demo region, and
animatrice2@demo.fr / demo-animatrice2, a second animator of the demo SIAE, who gives the demo offer: its
4 planned sessions stay off the first demo animator's list, where the demo session must stay the first one.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa

from kit.courses.offers import OfferDraft, OfferError, Slot, publish_offer
from kit.courses.times import today_local
from kit.extensions import db
from kit.models import Diagnostic, Employee, Role, Siae, User
from kit.models.base import utcnow

OFFER_ANIMATOR = ("animatrice2@demo.fr", "demo-animatrice2", "Louise (démo)")
COUNSELORS = (
    ("conseil2@demo.fr", "demo-conseil2", "Julien, CIP (démo)", "Chantier d'insertion du Canal (démo)", "ACI", "59",
     ("Awa", "D", True), ("Bruno", "L", True), ("Chloé", "M", False), ("Driss", "K", True)),
    ("conseil3@demo.fr", "demo-conseil3", "Inès, ASP (démo)", "Association intermédiaire Avenir (démo)", "AI", "62",
     ("Fatou", "S", True), ("Gérard", "P", True), ("Hélène", "R", False), ("Ibrahim", "T", True)),
)


def demo_accounts() -> list[tuple[str, str, str]]:
    """The courses' demo accounts that `flask setup --demo` prints: (what the account is, e-mail, password)."""
    return [("Compte animatrice (elle donne la formation de démonstration)", *OFFER_ANIMATOR[:2])] + [
        (f"Compte conseiller (formations, {siae_name})", email, password)
        for email, password, _name, siae_name, *_rest in COUNSELORS]


def create_courses_demo(siae_name: str) -> None:
    """Make the demo SIAE animatrice (and orientatrice), add two SIAE orientatrices and one published offer."""
    if db.session.scalar(sa.select(User.id).where(User.email == COUNSELORS[0][0])):
        return
    home = db.session.scalar(sa.select(Siae).where(Siae.name == siae_name))
    if home is None:
        return
    home.animatrice, home.orientatrice = True, True
    home.departement = home.departement or "59"
    home.contact_email = home.contact_email or "formations@demo.fr"
    home.contact_phone = home.contact_phone or "03 20 00 00 00"
    for email, password, name, siae_name_, kind, departement, *people in COUNSELORS:
        siae = Siae(name=siae_name_, region=home.region, kind=kind, departement=departement, orientatrice=True,
                    animatrice=False)
        counselor = User(email=email, name=name, role=Role.COUNSELOR.value, siae=siae, phone="06 00 00 00 0" + email[7])
        counselor.set_password(password)
        db.session.add_all([siae, counselor])
        db.session.flush()
        for first_name, initial, oriented in people:
            _employee(siae, counselor, first_name, initial, oriented)
    db.session.commit()
    _offer(home)


def _employee(siae: Siae, counselor: User, first_name: str, initial: str, oriented: bool) -> None:
    employee = Employee(siae_id=siae.id, first_name=first_name, family_initial=initial,
                        pathway_month=date.today().replace(day=1), consent_by_id=counselor.id, consent_version="démo")
    db.session.add(employee)
    db.session.flush()
    if oriented:
        db.session.add(Diagnostic(employee_id=employee.id, counselor_id=counselor.id, guide_version="démo",
                                  completed_at=utcnow(), level="debutant", recommendation="formation"))


def _offer(home: Siae) -> None:
    """One offer of the demo SIAE's second animator, starting in three weeks, 8 seats."""
    email, password, name = OFFER_ANIMATOR
    animator = User(email=email, name=name, role=Role.ANIMATOR.value, siae=home)
    animator.set_password(password)
    db.session.add(animator)
    db.session.commit()
    start = today_local() + timedelta(days=21)
    slots = tuple(Slot(start + timedelta(days=7 * n), time(9, 0), time(12, 30)) for n in range(4))
    draft = OfferDraft(animator=animator, slots=slots, place_name="Salle de la Régie",
                       place_address="12 rue des Écoles, 59000 Lille", departement=home.departement or "59",
                       capacity=8, enrol_deadline=start - timedelta(days=2), contact_phone=home.contact_phone or "")
    try:
        publish_offer(draft, animator, today_local())
    except OfferError:  # the modules are not published yet: the demo works without its offer
        db.session.rollback()
