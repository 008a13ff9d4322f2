"""The JSON API under /api/v1/: token authentication only (no cookies, so no CSRF), JSON errors."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: E402,F401  (registers the routes)
