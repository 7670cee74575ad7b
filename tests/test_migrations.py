"""The migrations build the schema the models describe, from an empty database."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from kit.extensions import db
from tests.conftest import make_app


def test_upgrade_on_an_empty_database_matches_the_models(empty_database: str) -> None:
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        assert "module_revision" in sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], "a model changed without its migration"
        downgrade(revision="base")
        assert "module_revision" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
