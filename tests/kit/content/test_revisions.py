"""Revisions: saving from a base, conflicts, drafts, publishing, restoring, diffs, and sessions kept stable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from kit.content import revisions
from kit.content.library import deck_for, published_module
from kit.content.shipped import import_files
from kit.extensions import db
from kit.models import ModuleRevision, Role, User
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[3]
SLUG = "01-smartphone-wifi"
QUESTION = "Question : Pour déverrouiller un téléphone, que peut-on utiliser ?"


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """A request context (decks resolve image URLs with url_for)."""
    with app.test_request_context():
        yield app


@pytest.fixture
def editor(ctx: Flask) -> User:
    """An account of the content team."""
    return make_user("contenu@test.fr", role=Role.ADMIN.value)


def shipped() -> str:
    """The shipped text of the tested module."""
    return (ROOT / "modules" / f"{SLUG}.md").read_text(encoding="utf-8")


def edited(text: str, question: str = "Pour ouvrir un téléphone verrouillé, que peut-on utiliser ?") -> str:
    """The text with the tested question reworded."""
    assert QUESTION in text
    return text.replace(QUESTION, f"Question : {question}", 1)


def test_shipped_files_are_the_first_published_version(ctx: Flask) -> None:
    first = revisions.latest(SLUG)
    assert first is not None and first.number == 1 and first.published and not first.is_draft
    assert first.source == shipped() and first.parent_id is None


def test_save_creates_a_version_with_author_time_message_and_parent(editor: User) -> None:
    base = revisions.latest(SLUG)
    saved = revisions.save_revision(SLUG, edited(base.source), base.id, editor, "Question 2 plus simple")
    assert (saved.number, saved.parent_id, saved.author, saved.author_id) == (2, base.id, editor.name, editor.id)
    assert saved.message == "Question 2 plus simple" and saved.created_at is not None
    assert not saved.published and revisions.published(SLUG).id == base.id  # saving is not publishing
    assert revisions.latest(SLUG).id == saved.id


def test_browser_line_endings_are_normalized_and_an_unchanged_text_adds_nothing(editor: User) -> None:
    base = revisions.latest(SLUG)
    same = revisions.save_revision(SLUG, base.source.replace("\n", "\r\n"), base.id, editor, "rien")
    assert same.id == base.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleRevision)
                             .where(ModuleRevision.slug == SLUG)) == 1


def test_a_second_save_on_the_same_base_is_a_conflict_and_keeps_the_text(editor: User) -> None:
    other = make_user("autre@test.fr", role=Role.ADMIN.value)
    base = revisions.latest(SLUG)
    first = revisions.save_revision(SLUG, edited(base.source, "Première personne ?"), base.id, other, "")
    late_text = edited(base.source, "Deuxième personne ?")
    with pytest.raises(revisions.ConflictError) as caught:
        revisions.save_revision(SLUG, late_text, base.id, editor, "ma version")
    conflict = caught.value
    assert conflict.latest.id == first.id and conflict.base.id == base.id
    assert "pendant que vous le modifiiez" in conflict.message and other.name in conflict.message
    draft = conflict.draft
    assert draft.is_draft and draft.source == late_text and draft.parent_id == base.id and draft.number is None
    assert revisions.latest(SLUG).id == first.id  # nothing was overwritten
    assert revisions.latest_draft(SLUG, editor).id == draft.id


def test_a_conflict_is_caught_even_when_two_saves_race(editor: User, monkeypatch: pytest.MonkeyPatch) -> None:
    base = revisions.latest(SLUG)
    real_compile = revisions.compile_text

    def compile_while_another_process_saves(slug: str, text: str) -> object:
        # Between our conflict check and our insert, another server process saves version 2.
        db.session.add(ModuleRevision(slug=SLUG, number=2, source="autre", source_hash="autre", parent_id=base.id))
        db.session.commit()
        return real_compile(slug, text)

    monkeypatch.setattr(revisions, "compile_text", compile_while_another_process_saves)
    with pytest.raises(revisions.ConflictError) as caught:
        revisions.save_revision(SLUG, edited(base.source), base.id, editor, "")
    assert caught.value.latest.source == "autre" and caught.value.draft.is_draft
    assert next(r.source for r in revisions.history(SLUG) if not r.is_draft) == "autre"


def test_invalid_text_is_kept_as_a_draft_with_its_errors(editor: User) -> None:
    base = revisions.latest(SLUG)
    broken = edited(base.source).replace("durée: 4\n", "durée: beaucoup\n", 1)
    with pytest.raises(revisions.InvalidTextError) as caught:
        revisions.save_revision(SLUG, broken, base.id, editor, "essai")
    assert caught.value.errors[0].line == broken.split("\n").index("durée: beaucoup") + 1
    assert "durée incorrecte" in caught.value.errors[0].message
    assert caught.value.draft.source == broken and caught.value.draft.is_draft
    assert revisions.latest(SLUG).id == base.id
    # The same text failing again is not stored twice.
    with pytest.raises(revisions.InvalidTextError) as again:
        revisions.save_revision(SLUG, broken, base.id, editor, "essai")
    assert again.value.draft.id == caught.value.draft.id


def test_a_draft_can_never_be_published(editor: User) -> None:
    base = revisions.latest(SLUG)
    with pytest.raises(revisions.InvalidTextError) as caught:
        revisions.save_revision(SLUG, "pas un module", base.id, editor)
    with pytest.raises(revisions.RevisionError, match="brouillon"):
        revisions.publish(caught.value.draft)
    assert revisions.published(SLUG).id == base.id


def test_too_large_or_malformed_text_gets_a_clear_error(editor: User, ctx: Flask) -> None:
    base = revisions.latest(SLUG)
    ctx.config["MODULE_MAX_BYTES"] = 40_000
    with pytest.raises(revisions.InvalidTextError) as large:
        revisions.save_revision(SLUG, base.source + "x" * 40_000, base.id, editor)
    assert "trop long" in large.value.errors[0].message
    with pytest.raises(revisions.InvalidTextError) as nul:
        revisions.save_revision(SLUG, "---\ntitre: a\x00b\n", base.id, editor)
    assert nul.value.errors[0].line == 2 and "caractère nul" in nul.value.errors[0].message
    assert nul.value.draft.source == "---\ntitre: a\ufffdb\n"  # kept, on SQLite and PostgreSQL alike


def test_publish_moves_the_flag_and_new_sessions_get_the_new_text(editor: User) -> None:
    base = revisions.latest(SLUG)
    saved = revisions.save_revision(SLUG, edited(base.source), base.id, editor, "")
    revisions.publish(saved)
    assert [r.id for r in db.session.scalars(sa.select(ModuleRevision).where(
        ModuleRevision.slug == SLUG, ModuleRevision.published))] == [saved.id]
    module = published_module(SLUG)
    assert module.revision_id == saved.id
    assert any("Pour ouvrir un téléphone verrouillé" in q.question for q in module.deck.quizzes)


def test_save_and_publish_in_one_step(editor: User) -> None:
    base = revisions.latest(SLUG)
    saved = revisions.save_revision(SLUG, edited(base.source), base.id, editor, "", publish=True)
    assert saved.published and revisions.published(SLUG).id == saved.id


def test_restore_makes_an_old_text_the_newest_version(editor: User) -> None:
    first = revisions.latest(SLUG)
    second = revisions.save_revision(SLUG, edited(first.source), first.id, editor, "", publish=True)
    restored = revisions.restore(first, editor, publish=True)
    assert restored.id not in (first.id, second.id) and restored.number == 3
    assert restored.source == first.source and restored.parent_id == second.id
    assert restored.message == "Retour à la version 1" and restored.published
    assert [r.number for r in revisions.history(SLUG)] == [3, 2, 1]


def test_diff_between_any_two_revisions(editor: User) -> None:
    first = revisions.latest(SLUG)
    second = revisions.save_revision(SLUG, edited(first.source), first.id, editor, "")
    changes = revisions.diff(first.source, second.source)
    assert (changes.added, changes.removed) == (1, 1)
    line = first.source.split("\n").index(QUESTION) + 1
    changed = [d for hunk in changes.hunks for d in hunk if d.op != " "]
    assert [(d.op, d.old, d.new) for d in changed] == [("-", line, None), ("+", None, line)]
    assert changed[1].text.endswith("verrouillé, que peut-on utiliser ?")
    assert revisions.diff(second.source, second.source).hunks == ()


def test_publishing_never_changes_a_session_pinned_to_its_revision(editor: User) -> None:
    from tests.factories import make_group, make_session

    running = make_session(make_group(make_user()))
    old = revisions.latest(SLUG)
    saved = revisions.save_revision(SLUG, edited(old.source), old.id, editor, "", publish=True)
    db.session.refresh(running)
    assert running.revision_id == old.id
    assert QUESTION.removeprefix("Question : ") in [q.question for q in deck_for(running.revision).quizzes]
    later = make_session(running.group, start=False)
    assert later.revision_id == saved.id


def test_setup_does_not_overwrite_what_the_content_team_edited(editor: User) -> None:
    base = revisions.latest(SLUG)
    saved = revisions.save_revision(SLUG, edited(base.source), base.id, editor, "", publish=True)
    assert import_files(only_new=True) == []
    assert revisions.published(SLUG).id == saved.id
    # The explicit import still publishes the files, as a new version on top.
    assert import_files() == [SLUG]
    assert revisions.published(SLUG).number == 3 and revisions.published(SLUG).parent_id == saved.id
