"""`flask diagnostic anonymise`: the retention period, run by cron (docs/diagnostic.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from kit.diagnostic.records import anonymise_expired

diagnostic_cli = AppGroup("diagnostic", help="Le diagnostic d'autonomie numérique : durée de conservation.")


@diagnostic_cli.command("anonymise")
@click.option("--months", type=click.IntRange(min=1), default=None,
              help="Durée de conservation en mois (par défaut : DIAGNOSTIC_RETENTION_MONTHS).")
def anonymise_command(months: int | None) -> None:
    """Anonymise the employee records untouched for longer than the retention period; safe to run daily."""
    months = months or int(current_app.config["DIAGNOSTIC_RETENTION_MONTHS"])
    count = anonymise_expired(months)
    click.echo(f"{count} fiche(s) de salarié anonymisée(s) (sans activité depuis plus de {months} mois).")
