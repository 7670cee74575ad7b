"""`flask mail send` (one pass of the outbox, for cron) and `flask mail test ADDRESS` (docs/operations.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from kit.courses.reminders import queue_reminders
from kit.ops.outbox import run_pass
from kit.ops.smtp import SmtpSettings, build_message, deliver, describe

mail_cli = AppGroup("mail", help="Les courriels : envoyer ceux qui attendent, essayer le serveur SMTP.")


@mail_cli.command("send")
def send_command() -> None:
    """Queue the reminders due, then send the due messages once (safe beside the running servers)."""
    settings = SmtpSettings.from_config(current_app.config)
    done = run_pass(queue_reminders)
    if settings is None:
        click.echo(f"Aucun serveur d'e-mail configuré (MAIL_SERVER) : rien n'est envoyé ; "
                   f"{done.held} courriel(s) gardé(s) comme « non envoyé ».")
        return
    click.echo(f"{done.sent} courriel(s) envoyé(s), {done.retried} à réessayer plus tard, "
               f"{done.failed} abandonné(s).")


@mail_cli.command("test")
@click.argument("address")
def test_command(address: str) -> None:
    """Send one test message now, and say in French what the server answered."""
    settings = SmtpSettings.from_config(current_app.config)
    if settings is None:
        click.echo("Aucun serveur d'e-mail configuré : réglez MAIL_SERVER (docs/deploy.md).", err=True)
        raise SystemExit(1)
    message = build_message(settings.sender, address, "Kit Animateur : courriel d'essai",
                            "Bonjour,\n\nCe courriel d'essai montre que le Kit Animateur peut envoyer des e-mails.\n\n"
                            "— Kit Animateur")
    try:
        deliver(settings, message)
    except Exception as error:
        click.echo(f"Échec de l'envoi par {settings.server}:{settings.port} : {describe(error)}", err=True)
        raise SystemExit(1) from error
    click.echo(f"Courriel d'essai envoyé à {address} par {settings.server}:{settings.port}.")
