"""The evaluation's world for the tests (`world`): in Hauts-de-France, « Régie A » (group G1, 6 people) and
« Chantier B » (G2, 4 people, another animator); in Bretagne, « Atelier C » (G3, 5 people).
Every course ends in November 2026. Modules 1 and 4 carry the test items of support.py, plus « t-facile »
(before only, everyone right) and « t-dur » (after only, 1 right in 6).
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from kit.extensions import db
from kit.models import Answer, Participant, SkillObservation, TrainingGroup
from tests.factories import make_group, make_user
from tests.histories import SLUGS, make_coordinator, make_siae, run_session
from tests.kit.evidence.support import ITEMS, publish_checks

R, W = [1], [0]  # a right and a wrong answer (every test item's right choice is the second)
BEFORE = {**ITEMS, "t-facile": ("Facile ?", ("non", "oui"), 1)}
AFTER = {**ITEMS, "t-dur": ("Difficile ?", ("faux", "vrai", "autre"), 1)}
ORDER = ("t-wifi", "t-recherche", "t-appli")


def _answers(session_id: int, numbers: dict[str, int], person: Participant, given: list[list[int] | None]) -> None:
    for item, choice in zip(ORDER, given, strict=True):
        if choice is not None:
            db.session.add(Answer(session_id=session_id, quiz_number=numbers[item], participant_id=person.id,
                                  choices=choice))


def _course(group: TrainingGroup, absent: dict[int, set[Participant]], day: int) -> list[int]:
    """The four modules of the group, a week apart in November 2026; returns the session ids."""
    ids = []
    for module, slug in enumerate(SLUGS, 1):
        present = [p for p in group.participants if p not in absent.get(module, set())]
        ids.append(run_session(group, slug, present, date(2026, 11, day + 7 * (module - 1))).id)
    return ids


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        numbers = publish_checks(BEFORE, AFTER)
        siae_a, siae_b, siae_c = make_siae("Régie A"), make_siae("Chantier B"), make_siae("Atelier C", "Bretagne")
        anim_a, anim_b = make_user("a@test.fr", siae=siae_a), make_user("b@test.fr", siae=siae_b)
        g1 = make_group(anim_a, ("p1", "p2", "p3", "p4", "p5", "p6"), name="G1")
        g2 = make_group(anim_b, ("q1", "q2", "q3", "q4"), name="G2")
        g3 = make_group(make_user("c@test.fr", siae=siae_c), ("r1", "r2", "r3", "r4", "r5"), name="G3")
        g1.siae_id, g2.siae_id, g3.siae_id = siae_a.id, siae_b.id, siae_c.id
        db.session.commit()
        p1, p2, p3, p4, p5, p6 = sorted(g1.participants, key=lambda p: p.nickname)
        s1 = _course(g1, {3: {p6}, 4: {p5}}, 2)
        s2 = _course(g2, {}, 3)
        s3 = _course(g3, {}, 4)
        before, after = numbers["avant"], numbers["après"]
        for person, avant, apres in ((p1, [W, W, W], [R, R, R]), (p2, [R, W, W], [R, R, R]),
                                     (p3, [W, R, W], [R, R, W]), (p4, [R, R, R], [R, R, R]),
                                     (p5, [W, W, W], None), (p6, [R, None, None], [R, R, R])):
            _answers(s1[0], before, person, avant)
            if apres:
                _answers(s1[3], after, person, apres)
        for group, sessions in ((g2, s2), (g3, s3)):
            for person in group.participants:
                _answers(sessions[0], before, person, [W, W, W])
                _answers(sessions[3], after, person, [R, R, R])
        for person in [p1, p2, p3, p4, p5, p6, *g2.participants]:  # « t-facile »: everyone right before
            db.session.add(Answer(session_id=s1[0] if person in g1.participants else s2[0],
                                  quiz_number=before["t-facile"], participant_id=person.id, choices=R))
        for index, person in enumerate([*g2.participants, p1, p2]):  # « t-dur »: 1 right in 6 after
            db.session.add(Answer(session_id=s2[3] if person in g2.participants else s1[3],
                                  quiz_number=after["t-dur"], participant_id=person.id,
                                  choices=R if index == 0 else [2]))
        for person in [p1, p2, p3, p4, *g2.participants]:
            db.session.add(SkillObservation(session_id=s1[3], participant_id=person.id, skill="wifi", level="seul"))
        db.session.add(SkillObservation(session_id=s1[0], participant_id=p5.id, skill="wifi", level="avec_aide"))
        db.session.add(SkillObservation(session_id=s1[0], participant_id=p1.id, skill="recherche", level="seul"))
        db.session.commit()
        make_coordinator()
        return {"a": siae_a.id, "b": siae_b.id, "c": siae_c.id, "anim_a": anim_a.id, "g1": g1.id,
                "p1": p1.id, "p5": p5.id}
