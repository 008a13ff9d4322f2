"""Researchers' own domains: verified by DNS, served at their root, given certificates by Caddy on demand."""

from __future__ import annotations

from flask import Flask


def init_domains(app: Flask) -> None:
    from . import models  # noqa: F401  (the domains table belongs to the schema)
    from .caddy import caddy
    from .cli import domains_cli

    app.register_blueprint(caddy)
    app.cli.add_command(domains_cli)
