"""Flask CLI commands: `flask modules check|import|export|import-zip`, `flask setup`, `flask users`, `flask backup`."""

from __future__ import annotations

import os
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from kit.content.checks import unpaired
from kit.content.shipped import check_files, import_files
from kit.content.transfer import TransferError, export_files, import_zip
from kit.courses.demo import demo_accounts
from kit.diagnostic.commands import diagnostic_cli
from kit.extensions import db
from kit.models import Role, User
from kit.ops.backup import BackupError, check_backup, create_backup, restore_backup
from kit.ops.instance import mark_demo, prepare_instance
from kit.ops.mail_commands import mail_cli
from kit.people.demo import (
    DEMO_ADMIN_EMAIL,
    DEMO_ADMIN_PASSWORD,
    DEMO_COORDINATOR_EMAIL,
    DEMO_COORDINATOR_PASSWORD,
    DEMO_COUNSELOR_EMAIL,
    DEMO_COUNSELOR_PASSWORD,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    create_demo,
)
from slides import DeckError

modules_cli = AppGroup("modules", help="Vérifier, importer et exporter les modules.")


@modules_cli.command("check")
def check_command() -> None:
    """Compile every module file; exit 1 with `file:line: message` errors."""
    decks, errors = check_files()
    for path, deck in decks:
        polls = sum(1 for q in deck.quizzes if q.is_poll)
        click.echo(f"modules/{path.name} : OK — {len(deck.slides)} diapos, {len(deck.quizzes) - polls} quiz, "
                   f"{polls} sondages, {len(deck.activities)} activités, {deck.planned_minutes} min")
    for path, deck in decks:
        for warning in unpaired(deck, (other for other_path, other in decks if other_path != path)):
            click.echo(f"modules/{path.name} : attention : {warning}", err=True)
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


@modules_cli.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_command(folder: Path) -> None:
    """Write the published modules (and their images) into FOLDER, laid out like modules/."""
    written = export_files(folder)
    modules = sum(1 for name in written if name.endswith(".md"))
    click.echo(f"{modules} module(s) et {len(written) - modules} image(s) écrits dans {folder}")


@modules_cli.command("import-zip")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", is_flag=True, help="Publier aussi les modules importés.")
def import_zip_command(file: Path, publish: bool) -> None:
    """Import a zip made by the editor's export: everything is checked, nothing is written on any error."""
    try:
        changed = import_zip(file.read_bytes(), "import en ligne de commande", file.name, publish=publish)
    except TransferError as exc:
        for error in exc.errors:
            click.echo(error, err=True)
        raise SystemExit(1) from exc
    state = "publié(s)" if publish else "enregistré(s), pas encore publié(s)"
    click.echo(f"{len(changed)} module(s) {state} : {', '.join(changed) or 'aucun changement'}")


@click.command("setup")
@click.option("--demo", is_flag=True, help="Créer aussi un compte, un groupe et une séance de démonstration.")
@with_appcontext
def setup_command(demo: bool) -> None:
    """Make the instance's secrets, create or upgrade the database, then import the modules that have no revision yet.

    The shipped files are each module's first revision; what the content team edited
    since is never overwritten (`flask modules import` does that, on purpose).
    """
    prepare_instance(current_app)
    upgrade()
    try:
        changed = import_files(only_new=True)
    except DeckError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    click.echo(f"Base de données prête. Modules importés : {', '.join(changed) or 'déjà à jour'}")
    if demo:
        _trial_badges()
        create_demo()
        click.echo(f"Compte de démonstration : {DEMO_EMAIL} / mot de passe : {DEMO_PASSWORD}")
        click.echo(f"Compte éditeur de démonstration : {DEMO_ADMIN_EMAIL} / mot de passe : {DEMO_ADMIN_PASSWORD}")
        click.echo(f"Compte coordination de démonstration : {DEMO_COORDINATOR_EMAIL} / mot de passe : "
                   f"{DEMO_COORDINATOR_PASSWORD}")
        click.echo(f"Compte conseiller (diagnostic) de démonstration : {DEMO_COUNSELOR_EMAIL} / mot de passe : "
                   f"{DEMO_COUNSELOR_PASSWORD}")
        for what, email, password in demo_accounts():
            click.echo(f"{what} : {email} / mot de passe : {password}")


def _trial_badges() -> None:
    """A demo instance issues trial badges while PUBLIC_BASE_URL is unset (kit/badges/trial.py): said here."""
    mark_demo(Path(current_app.instance_path))
    if not os.environ.get("BADGES_TRIAL"):  # the environment, when it says, has the last word (kit/config.py)
        current_app.config["BADGES_TRIAL"] = True
    if current_app.config["BADGES_TRIAL"] and not current_app.config.get("PUBLIC_BASE_URL"):
        click.echo(f"Badges d'essai (démonstration) : délivrés à l'adresse {current_app.config['BADGES_TRIAL_URL']}, "
                   "non vérifiables hors de cet ordinateur. Pour de vrais badges : PUBLIC_BASE_URL (docs/badges.md).")


users_cli = AppGroup("users", help="Gérer les comptes.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ANIMATOR.value)
@click.option("--region", default=None, help="La région suivie, pour un·e coordinateur·rice.")
@click.password_option("--password", prompt="Mot de passe")
def create_user_command(email: str, name: str, role: str, password: str, region: str | None) -> None:
    """Create an account (the password is asked, never stored in clear); structures are set in /admin."""
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        click.echo(f"Un compte existe déjà pour {email}.", err=True)
        raise SystemExit(1)
    if len(password) < 8:
        click.echo("Le mot de passe doit faire au moins 8 caractères.", err=True)
        raise SystemExit(1)
    user = User(email=email, name=name, role=role, region=region)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Compte créé : {email} ({role})")


@users_cli.command("sign-out")
@click.argument("email")
def sign_out_user_command(email: str) -> None:
    """End every session and remember-me cookie of an account (a lost phone, a shared computer)."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        click.echo(f"Aucun compte pour {email}.", err=True)
        raise SystemExit(1)
    user.end_sessions()
    db.session.commit()
    click.echo(f"{user.email} est déconnecté·e partout : ses navigateurs et fenêtres d'animation doivent se "
               "reconnecter.")


backup_cli = AppGroup("backup", help="Sauvegarder et restaurer la base de données (docs/operations.md).")


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Remplacer FICHIER s'il existe déjà.")
def backup_create_command(file: Path, force: bool) -> None:
    """Write a consistent backup of the database to FILE, even while the servers run."""
    try:
        click.echo(create_backup(file, overwrite=force))
    except BackupError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation.")
def backup_restore_command(file: Path, yes: bool) -> None:
    """Replace all the data of the database with FILE's; the file is checked first, nothing changes on error."""
    try:
        info = check_backup(file)
        if not yes and not _confirm(f"Toutes les données actuelles de la base seront remplacées par celles de "
                                    f"{file}. Continuer ?"):
            click.echo("Restauration annulée : rien n'a changé.", err=True)
            raise SystemExit(1)
        restore_backup(file)
    except BackupError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    click.echo(f"Base restaurée depuis {file}.")
    if not info.is_current:
        click.echo("Cette sauvegarde vient d'une version plus ancienne du Kit : lancez "
                   "« flask --app kit setup » pour mettre la base à jour.")


def _confirm(question: str) -> bool:
    """A yes/no question answered in French (click.confirm only knows y/n)."""
    answer = click.prompt(f"{question} (oui/non)", default="non", show_default=False)
    return answer.strip().lower() in ("o", "oui", "y", "yes")


def init_cli(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(modules_cli)
    app.cli.add_command(setup_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(diagnostic_cli)
    app.cli.add_command(mail_cli)
