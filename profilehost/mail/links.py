"""Absolute links for messages, which are also queued outside any request (the command line, the worker)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    """In a request, on the host the request came to (the host gate has checked it); elsewhere on the first name
    of PROFILEHOST_SERVER_NAME, else localhost."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    names = current_app.config.get("SERVER_NAMES") or ("localhost",)
    scheme = "https" if current_app.config.get("HTTPS") else "http"
    with current_app.test_request_context(base_url=f"{scheme}://{names[0]}"):
        return url_for(endpoint, _external=True, **values)
