"""flask domains ...: what the operator can do without the dashboard."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .service import recheck_all

domains_cli = AppGroup("domains", help="Researchers' own domains.")


@domains_cli.command("check")
def check() -> None:
    """Check every domain's DNS records again now and remove expired claims (the worker does it every three
    hours)."""
    click.echo(f"{recheck_all()} domain(s) checked.")
