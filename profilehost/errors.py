"""Error pages in the house look (JSON under /api), for every status we answer with on purpose."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

PAGES = {
    400: ("Bad request", "The request could not be understood. Reload the page and try again."),
    403: ("Forbidden", "You do not have permission to see this page."),
    404: ("Page not found", "There is no page at this address. Check the link for typos."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    409: ("Conflict", "Someone changed this at the same time. Reload and try again."),
    410: ("Unavailable", "This profile is unavailable."),
    413: ("Too large", "The upload is larger than the service accepts."),
    429: ("Too many attempts", "Too many attempts in a short time. Wait a minute, then try again."),
    500: ("Something went wrong", "An error on our side stopped this page. It has been logged; try again soon."),
}


def init_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        body, status = error_response(error.code or 500, getattr(error, "description", None))
        # Keep what the exception says about itself: a 405's Allow header (RFC 9110), a 429's Retry-After.
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        return body, status, headers

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError):
        return error_response(500, None)


def error_response(status: int, description: str | None):
    title, default_message = PAGES.get(status, ("Error", "The request could not be completed."))
    message = description if status in (400, 409, 410) and description and _is_ours(description) else None
    message = message or default_message
    if request.path.startswith("/api/"):
        return jsonify(error=title, message=message), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _is_ours(description: str) -> bool:
    # Werkzeug's stock descriptions are written for developers; only our own messages are shown as given.
    return not description.startswith(("The server could not", "The browser (or proxy)", "The requested URL"))
