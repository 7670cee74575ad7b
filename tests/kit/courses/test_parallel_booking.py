"""The last seat is never given twice: 20 truly parallel enrolments into an offer of 8 seats, over HTTP;
then 4 cancellations at once promote the first 4 of the waiting list, in order.

Two real servers (run.py, gevent) share one database (SQLite or PostgreSQL, as KIT_TEST_DATABASE says);
20 threads, each with its own cookies (signed in as one of three counselors of three SIAE), load the offer's
page for a CSRF token, wait at a barrier, then all post at once, half to each server.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from kit.courses.demo import COUNSELORS
from kit.extensions import db
from kit.models import CourseOffer, Employee, User
from kit.people.demo import DEMO_COUNSELOR_EMAIL, DEMO_COUNSELOR_PASSWORD
from tests.conftest import demo_database, dispose, free_port, make_app
from tests.databases import Databases, query
from tests.servers import AppServer
from tests.web import CSRF, WebClient

ACCOUNTS = [(DEMO_COUNSELOR_EMAIL, DEMO_COUNSELOR_PASSWORD)] + [(c[0], c[1]) for c in COUNSELORS]
PEOPLE = 20


def prepare(databases: Databases) -> tuple[str, int, list[tuple[str, str, int]]]:
    """The demo database, and 20 employees spread over the counselors' SIAE: (url, offer id, who enrols whom)."""
    url = demo_database(databases)
    app = make_app(url)
    jobs = []
    with app.app_context():
        offer_id = db.session.scalar(sa.select(CourseOffer.id))
        assert offer_id is not None, "la formation de démonstration manque"
        for index in range(PEOPLE):
            email, password = ACCOUNTS[index % len(ACCOUNTS)]
            counselor = db.session.scalar(sa.select(User).where(User.email == email))
            employee = Employee(siae_id=counselor.siae_id, first_name=f"Personne{index:02d}", family_initial="P",
                                pathway_month=counselor.created_at.date().replace(day=1), consent_version="test")
            db.session.add(employee)
            db.session.flush()
            jobs.append((email, password, employee.id))
        db.session.commit()
    dispose(app)
    return url, offer_id, jobs


@pytest.fixture
def servers(tmp_path: Path, databases: Databases) -> Iterator[tuple[list[AppServer], int, list[tuple[str, str, int]]]]:
    url, offer_id, jobs = prepare(databases)
    started: list[AppServer] = []
    try:
        for number in range(2):
            started.append(AppServer(url, free_port(), tmp_path / f"server{number}.log").start())
        yield started, offer_id, jobs
    finally:
        for server in started:
            server.stop()
        databases.release(url)


def test_twenty_parallel_enrolments_into_eight_seats(
        servers: tuple[list[AppServer], int, list[tuple[str, str, int]]]) -> None:
    running, offer_id, jobs = servers
    page = f"/formations/{offer_id}"
    clients = []
    for index, (email, password, employee_id) in enumerate(jobs):
        client = WebClient(running[index % len(running)].url)
        client.login(email, password)
        found = CSRF.search(client.get(page).text)
        assert found, "pas de jeton CSRF sur la page de la formation"
        clients.append((client, found.group(1) or found.group(2), employee_id))
    barrier = threading.Barrier(len(clients))

    def post(job: tuple[WebClient, str, int]) -> int:
        client, token, employee_id = job
        barrier.wait(timeout=30)
        response = client.http.post(client.base_url + page + "/inscrire", timeout=60, allow_redirects=False,
                                    data={"csrf_token": token, "employee": str(employee_id)})
        return response.status_code

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = list(pool.map(post, clients))
    assert statuses == [302] * PEOPLE
    url = running[0].database_url
    counts = dict(query(url, f"SELECT status, count(*) FROM enrolment WHERE offer_id = {offer_id} GROUP BY status"))
    assert counts == {"enrolled": 8, "waiting": 12}
    assert query(url, f"SELECT seats_taken, capacity FROM course_offer WHERE id = {offer_id}") == [(8, 8)]
    participants = query(url, "SELECT count(*) FROM participant p JOIN course_offer o ON o.group_id = p.group_id "
                              f"WHERE o.id = {offer_id}")
    assert participants == [(8,)]
    events = dict(query(url, "SELECT kind, count(*) FROM enrolment_event GROUP BY kind"))
    assert events == {"enrolled": 8, "waiting": 12}
    cancel_four_at_once(running, clients, offer_id)
    # Every refusal or crash would show in the servers' logs.
    for server in running:
        assert not re.search(r'"level": "ERROR"', server.log.read_text()), server.log.read_text()[-3000:]


def cancel_four_at_once(running: list[AppServer], clients: list[tuple[WebClient, str, int]], offer_id: int) -> None:
    """4 seated people cancelled at the same moment: the first 4 waiting, in order, take their seats."""
    url = running[0].database_url
    seated = dict(query(url, f"SELECT employee_id, id FROM enrolment WHERE offer_id = {offer_id} "
                             "AND status = 'enrolled' ORDER BY id"))
    waiting = [row[0] for row in query(url, f"SELECT id FROM enrolment WHERE offer_id = {offer_id} "
                                            "AND status = 'waiting' ORDER BY created_at, id")]
    leaving = [(client, token, seated[employee_id]) for client, token, employee_id in clients
               if employee_id in seated][:4]
    barrier = threading.Barrier(len(leaving))

    def post(job: tuple[WebClient, str, int]) -> int:
        client, token, enrolment_id = job
        barrier.wait(timeout=30)
        return client.http.post(f"{client.base_url}/formations/inscriptions/{enrolment_id}/annuler", timeout=60,
                                allow_redirects=False,
                                data={"csrf_token": token, "reason": "malade"}).status_code

    with ThreadPoolExecutor(max_workers=len(leaving)) as pool:
        assert list(pool.map(post, leaving)) == [302] * 4
    counts = dict(query(url, f"SELECT status, count(*) FROM enrolment WHERE offer_id = {offer_id} GROUP BY status"))
    assert counts == {"enrolled": 8, "waiting": 8, "cancelled": 4}
    assert query(url, f"SELECT seats_taken FROM course_offer WHERE id = {offer_id}") == [(8,)]
    promoted = [row[0] for row in query(url, f"SELECT id FROM enrolment WHERE offer_id = {offer_id} "
                                             "AND promoted_at IS NOT NULL ORDER BY id")]
    assert promoted == sorted(waiting[:4])  # the first four of the waiting list, none skipped
    assert query(url, "SELECT count(*) FROM participant p JOIN course_offer o ON o.group_id = p.group_id "
                      f"WHERE o.id = {offer_id}") == [(8,)]
