"""kit/ops/warmup.py: what a first request would compile on the event loop is done before listening."""

from __future__ import annotations

from flask import Flask

from kit.extensions import db
from kit.models import Role
from kit.ops import warmup
from tests.factories import login, make_group, make_session, make_user


def _compiled(app: Flask) -> list[str]:
    """The SQL of the statements the engine has compiled and kept (SQLAlchemy compiles each at first use)."""
    with app.app_context():
        return [str(compiled.statement) for compiled in db.engine._compiled_cache.values()]  # type: ignore[attr-defined]


def test_the_animators_home_is_compiled_before_its_first_request(app: Flask) -> None:
    """Its first render compiled its statements: 98 ms on the loop, seen by the benchmark's stall monitor."""
    with app.app_context():
        make_session(make_group(make_user()))
        make_user("admin@test.fr", role=Role.ADMIN.value)
    animator, admin = app.test_client(), app.test_client()
    login(animator)
    login(admin, "admin@test.fr")
    done = warmup.warm(app)
    assert done["pages"] == 2
    before = len(_compiled(app))
    for client in (animator, admin):
        page = client.get("/animateur/")
        assert page.status_code == 200 and "Groupe test" in page.get_data(as_text=True)
    # The sessions' list, with its groups and animators joined and live sessions first, was the long one.
    assert not [sql for sql in _compiled(app)[before:] if "FROM training_session" in sql and "ORDER BY" in sql]


def test_warming_writes_nothing(app: Flask) -> None:
    with app.app_context():
        before = {table: db.session.execute(db.select(db.func.count()).select_from(table)).scalar()
                  for table in db.metadata.sorted_tables}
    warmup.warm(app)
    with app.app_context():
        after = {table: db.session.execute(db.select(db.func.count()).select_from(table)).scalar()
                 for table in db.metadata.sorted_tables}
    assert after == before
