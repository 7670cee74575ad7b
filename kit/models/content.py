"""The modules' content: every saved revision of their markdown."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class ModuleRevision(db.Model):
    """One saved version of a module's markdown.

    Revisions are never modified once written, so a compiled deck can be cached by
    revision id, and a session can be pinned to the revision it started with.
    """

    __tablename__ = "module_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), index=True)
    source: Mapped[str] = mapped_column(sa.Text)
    source_hash: Mapped[str] = mapped_column(sa.String(64))
    message: Mapped[str] = mapped_column(sa.String(200), default="")
    author: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    published: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<ModuleRevision {self.slug} #{self.id}>"
