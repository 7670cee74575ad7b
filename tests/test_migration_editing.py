"""Migration 0003 on a database already in use: versions numbered, sessions kept, foreign keys back on."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade

from kit.extensions import db
from tests.conftest import make_app


def test_upgrade_keeps_sessions_and_numbers_existing_revisions(empty_database: str) -> None:
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as connection:
            for slug, published in (("a", False), ("b", True), ("a", True)):
                connection.execute(sa.text(
                    "INSERT INTO module_revision (slug, source, source_hash, message, author, created_at, published) "
                    "VALUES (:slug, 'x', 'h', '', '', '2026-01-01', :published)"),
                    {"slug": slug, "published": published})
            connection.execute(sa.text("INSERT INTO user_account (email, name, password_hash, role, active, created_at)"
                                       " VALUES ('a@b.fr', 'A', 'h', 'animator', :yes, '2026-01-01')"), {"yes": True})
            connection.execute(sa.text("INSERT INTO training_group (name, animator_id, created_at) "
                                       "VALUES ('G', 1, '2026-01-01')"))
            # A session pinned to revision 3: rebuilding module_revision must neither refuse nor unpin it.
            connection.execute(sa.text(
                "INSERT INTO training_session (group_id, animator_id, module_slug, revision_id, day, status, "
                "current_slide, version, created_at) VALUES (1, 1, 'a', 3, '2026-01-01', 'live', 0, 0, '2026-01-01')"))
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT id, slug, number, parent_id, is_draft, published FROM module_revision ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [(1, "a", 1, None, False, False), (2, "b", 1, None, False, True),
                                                (3, "a", 2, 1, False, True)]
            assert connection.execute(sa.text("SELECT revision_id FROM training_session")).scalar() == 3
            if db.engine.dialect.name == "sqlite":  # the batch rebuild turns them off for a while
                assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
