"""Helpers for tests that drive the app the way a browser does."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path
from urllib.request import HTTPRedirectHandler

import pytest
from sqlalchemy import event
from werkzeug.serving import WSGIRequestHandler, make_server

from profilehost.extensions import db

PASSWORD = "correct horse battery"
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "no csrf_token field in the page"
    return next(group for group in match.groups() if group)


def post_form(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """POST like a browser: fetch the page holding the form, then send its CSRF token with the data."""
    page = client.get(form_url or url)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def log_in(client, username: str, password: str = PASSWORD):
    return post_form(client, "/login", {"username": username, "password": password})


def post_files(client, url: str, files: list[tuple[str, bytes]], *, form_url: str | None = None):
    """POST files as a browser's form does, with the CSRF token of the page at `form_url` (else `url`)."""
    token = csrf_token_from(client.get(form_url or url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "files": [(io.BytesIO(data), name) for name, data in files]},
                           content_type="multipart/form-data")
    # Werkzeug's test client spools a body over 500 KiB to a temporary file that the response's request keeps
    # open; closed here, it never reaches the garbage collector, whose warning would fail a later test.
    response.request.environ["wsgi.input"].close()
    return response


def table_rows() -> dict:
    """Every row of every table (in an app context), to be put back by `restore_rows`."""
    with db.engine.connect() as connection:
        return {table: [row._asdict() for row in connection.execute(table.select().order_by(*table.primary_key))]
                for table in db.metadata.sorted_tables}


def restore_rows(rows: dict) -> None:
    """The database exactly as `table_rows` saw it, ids included, in one transaction."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        for table in db.metadata.sorted_tables:
            if rows[table]:
                connection.execute(table.insert(), rows[table])


@contextmanager
def counted_statements(app):
    """The SQL statements the app sends to its database inside the block."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


class NoRedirect(HTTPRedirectHandler):
    """For an opener that shows each redirect instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a free loopback port that keeps every message it receives."""

    def __init__(self, port: int | None = None) -> None:
        from aiosmtpd.controller import Controller

        self.port = port or free_port()
        self.messages: list = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, _server, _session, envelope) -> str:
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def app_settings(self) -> dict:
        return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False,
                "MAIL_USE_SSL": False, "MAIL_TIMEOUT": 5}

    def to(self, address: str) -> list:
        return [message for message in self.messages if message["To"] == address]

    def last_to(self, address: str):
        received = self.to(address)
        assert received, f"no message to {address}; received: {[m['To'] for m in self.messages]}"
        return received[-1]


def mail_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def mail_html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message, path: str) -> str:
    """The path and query of the first link in the message's text whose path starts with `path`."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s]*)", mail_text(message))
    assert match, f"no {path} link in:\n{mail_text(message)}"
    return match.group(1)


def mail_in_folder(instance_path, address: str):
    """The newest message to `address` that a site without an SMTP server wrote to its instance folder."""
    from email import message_from_bytes, policy
    from pathlib import Path

    messages = [message_from_bytes(path.read_bytes(), policy=policy.default)
                for path in sorted((Path(instance_path) / "mail").glob("*.eml"))]
    received = [message for message in messages if message["To"] == address]
    assert received, f"no message to {address} in {instance_path}/mail"
    return received[-1]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *_args) -> None:
        pass


@contextmanager
def served_in_a_thread(app):
    """`app` served by Werkzeug in a thread on a free loopback port (for a real server in front of it): the port."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def exported_bytes(tenant) -> bytes:
    """The tenant's site export, read whole (and its file closed)."""
    from profilehost.services.export import export_site

    with export_site(tenant) as exported:
        return exported.read()


def exported_archive(tenant) -> zipfile.ZipFile:
    """The tenant's site export as an open ZIP."""
    return zipfile.ZipFile(io.BytesIO(exported_bytes(tenant)))


# Tests that build an export with Debian's jekyll: skipped without it, failing in CI (which installs it).
needs_jekyll = pytest.mark.skipif(not shutil.which("jekyll") and not os.environ.get("CI"),
                                  reason="jekyll is not installed (apt-get install -y jekyll); CI installs it")


def built_with_jekyll(tenant, folder: Path) -> Path:
    """The tenant's export unpacked into `folder` and built by `jekyll build --safe`: the export's root, with its
    _site/."""
    with exported_archive(tenant) as archive:
        archive.extractall(folder)
    source = folder / f"{tenant.username}-site"
    result = subprocess.run(["jekyll", "build", "--safe", "--quiet"], cwd=source, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return source
