"""Helpers for tests that drive the app the way a browser does."""

from __future__ import annotations

import re
import socket
from contextlib import contextmanager
from urllib.request import HTTPRedirectHandler

from sqlalchemy import event

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
