"""Error pages in the house look (JSON under /api), for every status we answer with on purpose.

A page says what a person can do: a refusal (services.errors.Refusal) and a rate limit (limits.py) with their own
message, every other error with the words below. Werkzeug's descriptions are written for developers and are never
shown.
"""

from __future__ import annotations

import logging

from flask import Flask, flash, g, jsonify, render_template, request
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from .config import ConfigError
from .extensions import db, login_manager
from .limits import limit_reached
from .services.errors import Refusal

logger = logging.getLogger(__name__)

PAGES = {
    400: ("Bad request", "The request could not be understood. Reload the page and try again."),
    403: ("Forbidden", "You do not have permission to see this page."),
    404: ("Page not found", "There is no page at this address. Check the link for typos."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    409: ("Conflict", "Someone changed this at the same time. Reload and try again."),
    410: ("Unavailable", "This profile is unavailable."),
    413: ("Too large", "The upload is larger than the service accepts."),
    422: ("Not done", "The request was refused."),
    429: ("Too many requests", "Too many requests in a short time. Wait a while, then try again."),
    500: ("Something went wrong", "An error on our side stopped this page. It has been logged; try again soon."),
    503: ("Temporarily unavailable", "The service cannot reach its database right now. Nothing was changed; "
                                     "try again in a minute."),
}
STALE_FORM = ("This form has expired or was not sent from our page, so nothing was changed. Reload the page and "
              "send the form again.")
NOT_SET_UP = ("This server is not set up yet: its operator has to finish setting it up (the server's log says "
              "how). Nothing was changed.")
BUSY_MESSAGE = "The database is busy with another change. Nothing was changed; try again in a few seconds."
# Seconds a client should wait: a held write lock clears in moments, a stopped database takes a restart.
RETRY_AFTER_BUSY = 2
RETRY_AFTER_DOWN = 30
# What the database driver raises when it cannot answer now (stopped, restarting, locked, out of connections),
# as opposed to a request it refuses (a constraint, a bad value), which stays a bug to fix.
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
                        sa_exc.TimeoutError)


def init_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        body, status = error_response(error.code or 500)
        # Keep what the exception says about itself: a 405's Allow header (RFC 9110).
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        return body, status, headers

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError):
        return error_response(500)

    @app.errorhandler(Refusal)
    def refused(refusal: Refusal):
        return error_response(refusal.status, refusal.message)

    @app.errorhandler(CSRFError)
    def stale_form(error: CSRFError):
        return error_response(400, STALE_FORM)

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error: RateLimitExceeded):
        message, wait = limit_reached(error)
        body, status = error_response(429, message)
        return body, status, {"Retry-After": str(wait)}

    @app.errorhandler(ConfigError)
    def not_set_up(error: ConfigError):
        # What to do is the operator's to read, in the log; a visitor learns only that it is not their fault.
        logger.error("%s", error)
        return error_response(503, NOT_SET_UP)

    for error_type in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_type, database_unavailable)


def show_on_form(form, refusal: Refusal) -> int:
    """A refusal's message under the field it names (above the form when it names none): the status to answer."""
    field = form._fields.get(refusal.field) if refusal.field else None
    if field is None:
        form.form_errors = [*form.form_errors, refusal.message]
    else:
        field.errors = [*field.errors, refusal.message]
    return refusal.status


def flash_refusal(refusal: Refusal) -> None:
    flash(refusal.message, "error")


def database_unavailable(error: Exception):
    """503 with Retry-After, on a page that reads nothing from the database (it cannot)."""
    busy = _is_write_lock_wait(error)
    logger.warning("database unavailable (%s): %s", "busy" if busy else "down", error.__class__.__name__,
                   exc_info=not busy)
    _forget_the_transaction()
    body, status = error_response(503, BUSY_MESSAGE if busy else None)
    return body, status, {"Retry-After": str(RETRY_AFTER_BUSY if busy else RETRY_AFTER_DOWN)}


def _is_write_lock_wait(error: Exception) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return "database is locked" in text or "database table is locked" in text or "lock timeout" in text


def _forget_the_transaction() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is already gone; the pool replaces it on the next checkout
        logger.debug("rollback after an unavailable database failed", exc_info=True)


def error_response(status: int, message: str | None = None):
    title, default_message = PAGES.get(status, ("Error", "The request could not be completed."))
    message = message or default_message
    if request.path.startswith("/api/"):
        return jsonify(error=title, message=message), status
    if status >= 500:
        _render_as_anonymous()
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _render_as_anonymous() -> None:
    # Who is logged in lives in the database, which may be what failed; Flask-Login loads the user for every
    # template (its context processor) unless g already holds one. A 5xx page shows the logged-out header.
    g._login_user = login_manager.anonymous_user()

