"""Jinja globals shared by every template."""

from __future__ import annotations

from flask import Flask


def init_templating(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
