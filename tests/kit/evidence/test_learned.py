"""« Ce que j'ai appris »: the skills said kindly, the before/after paired, and only one's own phone sees them."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest
from flask import Flask

from kit.badges.issuance import issue_participant_badge
from kit.content.library import deck_by_revision_id
from kit.evidence import learned
from kit.evidence.learned import CheckPairs, check_pairs, pair_check, say
from kit.evidence.observed import ObservedSkill
from kit.extensions import db
from kit.models import Answer, Participant, User, utcnow
from slides import Deck
from slides.model import Quiz
from tests.factories import join_as, make_user
from tests.histories import SLUGS, enable_badges, make_animator_group, make_siae, observe, run_course, run_session


def text(response: object) -> str:
    """A page's text, tags removed, entities decoded and spaces collapsed."""
    page = html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]
    return " ".join(re.sub(r"<[^>]+>", " ", page).split()).replace(" .", ".")


def seen(level: str, label: str = "Se connecter à un réseau Wi-Fi") -> ObservedSkill:
    return ObservedSkill("wifi", label, level, utcnow(), 1, level, 1)


def test_each_level_is_said_as_what_the_person_did() -> None:
    assert say(seen("seul")).text == "Vous avez réussi seul·e à se connecter à un réseau Wi-Fi."
    assert say(seen("avec_aide")).text == "Avec un peu d'aide, vous avez réussi à se connecter à un réseau Wi-Fi."
    assert say(seen("pas_encore")).text == "À continuer : se connecter à un réseau Wi-Fi."


def test_the_check_is_paired_item_by_item() -> None:
    answers = [("avant", "a", False), ("avant", "b", True), ("avant", "c", False), ("avant", "seul-avant", True),
               ("apres", "a", True), ("apres", "b", True), ("apres", "c", False), ("apres", "c", True),  # last counts
               ("apres", "seul-apres", True), ("autre", "a", True)]
    assert pair_check(answers) == CheckPairs(pairs=3, before=1, after=3)
    assert pair_check([]) == CheckPairs() and not CheckPairs().shows_progress
    # Numbers are shown only when they tell a progress, or everything right at the end.
    assert CheckPairs(8, 2, 7).shows_progress and CheckPairs(8, 8, 8).shows_progress
    assert not CheckPairs(8, 5, 5).shows_progress and not CheckPairs(8, 6, 4).shows_progress


def with_check(deck: Deck, phase: str) -> Deck:
    """The deck with its first 3 scored questions made items a, b, c of the check, and no other item."""
    scored = [q.number for q in deck.quizzes if not q.is_poll][:3]

    def item(quiz: Quiz) -> Quiz:
        if quiz.number in scored:
            return dataclasses.replace(quiz, check=phase, check_item="abc"[scored.index(quiz.number)])
        return dataclasses.replace(quiz, check=None, check_item=None)

    slides = tuple(dataclasses.replace(s, quiz=item(s.quiz)) if s.quiz else s for s in deck.slides)
    return dataclasses.replace(deck, slides=slides)


@pytest.fixture
def course(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """A group of two taken through modules 1 to 3, module 4 live; module 1 and 4 carry a check."""
    enable_badges(app, tmp_path)
    with app.app_context():
        group = make_animator_group(make_user(siae=make_siae()), size=2)
        sessions = run_course(group, slugs=SLUGS[:3])
        live = run_session(group, SLUGS[3], group.participants, end=False)
        phases = {sessions[0].revision_id: "avant", live.revision_id: "apres"}
        decks = {rid: with_check(deck_by_revision_id(rid), phase) for rid, phase in phases.items()}
        monkeypatch.setattr(learned, "deck_by_revision_id", lambda rid: decks.get(rid) or deck_by_revision_id(rid))
        first, second = group.participants
        for session_id, rid, right in ((sessions[0].id, sessions[0].revision_id, (False, False, True)),
                                       (live.id, live.revision_id, (True, True, True))):
            scored = [q for q in decks[rid].quizzes if q.check]
            for quiz, ok in zip(scored, right, strict=True):
                wrong = next(i for i in range(len(quiz.choices)) if i not in quiz.correct)
                db.session.add(Answer(session_id=session_id, quiz_number=quiz.number, participant_id=first.id,
                                      choices=list(quiz.correct) if ok else [wrong]))
        db.session.commit()
        observe(first, ("wifi",), session=sessions[0])
        observe(first, ("recherche",), level="avec_aide", session=sessions[2])
        observe(first, ("application",), level="pas_encore", session=live)
        observe(second, session=live)
        return {"code": live.join_code, "first": first.id, "second": second.id, "first_name": first.nickname,
                "second_name": second.nickname, "animator": group.animator_id, "module1": sessions[0].revision_id}


def test_a_phone_sees_what_its_own_participant_learned(app: Flask, course: dict) -> None:
    with app.app_context():
        assert check_pairs(course["first"]) == CheckPairs(3, 1, 3)
    first = join_as(app, course["code"], course["first_name"])
    second = join_as(app, course["code"], course["second_name"])
    page = text(first.get("/j/appris"))
    assert "Vous avez réussi seul·e à se connecter à un réseau Wi-Fi." in page
    assert "Avec un peu d'aide, vous avez réussi à faire une recherche avec des mots-clés." in page
    assert "À continuer : trouver et installer une application." in page
    assert "Au début de la formation : 1 bonne réponse sur 3." in page and "À la fin : 3 sur 3." in page
    assert course["first_name"] in page and course["second_name"] not in page
    assert "Module 1 :" in page and "Module 4 :" in page and "/fiche" in first.get("/j/appris").get_data(as_text=True)
    assert "vous remettra le badge" in page
    other = text(second.get("/j/appris"))
    assert "Vous avez réussi seul·e à trouver et installer une application." in other
    assert "Vos progrès" not in other  # no check answered: nothing said about it
    assert course["first_name"] not in other and "À continuer" not in other


def test_nobody_else_opens_it(app: Flask, course: dict) -> None:
    anonymous = app.test_client()
    response = anonymous.get("/j/appris")
    assert response.status_code == 404 and "le téléphone qui a suivi la formation" in text(response)
    anonymous.set_cookie("kit_device", "a-token-nobody-has")
    assert anonymous.get("/j/appris").status_code == 404
    assert "?" not in "/j/appris"  # no participant id in the address: one's own cookie is the only key


def test_the_badge_once_issued_and_the_module_4_page_links_here(app: Flask, course: dict) -> None:
    second = join_as(app, course["code"], course["second_name"])
    live = second.get(f"/j/{course['code']}").get_data(as_text=True)
    assert 'href="/j/appris" data-learned hidden' in live and "La formation est terminée" in live
    with app.app_context():
        person = db.session.get(Participant, course["second"])
        animator = db.session.get(User, course["animator"])
        uid = issue_participant_badge(person, animator).uid
    page = second.get("/j/appris").get_data(as_text=True)
    assert f'href="/badges/verifier/{uid}"' in page and f'href="/badges/assertions/{uid}/badge.png"' in page


def test_a_module_other_than_the_last_has_no_end_of_course(app: Flask, course: dict) -> None:
    with app.app_context():
        person = db.session.get(Participant, course["first"])
        code = run_session(person.group, SLUGS[0], [person], end=False).join_code
    phone = join_as(app, code, course["first_name"])
    page = phone.get(f"/j/{code}").get_data(as_text=True)
    assert "/j/appris" not in page and "La séance est terminée. Merci !" in page


def test_the_keypad_leads_a_phone_that_followed_the_course_back_here(app: Flask, course: dict) -> None:
    assert "/j/appris" not in app.test_client().get("/j").get_data(as_text=True)  # a phone that never came
    phone = join_as(app, course["code"], course["first_name"])
    assert 'href="/j/appris"' in phone.get("/j").get_data(as_text=True)
