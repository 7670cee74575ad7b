"""Flask CLI commands: `flask modules check|import` and `flask setup`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from slides import DeckError

from .content import check_files, import_files

modules_cli = AppGroup("modules", help="Vérifier et importer les modules de modules/.")


@modules_cli.command("check")
def check_command() -> None:
    """Compile every module file; exit 1 with `file:line: message` errors."""
    decks, errors = check_files()
    for path, deck in decks:
        polls = sum(1 for q in deck.quizzes if q.is_poll)
        click.echo(f"modules/{path.name} : OK — {len(deck.slides)} diapos, {len(deck.quizzes) - polls} quiz, "
                   f"{polls} sondages, {len(deck.activities)} activités, {deck.planned_minutes} min")
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        raise SystemExit(1)


@modules_cli.command("import")
def import_command() -> None:
    """Publish the module files that changed as new revisions."""
    try:
        changed = import_files()
    except DeckError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    click.echo(f"{len(changed)} module(s) importé(s) : {', '.join(changed) or 'aucun changement'}")


@click.command("setup")
@with_appcontext
def setup_command() -> None:
    """Create or upgrade the database, then import the modules."""
    upgrade()
    try:
        changed = import_files()
    except DeckError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    click.echo(f"Base de données prête. Modules importés : {', '.join(changed) or 'déjà à jour'}")


def init_cli(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(modules_cli)
    app.cli.add_command(setup_command)
