"""A demo server for the courses' browser tests: the demo offer, half full, with a waiting list."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from kit.courses.booking import enrol
from kit.courses.demo import COUNSELORS, OFFER_ANIMATOR
from kit.extensions import db
from kit.models import CourseOffer, Employee, User
from tests.conftest import demo_database, make_app, served
from tests.databases import Databases

# The pages axe checks, by the account that opens them: (name, email, password, path with {offer}).
ANIMATOR = ("animateur@demo.fr", "demo-animateur")
COUNSELOR = (COUNSELORS[0][0], COUNSELORS[0][1])
PAGES = [("formations-liste", COUNSELOR, "/formations/"), ("formation-conseiller", COUNSELOR, "/formations/{offer}"),
         ("formation-animatrice", ANIMATOR, "/formations/{offer}"), ("formation-nouvelle", ANIMATOR,
                                                                    "/formations/nouvelle"),
         # The offer's own animator: the half-days' sign-in sheets and the convocations are linked.
         ("formation-sa-formation", (OFFER_ANIMATOR[0], OFFER_ANIMATOR[1]), "/formations/{offer}")]


@dataclass
class CoursesServer:
    url: str
    offer: int


@contextmanager
def courses_server(databases: Databases) -> Iterator[CoursesServer]:
    """The demo data served in a thread; the demo offer cut to 4 seats: full, with 2 people waiting."""
    url = demo_database(databases)
    app = make_app(url)
    with app.app_context():
        offer = db.session.scalar(sa.select(CourseOffer))
        offer.capacity = 4
        db.session.commit()
        for email, *_rest in COUNSELORS:
            counselor = db.session.scalar(sa.select(User).where(User.email == email))
            for employee in db.session.scalars(sa.select(Employee).where(Employee.siae_id == counselor.siae_id)
                                               .order_by(Employee.id).limit(3)):
                enrol(offer.id, employee.id, counselor)
        offer_id = offer.id
    try:
        with served(app) as base:
            yield CoursesServer(base, offer_id)
    finally:
        databases.release(url)
