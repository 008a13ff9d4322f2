"""Response headers and safe redirects: the one place that decides them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, abort, current_app, make_response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer",
        "microphone", "payment", "usb", "interest-cohort",
    )
)


def security_headers(https: bool) -> list[tuple[str, str]]:
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        # Views that may be cached say so (public pages, assets, static files); everything else, dashboard and
        # admin included, must never be stored by a browser or a proxy.
        ("Cache-Control", "no-store"),
    ]
    if https:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def same_for_every_visitor(view: Callable) -> Callable:
    """For a view whose answers do not depend on who asks (a tenant's public pages): they are sent without
    `Vary: Cookie`, like the same pages from the cache before Flask. The mark is on the view's own response, so
    an error page rendered instead (the house pages show who is logged in) keeps the header."""

    @functools.wraps(view)
    def answer(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.same_for_every_visitor = True
        return response

    return answer


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, minus a `Vary: Cookie` that public pages do not deserve.

    Flask-Login reads the session after every request (to refresh its remember cookie), and since Flask 3.1.3
    any read marks the response as varying on cookies: a shared cache then keeps a copy per visitor's cookie
    and checks it on every hit. A response that sets a cookie, or a server error, always keeps the header."""

    def save_session(self, app: Flask, session, response: Response) -> None:
        super().save_session(app, session, response)
        if (getattr(response, "same_for_every_visitor", False) and response.status_code < 500
                and "Set-Cookie" not in response.headers):
            response.vary.discard("Cookie")


def init_security(app: Flask) -> None:
    app.session_interface = SessionInterface()
    defaults = security_headers(app.config["HTTPS"])

    @app.before_request
    def refuse_nul_in_paths() -> None:
        # No address has one, and PostgreSQL refuses NUL in text: '/alice/x%00/' would otherwise be a 500.
        if "\x00" in request.path:
            abort(404)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        for name, value in defaults:
            response.headers.setdefault(name, value)
        return response


# The screens a login may lead back to. A tenant's page is served from the same origin, so landing on one right
# after a real login would lend it the login's authority (a "session expired, log in again" form, say).
LOGIN_DESTINATIONS = frozenset({"dashboard", "admin"})


def safe_next_path(target: str | None) -> str | None:
    """`target` if it is one of the app's own screens (LOGIN_DESTINATIONS), else None: never another site,
    never a tenant's page or any other public one."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target):
        return None
    # A browser resolves '.' and '..' segments, '%2e' spellings included, before it requests the address: the
    # route matched below would not be the page reached ('/dashboard/site-files/../../alice/x/edit').
    if any(unquote(segment) in (".", "..") for segment in parts.path.split("/")):
        return None
    try:
        endpoint, _arguments = current_app.create_url_adapter(request).match(parts.path, method="GET")
    except HTTPException:
        return None
    return target if endpoint.partition(".")[0] in LOGIN_DESTINATIONS else None
