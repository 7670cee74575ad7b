"""Badge criteria are data (kit/badges/badge_classes.yaml), evaluated on histories built for the test."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from flask import Flask

from kit.badges.criteria import CLASSES_FILE, SpecError, badge_classes, class_for, earned, evaluate, parse_classes
from kit.content.library import deck_by_revision_id
from kit.evidence.skills import skills
from kit.extensions import db
from kit.live import service
from kit.models import Answer, RecordKind, SessionQuestion
from kit.reports.figures import AnimatorHistory, ParticipantHistory, animator_history, participant_history
from tests.factories import make_user
from tests.histories import (
    SLUGS,
    finish,
    make_animator_group,
    make_coordinator,
    make_siae,
    record,
    run_course,
    run_session,
)

ANIMATOR = class_for("animator")
PARTICIPANT = class_for("participant")
FULL = AnimatorHistory(sessions_by_module={1: 1, 2: 1, 3: 1, 4: 1}, minutes=840,
                       group_modules={1: frozenset({1, 2, 3, 4})},
                       participant_half_days={i: 4 for i in range(6)},
                       records={"formation": 1, "observation": 1})


def test_the_two_badges_and_their_criteria_are_data() -> None:
    classes = badge_classes()
    assert {spec.name for spec in classes.values()} == {"Animateur·rice numérique pair·e",
                                                       "Premiers pas sur smartphone"}
    assert [c["kind"] for c in ANIMATOR.criteria] == ["record", "modules_animated", "groups_completed",
                                                      "participants_trained", "record"]
    assert PARTICIPANT.skills() == ("wifi", "recherche", "application")
    assert [c["kind"] for c in PARTICIPANT.criteria] == ["half_days_attended", "skills_observed"]
    assert "- A formé au moins 6 participant·es" in ANIMATOR.narrative


def test_a_full_animator_history_earns_the_badge() -> None:
    results = evaluate(ANIMATOR, FULL)
    assert earned(results) and all(r.percent == 100 for r in results)


@pytest.mark.parametrize(("change", "failing"), [
    ({"records": {"observation": 1}}, 0),
    ({"sessions_by_module": {1: 3, 2: 1, 3: 1}}, 1),
    ({"group_modules": {1: frozenset({1, 2, 3}), 2: frozenset({4})}}, 2),
    ({"participant_half_days": {i: 1 for i in range(5)}}, 3),
    ({"records": {"formation": 2}}, 4),
])
def test_each_missing_criterion_blocks_the_animator_badge(change: dict, failing: int) -> None:
    history = AnimatorHistory(**{**FULL.__dict__, **change})
    results = evaluate(ANIMATOR, history)
    assert not earned(results)
    assert [i for i, r in enumerate(results) if not r.met] == [failing]


def test_progress_counts_toward_the_targets() -> None:
    history = AnimatorHistory(sessions_by_module={1: 2, 3: 1}, participant_half_days={1: 1, 2: 3, 3: 1})
    results = evaluate(ANIMATOR, history)
    assert [(r.current, r.target) for r in results] == [(0, 1), (2, 4), (0, 1), (3, 6), (0, 1)]
    assert results[1].percent == 50 and results[3].percent == 50


THREE = frozenset({"wifi", "recherche", "application"})


@pytest.mark.parametrize(("history", "met"), [
    (ParticipantHistory(frozenset({1, 2, 4}), skills_alone=THREE), True),
    (ParticipantHistory(frozenset({1, 2, 3, 4}), skills_alone=THREE | {"navigateur"}), True),
    (ParticipantHistory(frozenset({1, 2, 4}), skills_alone=frozenset({"wifi", "recherche"})), False),
    (ParticipantHistory(frozenset({1, 2}), skills_alone=THREE), False),
    # Quizzes alone no longer earn it: the badge carries what was seen done (docs/badges.md).
    (ParticipantHistory(frozenset({1, 2, 3, 4}), quiz_asked=10, quiz_correct=10), False),
])
def test_participant_badge_three_half_days_and_the_three_tasks_seen_alone(history: ParticipantHistory,
                                                                          met: bool) -> None:
    results = evaluate(PARTICIPANT, history)
    assert earned(results) is met


def test_skills_observed_counts_toward_three() -> None:
    result = evaluate(PARTICIPANT, ParticipantHistory(frozenset({1}), skills_alone=frozenset({"wifi", "autre"})))[1]
    assert (result.kind, result.current, result.target, result.count_text) == ("skills_observed", 1, 3, "1 / 3")
    assert not result.met and result.percent == 33


def test_the_badge_skills_are_the_course_outcomes(app: Flask) -> None:
    with app.app_context():
        known = skills()
        assert all(skill in known and known[skill].outcome for skill in PARTICIPANT.skills())


def test_a_malformed_spec_fails_loudly() -> None:
    data = yaml.safe_load(CLASSES_FILE.read_text(encoding="utf-8"))
    data["animateur-numerique-pair"]["criteria"][0]["kind"] = "half_days_attended"  # a participant's criterion
    with pytest.raises(SpecError, match="critère inconnu"):
        parse_classes(data)
    with pytest.raises(SpecError, match="il manque"):
        parse_classes({"x": {"name": "X"}})
    data = yaml.safe_load(CLASSES_FILE.read_text(encoding="utf-8"))
    data["premiers-pas-smartphone"]["criteria"][1]["skills"] = "wifi"
    with pytest.raises(SpecError, match="liste de compétences"):
        parse_classes(data)


def test_an_animator_history_built_in_the_database(app: Flask) -> None:
    with app.app_context():
        siae = make_siae()
        animator = make_user(siae=siae)
        coordinator = make_coordinator()
        group = make_animator_group(animator, size=6)
        assert not earned(evaluate(ANIMATOR, animator_history(animator.id)))
        sessions = run_course(group)
        run_session(group, SLUGS[0], group.participants[:2])
        run_session(group, SLUGS[1], group.participants, end=False)  # still live: counts once confirmed
        run_session(group, SLUGS[2], group.participants, minutes=3)  # 3 minutes: not a half-day
        run_session(group, SLUGS[3], group.participants, confirm=False)  # attendance not confirmed yet
        record(animator, RecordKind.TRAINING, coordinator)
        history = animator_history(animator.id)
        assert history.sessions_by_module == {1: 2, 2: 1, 3: 1, 4: 1}
        assert history.sessions == 5 and history.hours == 5 * 3.5
        assert history.groups_completed() == 1 and history.participants_trained() == 6
        assert not earned(evaluate(ANIMATOR, history))  # no observed session yet
        record(animator, RecordKind.OBSERVATION, coordinator, sessions[2])
        assert earned(evaluate(ANIMATOR, animator_history(animator.id)))


def test_planned_sessions_and_absences_do_not_count(app: Flask) -> None:
    with app.app_context():
        animator = make_user(siae=make_siae())
        group = make_animator_group(animator, size=3)
        planned = run_session(group, SLUGS[0], end=False)
        planned.status = "planned"
        db.session.commit()
        session = run_session(group, SLUGS[1], group.participants)
        for row in session_attendance(session.id):
            row.present = row.participant_id != group.participants[0].id
        db.session.commit()
        history = animator_history(animator.id)
        assert history.sessions_by_module == {2: 1} and history.participants_trained() == 2


def session_attendance(session_id: int) -> list:
    """The attendance rows of a session."""
    from kit.models import Attendance

    return list(db.session.scalars(db.select(Attendance).where(Attendance.session_id == session_id)))


def test_a_participant_history_counts_quizzes_asked_and_answered_right(app: Flask) -> None:
    with app.app_context():
        animator = make_user(siae=make_siae())
        group = make_animator_group(animator, size=2)
        awa, bruno = group.participants
        session = run_session(group, SLUGS[0], [awa, bruno], end=False)
        deck = deck_by_revision_id(session.revision_id)
        quizzes = [q for q in deck.quizzes if not q.is_poll][:3]
        poll = next(q for q in deck.quizzes if q.is_poll)
        for quiz in [*quizzes, poll]:
            service.open_question(session, deck, quiz.number)
        right = list(quizzes[0].correct)
        wrong = [next(i for i in range(len(quizzes[1].choices)) if i not in quizzes[1].correct)]
        db.session.add_all([Answer(session_id=session.id, quiz_number=quizzes[0].number, participant_id=awa.id,
                                   choices=right),
                            Answer(session_id=session.id, quiz_number=quizzes[1].number, participant_id=awa.id,
                                   choices=wrong)])
        db.session.commit()
        finish(session)
        history = participant_history(awa.id)
        assert history.modules_attended == {1}
        assert (history.quiz_asked, history.quiz_correct) == (3, 1)
        assert participant_history(bruno.id).quiz_correct == 0
        assert db.session.query(SessionQuestion).count() == 4
        assert date.today() == session.day
