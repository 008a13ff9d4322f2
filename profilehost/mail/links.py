"""Absolute links for messages, made from the configuration alone.

Never from the request: its Host (or a proxy's X-Forwarded-Host) is whatever the sender typed, and a reset link
mailed to a victim on an attacker's host hands the attacker the victim's token. The address is
PROFILEHOST_BASE_URL, else the first name of PROFILEHOST_SERVER_NAME; a site that sends real mail with neither
refuses to start. Without a mail server (messages written to instance/mail, as `make run` does) the links go to
LOCAL_BASE_URL, the address `make run` serves."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import current_app

from ..config import INSTANCE_FOLDER_MAIL, PREFIX, ConfigError, host_name

LOCAL_BASE_URL = "http://127.0.0.1:5000"


def base_url(settings: Mapping) -> str:
    """The scheme and host every mailed link starts with. Raises ConfigError."""
    if settings.get("BASE_URL"):
        return _checked_base_url(settings["BASE_URL"])
    if settings.get("SERVER_NAMES"):
        return f"{'https' if settings.get('HTTPS') else 'http'}://{settings['SERVER_NAMES'][0]}"
    if settings.get("MAIL_BACKEND", INSTANCE_FOLDER_MAIL) != INSTANCE_FOLDER_MAIL:
        raise ConfigError(
            f"{PREFIX}SMTP_URL is set, so mail leaves this machine, but the links in it need the site's address and "
            f"none is configured: set {PREFIX}SERVER_NAME=profiles.example.org (the names the site answers for) or "
            f"{PREFIX}BASE_URL=https://profiles.example.org. Links are never taken from a request's Host header, "
            "which the sender chooses.")
    return LOCAL_BASE_URL


def _checked_base_url(raw: str) -> str:
    url = urlsplit(raw.strip())
    netloc = host_name(url.netloc) if url.netloc and "@" not in url.netloc else None
    if url.scheme not in ("http", "https") or netloc is None or url.path not in ("", "/") or url.query \
            or url.fragment:
        raise ConfigError(f"{PREFIX}BASE_URL={raw!r} is not a site address: give the scheme and host (and a port "
                          "if needed) only, as https://profiles.example.org or http://127.0.0.1:5000")
    return f"{url.scheme}://{netloc}"


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` on the configured address (MAIL_BASE_URL, set when mail is set up)."""
    base = urlsplit(current_app.config["MAIL_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
