"""Operator commands: flask --app profilehost instance|user|page|site|demo ..."""

from __future__ import annotations

import secrets
import shutil
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from . import config
from .demo import DEMO_USERNAME, create_demo_tenant
from .extensions import db
from .models import ACCOUNT_RESTORE_WINDOW
from .publishing import PublishError
from .services import accounts, moderation, pages, site_import, two_factor
from .services.export import export_site

instance_cli = AppGroup("instance", help="Set up the instance folder.")
user_cli = AppGroup("user", help="Manage accounts.")
page_cli = AppGroup("page", help="Publish and list a tenant's pages.")
site_cli = AppGroup("site", help="Import or export a tenant's whole site as a ZIP.")


def init_cli(app: Flask) -> None:
    app.cli.add_command(instance_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(page_cli)
    app.cli.add_command(site_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@instance_cli.command("init")
def init_instance() -> None:
    """Make the instance folder and its secret key file (mode 0600), once: an existing key is kept. Run before
    the app serves: every way of starting it (make run, the systemd units) does."""
    instance = Path(current_app.instance_path)
    key_file = instance / config.SECRET_KEY_FILE
    if not key_file.exists() and current_app.config["SECRET_KEY"]:
        instance.mkdir(parents=True, exist_ok=True)
        click.echo(f"The secret key comes from {config.PREFIX}SECRET_KEY: no key file is needed in {instance}.")
    elif config.create_secret_key_file(instance):
        click.echo(f"Made the secret key {key_file} (mode 0600). Keep it: a new one ends every session.")
    elif config.stored_secret_key(instance) is None:
        raise click.ClickException(f"{key_file} is empty, so the app has no key: delete it and run "
                                   "`flask --app profilehost instance init` again.")
    else:
        click.echo(f"Kept the secret key {key_file}.")


def _tenant(username: str):
    tenant = accounts.find_user(username)
    if tenant is None:
        _fail(f"There is no account named '{username}'. 'flask --app profilehost user list' shows them.")
    return tenant


def _fail(message: str) -> None:
    raise click.ClickException(message)


OWN_PASSWORD = click.option(
    "--own-password", is_flag=True,
    help="The password is the account owner's own (you are its owner): no new one is asked for at first sign-in.")


def _given_password_note(user) -> str:
    """What the operator is told of a password chosen for someone else (marked in the account's own transaction:
    its owner must replace it at first sign-in)."""
    return f" {user.username} must choose a new password at first sign-in." if user.must_change_password else ""


@user_cli.command("create")
@click.argument("username")
@click.option("--email", required=True, help="The account's email address.")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
@OWN_PASSWORD
def create_user(username: str, email: str, admin: bool, own_password: bool) -> None:
    """Create an account. The password comes from PROFILEHOST_PASSWORD, or is asked for; the owner replaces it at
    first sign-in, unless --own-password."""
    password = config.cli_password() or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_account(username, email, password, admin=admin, must_change_password=not own_password)
    except accounts.AccountError as error:
        _fail(f"{error.field}: {error.message}")
    note = _given_password_note(user)
    click.echo(f"Created {'admin' if user.is_admin else 'user'} {user.username} <{user.email}>.{note}")


@user_cli.command("password")
@click.argument("username")
@OWN_PASSWORD
def reset_user_password(username: str, own_password: bool) -> None:
    """Set a new password for an account (a forgotten one, or the demo's): from PROFILEHOST_PASSWORD, or asked
    for. The account's sessions end, and its owner replaces the password at first sign-in, unless --own-password."""
    tenant = _tenant(username)
    password = config.cli_password() or click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        accounts.reset_password(tenant, password, must_change_password=not own_password)
    except accounts.AccountError as error:
        _fail(f"{error.field}: {error.message}")
    note = _given_password_note(tenant)
    click.echo(f"Set a new password for {tenant.username}; its sessions have ended.{note}")


@user_cli.command("reset-2fa")
@click.argument("username")
def reset_user_two_factor(username: str) -> None:
    """Turn two-factor sign-in off for a user locked out of it (phone and recovery codes lost): they sign in with
    their password, and may turn it on again. Check who is asking before you run this; the audit log records it."""
    tenant = _tenant(username)
    if not two_factor.is_enabled(tenant):
        _fail(f"{tenant.username} does not use two-factor sign-in: nothing to reset.")
    two_factor.reset(tenant)
    click.echo(f"Turned two-factor sign-in off for {tenant.username}; they sign in with their password alone "
               "until they turn it on again under Account.")


@user_cli.command("list")
def list_users() -> None:
    """List every account: name, email, role, state."""
    users = accounts.list_accounts()
    if not users:
        click.echo("No accounts yet.")
    for user in users:
        click.echo(f"{user.username}\t{user.email}\t{user.role}\t{user.state}")


def _moderate(action, username: str, *args, **kwargs) -> None:
    try:
        action(None, _tenant(username), *args, **kwargs)
    except moderation.ModerationError as refused:
        _fail(refused.message)


@user_cli.command("approve")
@click.argument("username")
def approve_user(username: str) -> None:
    """Approve a pending account: its site goes public."""
    _moderate(moderation.approve_account, username)
    click.echo(f"Approved {username}.")


@user_cli.command("suspend")
@click.argument("username")
@click.option("--reason", required=True, help="Shown to the account owner and kept in the audit log.")
def suspend_user(username: str, reason: str) -> None:
    """Suspend an account: every public URL answers 410 and its sessions end."""
    _moderate(moderation.suspend_account, username, reason)
    click.echo(f"Suspended {username}.")


@user_cli.command("restore", help=f"Restore a suspended or deleted (within {ACCOUNT_RESTORE_WINDOW.days} days) "
                                   "account exactly as it was.")
@click.argument("username")
def restore_user(username: str) -> None:
    _moderate(moderation.restore_account, username)
    click.echo(f"Restored {username}.")


@user_cli.command("delete", help=f"Delete an account (restorable for {ACCOUNT_RESTORE_WINDOW.days} days, then "
                                  "removed by 'purge').")
@click.argument("username")
@click.option("--reason", default="deleted by an operator", show_default=True)
def delete_user(username: str, reason: str) -> None:
    _moderate(moderation.delete_account, username, reason)
    click.echo(f"Deleted {username}; 'user restore {username}' undoes it within {ACCOUNT_RESTORE_WINDOW.days} days.")


@user_cli.command("promote")
@click.argument("username")
def promote_user(username: str) -> None:
    """Give an account the admin role."""
    _moderate(moderation.promote, username)
    click.echo(f"{username} is now an admin.")


@user_cli.command("demote")
@click.argument("username")
def demote_user(username: str) -> None:
    """Take the admin role away (never from the last active admin)."""
    _moderate(moderation.demote, username)
    click.echo(f"{username} is no longer an admin.")


@click.command("purge", help=f"Remove for good the accounts deleted more than {ACCOUNT_RESTORE_WINDOW.days} days "
                             "ago, and say what was removed.")
def purge_command() -> None:
    summary = moderation.purge()
    if not summary.accounts:
        click.echo(f"Nothing to purge: no account was deleted more than {ACCOUNT_RESTORE_WINDOW.days} days ago.")
        return
    click.echo(f"Purged {len(summary.accounts)} account(s): {', '.join(summary.accounts)} "
               f"({summary.pages} page(s), {summary.assets} file(s)).")


@page_cli.command("publish")
@click.argument("username")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def publish_pages(username: str, files: tuple[str, ...]) -> None:
    """Publish Markdown FILES for USERNAME through the same pipeline as the web upload."""
    tenant = _tenant(username)
    failed = 0
    for path in files:
        name = path.rsplit("/", 1)[-1]
        with open(path, "rb") as handle:
            raw = handle.read()
        try:
            outcome = pages.publish_upload(tenant, raw, name)
        except PublishError as error:
            failed += 1
            click.echo(f"refused {name}: {error.message}", err=True)
            continue
        state = "unchanged" if outcome.unchanged else f"revision {outcome.revision.number}"
        click.echo(f"published {name} -> {pages.public_url(tenant, outcome.page.permalink)} ({state})")
        for notice in outcome.notices:
            click.echo(f"  note: {notice}")
    if failed:
        raise click.exceptions.Exit(1)


@page_cli.command("list")
@click.argument("username")
def list_pages(username: str) -> None:
    """List USERNAME's pages: URL, status, revision, title."""
    tenant = _tenant(username)
    listed = pages.list_pages(tenant)
    if not listed:
        click.echo(f"{tenant.username} has no pages yet.")
    for page in listed:
        status = "published" if page.is_public else ("draft" if not page.published else "unpublished")
        click.echo(f"{pages.public_url(tenant, page.permalink)}\t{status}\tr{page.current_revision}\t{page.title}")


@click.command("demo")
def demo_command() -> None:
    """Create the demo admin and the demo researcher (once each) so a new installation can be tried at once."""
    if accounts.has_admin():
        click.echo("An admin exists already.")
    else:
        password = secrets.token_urlsafe(12)
        accounts.create_account("demo-admin", "demo-admin@example.org", password, admin=True,
                                must_change_password=True)
        click.echo("Created the demo admin. Log in at /login as 'demo-admin' with this one-time password "
                   f"(shown only now; you choose your own at first sign-in):\n\n    {password}\n")
    created = create_demo_tenant(current_app.config["ASSET_QUOTA_BYTES"])
    if created is None:
        click.echo(f"The demo researcher exists already: /{DEMO_USERNAME}/")
    else:
        tenant, password = created
        click.echo(f"Created the demo researcher '{tenant.username}': see /{tenant.username}/ "
                   f"(log in as '{tenant.username}' with the one-time password {password})")


@site_cli.command("import")
@click.argument("username")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def import_site_command(username: str, archive: str) -> None:
    """Import an academicpages repository ZIP into USERNAME's site: all of it, or nothing."""
    tenant = _tenant(username)
    with open(archive, "rb") as file:
        data = file.read()
    report = site_import.import_site(tenant, data, archive, quota=current_app.config["ASSET_QUOTA_BYTES"])
    for path, what, url in report.imported:
        click.echo(f"imported  {path}: {what}{'  ' + url if url else ''}")
    for path, reason in report.skipped:
        click.echo(f"skipped   {path}: {reason}")
    for path, notice in report.notices:
        click.echo(f"notice    {path}: {notice}")
    for path, message in report.errors:
        click.echo(f"error     {path}: {message}", err=True)
    if not report.ok:
        _fail(report.summary())
    click.echo(report.summary())


@site_cli.command("export")
@click.argument("username")
@click.argument("archive", type=click.Path(dir_okay=False, writable=True))
def export_site_command(username: str, archive: str) -> None:
    """Write USERNAME's site to ARCHIVE as a ZIP in the academicpages layout."""
    tenant = _tenant(username)
    with export_site(tenant) as exported, open(archive, "wb") as file:
        shutil.copyfileobj(exported, file)
    click.echo(f"Wrote {archive}.")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the whole SQLite database to PATH, safely while the app runs. (PostgreSQL: the message gives the
    pg_dump command.)"""
    if path.exists():
        _fail(f"{path} exists already: name a new file (a backup never overwrites one).")
    source = _sqlite_database_or_fail("backup")
    # A copy of the file misses every write still in the WAL; the backup API copies what is committed.
    with closing(sqlite3.connect(path)) as target, _live_sqlite_connection() as live:
        live.backup(target)
    click.echo(f"Backed up {source} to {path} ({path.stat().st_size} bytes, at migration "
               f"{', '.join(sorted(_revisions_in(path)))}).")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH (made by `flask backup`, at the current migration).
    Stop the web and the job worker first: their caches would keep serving the replaced pages."""
    target = _sqlite_database_or_fail("restore")
    found, current = _revisions_in(path), _head_revisions()
    if found != current:
        _fail(f"{path} is at migration {', '.join(sorted(found))}, this code at {', '.join(sorted(current))}: "
              "restore it with the code of its time, then run 'flask db upgrade'.")
    if not yes:
        click.confirm(f"Replace every row of {target} with {path}? Stop profilehost-web and profilehost-worker "
                      "first.", abort=True)
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as backup, _live_sqlite_connection() as live:
        backup.backup(live)
    db.engine.dispose()
    click.echo(f"Restored {target} from {path}.")


def _sqlite_database_or_fail(action: str) -> str:
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        return url.database
    address = url.set(drivername="postgresql").render_as_string(hide_password=True)
    _fail(f"flask {action} copies SQLite databases; PostgreSQL has its own consistent online tools. Back up "
          f"while the app runs with\n    pg_dump --format=custom --file=profilehost.dump '{address}'\nand restore "
          f"into an empty database (app stopped) with\n    pg_restore --no-owner --dbname='{address}' "
          "profilehost.dump\n(put the password in ~/.pgpass or PGPASSWORD, not on the command line).")


@contextmanager
def _live_sqlite_connection():
    pooled = db.engine.raw_connection()
    try:
        yield pooled.driver_connection
    finally:
        pooled.close()


def _revisions_in(path: Path) -> set[str]:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as backup:
            tables = {name for (name,) in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"alembic_version", "users"} <= tables:
                _fail(f"{path} is an SQLite database but not profilehost's (it has no users or alembic_version "
                      "table).")
            if backup.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                _fail(f"{path} is damaged (PRAGMA integrity_check fails): restore an older backup.")
            return {version for (version,) in backup.execute("SELECT version_num FROM alembic_version")}
    except sqlite3.DatabaseError as error:
        _fail(f"{path} is not an SQLite database ({error}): name a file made by 'flask backup'.")


def _head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config()).get_heads())
