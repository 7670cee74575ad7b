"""The badge's numbers read the same on the group's table and on the participant's page."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from kit.content.library import deck_by_revision_id
from kit.extensions import db
from kit.live import service
from kit.models import Answer
from tests.factories import login, make_user
from tests.histories import SLUGS, finish, make_animator_group, make_siae, observe, run_session


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def plain(text: str) -> str:
    """A page's text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def table_counts(table: str, nickname: str) -> list[str]:
    """The numeric cells of a participant's row in the group's table."""
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", table, re.S) if f"{nickname}</a>" in r)
    return [" ".join(cell.split()) for cell in re.findall(r'<td class="num">(.*?)</td>', row, re.S)]


def checklist_counts(participant: str) -> dict[str, str]:
    """The count of each criterion of the participant's checklist, by its label."""
    found = re.findall(r'<span class="criterion-label">([^<]*)</span>(?:(?!criterion-label).)*?'
                       r'<span class="criterion-count">\(([^)]*)\)</span>', participant, re.S)
    return {label: " ".join(count.split()) for label, count in found}


def test_the_group_table_and_the_participant_page_show_the_same_numbers(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        group = make_animator_group(make_user(siae=make_siae()), size=2)
        awa = group.participants[0]
        # One half-day, and wifi seen done alone: « 1 / 4 » half-days and « 1 / 3 » skills.
        session = run_session(group, SLUGS[0], [awa], end=False)
        deck = deck_by_revision_id(session.revision_id)
        first, second = [q for q in deck.quizzes if not q.is_poll][:2]
        for quiz in (first, second):
            service.open_question(session, deck, quiz.number)
        db.session.add(Answer(session_id=session.id, quiz_number=first.number, participant_id=awa.id,
                              choices=list(first.correct)))
        db.session.commit()
        finish(session)
        observe(awa, ("wifi",), session=session)
        group_id, awa_id, nickname = group.id, awa.id, awa.nickname
    login(client)
    table = table_counts(page(client, f"/progression/groupes/{group_id}"), nickname)
    checklist = checklist_counts(page(client, f"/progression/participants/{awa_id}"))
    half_days = checklist["A suivi au moins 3 des 4 demi-journées"]
    skills = checklist["L'animateur·rice l'a vu·e faire seul·e les 3 tâches : se connecter au Wi-Fi, chercher avec "
                       "des mots-clés, installer une application"]
    assert table == [half_days, skills]
    assert (half_days, skills) == ("1 / 4", "1 / 3")


def test_every_page_counts_the_same_hours(app: Flask, client: FlaskClient) -> None:
    """The animator's progress, the coordinator's pages and the monthly CSV read the same sessions."""
    from datetime import date

    from tests.histories import make_coordinator

    with app.app_context():
        siae = make_siae()
        animator = make_user(siae=siae)
        group = make_animator_group(animator, size=2)
        day = date(2026, 11, 17)
        run_session(group, SLUGS[0], group.participants[:1], day, minutes=150)  # 2 h 30: counts
        run_session(group, SLUGS[1], group.participants, day, minutes=3)  # 3 minutes: does not
        run_session(group, SLUGS[2], group.participants, day, minutes=600)  # counted 5 h at most
        make_coordinator()
        animator_id, siae_id = animator.id, siae.id
    login(client)
    assert "7 h 30 de formation données" in plain(page(client, "/progression/"))
    coordinator = client.application.test_client()
    login(coordinator, "coord@test.fr")
    index = page(coordinator, "/coordination/")
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", index, re.S) if f"/animateurs/{animator_id}" in r)
    assert [" ".join(c.split()) for c in re.findall(r'<td class="num">(.*?)</td>', row, re.S)][:2] == ["2", "7 h 30"]
    assert "7 h 30 de formation données" in plain(page(coordinator, f"/coordination/animateurs/{animator_id}"))
    csv = coordinator.get(f"/coordination/rapport/csv?structure={siae_id}&mois=2026-11").get_data(as_text=True)
    # Half-days followed: one person at the 2 h 30 session, two at the 5 h one: 3, and 12 h 30 of training.
    assert ";2;3;12,5;" in csv
