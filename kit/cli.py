"""Flask CLI commands: `flask modules check|import` and `flask setup`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from slides import DeckError

from .content import check_files, import_files
from .demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo
from .extensions import db
from .models import Role, User

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
@click.option("--demo", is_flag=True, help="Créer aussi un compte, un groupe et une séance de démonstration.")
@with_appcontext
def setup_command(demo: bool) -> None:
    """Create or upgrade the database, then import the modules."""
    upgrade()
    try:
        changed = import_files()
    except DeckError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    click.echo(f"Base de données prête. Modules importés : {', '.join(changed) or 'déjà à jour'}")
    if demo:
        create_demo()
        click.echo(f"Compte de démonstration : {DEMO_EMAIL} / mot de passe : {DEMO_PASSWORD}")


users_cli = AppGroup("users", help="Gérer les comptes.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ANIMATOR.value)
@click.password_option("--password", prompt="Mot de passe")
def create_user_command(email: str, name: str, role: str, password: str) -> None:
    """Create an account (the password is asked, never stored in clear)."""
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        click.echo(f"Un compte existe déjà pour {email}.", err=True)
        raise SystemExit(1)
    if len(password) < 8:
        click.echo("Le mot de passe doit faire au moins 8 caractères.", err=True)
        raise SystemExit(1)
    user = User(email=email, name=name, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Compte créé : {email} ({role})")


def init_cli(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(modules_cli)
    app.cli.add_command(setup_command)
    app.cli.add_command(users_cli)
