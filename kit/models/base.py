"""Helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base of the typed SQLAlchemy 2.0 models.

    The models inherit it rather than `db.Model`, which type checkers cannot see as a class:
    `SQLAlchemy(model_class=Base)` builds `db.Model` on the same registry and metadata.
    """

    # Named constraints, so that migrations can alter them on SQLite and PostgreSQL alike.
    metadata = sa.MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


def utcnow() -> datetime:
    """Now, in UTC, for column defaults."""
    return datetime.now(UTC)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite gives them back naive)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
