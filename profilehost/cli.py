"""Operator commands: flask --app profilehost user|page|demo ..."""

from __future__ import annotations

import secrets

import click
from flask import Flask
from flask.cli import AppGroup

from . import config
from .services import accounts

user_cli = AppGroup("user", help="Manage accounts.")


def init_cli(app: Flask) -> None:
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_command)


def _fail(message: str) -> None:
    raise click.ClickException(message)


@user_cli.command("create")
@click.argument("username")
@click.option("--email", required=True, help="The account's email address.")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
def create_user(username: str, email: str, admin: bool) -> None:
    """Create an account. The password comes from PROFILEHOST_PASSWORD, or is asked for."""
    password = config.cli_password() or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_account(username, email, password, admin=admin)
    except accounts.AccountError as error:
        _fail(f"{error.field}: {error.message}")
    click.echo(f"Created {'admin' if user.is_admin else 'user'} {user.username} <{user.email}>.")


@user_cli.command("list")
def list_users() -> None:
    """List every account: name, email, role, state."""
    users = accounts.list_accounts()
    if not users:
        click.echo("No accounts yet.")
    for user in users:
        click.echo(f"{user.username}\t{user.email}\t{user.role}\t{user.state}")


@click.command("demo")
def demo_command() -> None:
    """Create the demo admin (once) so a new installation can be tried at once."""
    if accounts.has_admin():
        click.echo("An admin exists already; nothing to do.")
        return
    password = secrets.token_urlsafe(12)
    accounts.create_account("demo-admin", "demo-admin@example.org", password, admin=True)
    click.echo(
        "Created the demo admin. Log in at /login as 'demo-admin' with this one-time password "
        f"(shown only now; change it under Account):\n\n    {password}\n"
    )
