"""Migration 0006 on a database in use: every existing account gets its own random session token."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from kit.extensions import db
from tests.conftest import make_app


def test_upgrade_gives_each_existing_account_its_own_token(empty_database: str) -> None:
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            for email in ("a@b.fr", "c@d.fr"):
                connection.execute(sa.text(
                    "INSERT INTO user_account (email, name, password_hash, role, active, created_at)"
                    " VALUES (:email, 'A', 'h', 'animator', :yes, '2026-01-01')"), {"email": email, "yes": True})
        upgrade(revision="0006")
        with db.engine.connect() as connection:
            tokens = connection.execute(sa.text("SELECT session_token FROM user_account")).scalars().all()
        assert len(tokens) == 2 and len(set(tokens)) == 2
        assert all(token and len(token) == 43 for token in tokens)
        downgrade(revision="0005")
        assert "session_token" not in {c["name"] for c in sa.inspect(db.engine).get_columns("user_account")}
        db.engine.dispose()
