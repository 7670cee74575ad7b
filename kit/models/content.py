"""The modules' content: every saved revision of their markdown, and the uploaded images."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kit.models.base import Base, utcnow


class ModuleRevision(Base):
    """One saved version of a module's markdown.

    Revisions are never modified once written (only the `published` flag moves), so a
    compiled deck can be cached by revision id, and a session can be pinned to the
    revision it started with.

    A draft is text that was kept without being a version: it failed validation or
    came too late (a conflict). Drafts have no number, are never published and never
    used by a session; they exist so that nothing typed is lost.
    """

    __tablename__ = "module_revision"
    # Two editors saving on the same version both ask for the next number: the second
    # insert fails, which is how a conflict is caught even between server processes.
    __table_args__ = (sa.UniqueConstraint("slug", "number", name="uq_module_revision_slug_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), index=True)
    number: Mapped[int | None] = mapped_column()  # 1, 2, 3… per module; None for a draft
    source: Mapped[str] = mapped_column(sa.Text)
    source_hash: Mapped[str] = mapped_column(sa.String(64))
    message: Mapped[str] = mapped_column(sa.String(200), default="")
    author: Mapped[str] = mapped_column(sa.String(120), default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    # The version the edit started from: the base of a conflict check and of a diff.
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("module_revision.id", ondelete="SET NULL"))
    is_draft: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    published: Mapped[bool] = mapped_column(default=False)

    @property
    def label(self) -> str:
        """How people name it: « version 3 », or « brouillon » for a draft."""
        if self.is_draft:
            return f"brouillon n° {self.id}"
        return f"version {self.number}" if self.number else f"version #{self.id}"

    def __repr__(self) -> str:
        return f"<ModuleRevision {self.slug} #{self.id}>"


class ModuleImage(Base):
    """An image uploaded by the content team, checked and stored in the database.

    Stored as bytes, so that every server process serves it. Images are never replaced:
    a revision, and so a running session, always shows the picture it was written with.
    """

    __tablename__ = "module_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    mimetype: Mapped[str] = mapped_column(sa.String(40))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<ModuleImage {self.name}>"
