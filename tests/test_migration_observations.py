"""Migrations 0010 and 0011 on a database in use: the tasks attested become « seul » observations that count
for the badge, then task_attestation goes; downgrading brings the table back, empty."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from kit.extensions import db
from kit.reports.figures import participant_history
from tests.conftest import make_app


def test_the_tasks_attested_live_on_as_observations(empty_database: str) -> None:
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as connection:
            run = connection.execute
            run(sa.text("INSERT INTO user_account (id, email, name, password_hash, role, active, created_at,"
                        " session_token) VALUES (1, 'a@b.fr', 'A', 'h', 'animator', :yes, '2026-01-01', 't')"),
                {"yes": True})
            run(sa.text("INSERT INTO training_group (id, name, animator_id, created_at)"
                        " VALUES (1, 'G', 1, '2026-01-01')"))
            for pid, name in ((1, "Awa"), (2, "Bruno")):
                run(sa.text("INSERT INTO participant (id, group_id, nickname, nickname_key, avatar, created_at)"
                            " VALUES (:id, 1, :n, :n, 'chat', '2026-01-01')"), {"id": pid, "n": name})
            for pid, task in ((1, "wifi"), (1, "recherche"), (1, "applications"), (2, "wifi")):
                run(sa.text("INSERT INTO task_attestation (participant_id, task, attested_by_id, created_at)"
                            " VALUES (:p, :t, 1, '2026-11-12 10:00:00')"), {"p": pid, "t": task})
        upgrade()
        assert "task_attestation" not in sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT participant_id, skill, level, session_id, observed_by_id FROM skill_observation"
                " ORDER BY participant_id, skill")).all()
        assert [tuple(r) for r in rows] == [(1, "application", "seul", None, 1), (1, "recherche", "seul", None, 1),
                                            (1, "wifi", "seul", None, 1), (2, "wifi", "seul", None, 1)]
        # The participant whose 3 tasks were attested still meets the badge's skills criterion.
        assert participant_history(1).skills_alone == {"wifi", "recherche", "application"}
        db.session.remove()
        downgrade(revision="0010")
        inspector = sa.inspect(db.engine)
        assert "task_attestation" in inspector.get_table_names()
        assert "evidence" not in {c["name"] for c in inspector.get_columns("badge_assertion")}
        upgrade()
        db.engine.dispose()
