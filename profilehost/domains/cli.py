"""flask domains ...: what the operator can do without the dashboard."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..jobs.domains import recheck_domains

domains_cli = AppGroup("domains", help="Researchers' own domains.")


@domains_cli.command("check")
def check() -> None:
    """Check every domain's DNS records again now (the worker does it every three hours)."""
    count = recheck_domains(current_app._get_current_object())
    click.echo(f"{count} domain(s) checked.")
