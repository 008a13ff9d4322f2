"""Jinja globals shared by every template."""

from __future__ import annotations

from flask import Flask

from .models import ACCOUNT_RESTORE_WINDOW
from .services.pages import RESTORE_WINDOW


def init_templating(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # The windows the screens promise, from the constants the services enforce.
    app.jinja_env.globals["account_restore_days"] = ACCOUNT_RESTORE_WINDOW.days
    app.jinja_env.globals["page_restore_days"] = RESTORE_WINDOW.days
