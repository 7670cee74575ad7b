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
from tests.histories import SLUGS, finish, make_animator_group, make_siae, run_session


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


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
        # One half-day, two questions asked, one answered right: « 1 / 4 » half-days and « 1 / 2 » quizzes.
        session = run_session(group, SLUGS[0], [awa], end=False)
        deck = deck_by_revision_id(session.revision_id)
        first, second = [q for q in deck.quizzes if not q.is_poll][:2]
        for quiz in (first, second):
            service.open_question(session, deck, quiz.number)
        db.session.add(Answer(session_id=session.id, quiz_number=first.number, participant_id=awa.id,
                              choices=",".join(map(str, first.correct))))
        db.session.commit()
        finish(session)
        group_id, awa_id, nickname = group.id, awa.id, awa.nickname
    login(client)
    table = table_counts(page(client, f"/progression/groupes/{group_id}"), nickname)
    checklist = checklist_counts(page(client, f"/progression/participants/{awa_id}"))
    half_days = checklist["A suivi au moins 3 des 4 demi-journées"]
    quizzes = checklist["A réussi les quiz des modules (au moins la moitié de bonnes réponses)"]
    tasks = checklist["L'animateur·rice a vu la personne réussir les 3 tâches"]
    assert table == [half_days, quizzes, tasks]
    assert (half_days, quizzes, tasks) == ("1 / 4", "1 / 2", "0 / 3")
