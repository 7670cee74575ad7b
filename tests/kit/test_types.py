"""The column types of kit/models/types.py, through the database (SQLite, or PostgreSQL with KIT_TEST_DATABASE)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from kit.extensions import db
from kit.models import Answer
from kit.models.types import IntList
from tests.factories import make_group, make_session, make_user

RAW_INSERT = sa.text("INSERT INTO answer (session_id, quiz_number, participant_id, choices, entered_by, answered_at) "
                     "VALUES (:session, 1, :participant, :choices, 'phone', CURRENT_TIMESTAMP)")


def _ids() -> dict[str, int]:
    session = make_session(make_group(make_user()))
    return {"session": session.id, "participant": session.group.participants[0].id}


def _answer(ids: dict[str, int], choices: object) -> Answer:
    return Answer(session_id=ids["session"], quiz_number=1, participant_id=ids["participant"], choices=choices)


@pytest.mark.parametrize(("choices", "stored"), [([0, 2], "0,2"), ([3], "3"), ([], ""), ([10, 1], "10,1")])
def test_answer_choices_are_a_list_of_integers_stored_as_text(app: Flask, choices: list[int], stored: str) -> None:
    with app.app_context():
        ids = _ids()
        db.session.add(_answer(ids, choices))
        db.session.commit()
        db.session.expire_all()
        assert db.session.scalar(sa.select(Answer.choices)) == choices
        # The same text as the hand-written "0,2" of before: no migration, old rows read the same.
        assert db.session.scalar(sa.text("SELECT choices FROM answer")) == stored


def test_rows_written_as_text_read_as_lists(app: Flask) -> None:
    with app.app_context():
        ids = _ids()
        db.session.execute(RAW_INSERT, {**ids, "choices": "1,3"})
        db.session.commit()
        assert db.session.scalar(sa.select(Answer.choices)) == [1, 3]
        # Core statements on the table (the live hot path's) get lists too.
        table = Answer.__table__
        assert db.session.execute(sa.select(table.c.choices)).scalar() == [1, 3]


@pytest.mark.parametrize("bad", ["0,2", b"0,2", [True], [1.0], ["0"], [0, None]])
def test_a_value_that_is_not_a_list_of_integers_is_refused(app: Flask, bad: object) -> None:
    with app.app_context():
        ids = _ids()
        db.session.add(_answer(ids, bad))
        with pytest.raises(sa.exc.StatementError, match="IntList attend une liste d'entiers"):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0


def test_an_unreadable_stored_value_says_so(app: Flask) -> None:
    with app.app_context():
        ids = _ids()
        db.session.execute(RAW_INSERT, {**ids, "choices": "0,a"})
        db.session.commit()
        with pytest.raises(ValueError, match="IntList : valeur enregistrée illisible '0,a'"):
            db.session.scalar(sa.select(Answer.choices))


def test_null_stays_null() -> None:
    column = IntList(20)
    dialect = sa.create_engine("sqlite://").dialect
    assert column.process_bind_param(None, dialect) is None
    assert column.process_result_value(None, dialect) is None
    assert column.impl_instance.length == 20
