"""What visitors see, logged in or not."""

from flask import Blueprint

public = Blueprint("public", __name__)

from . import report_views, views  # noqa: E402,F401  (modules register routes)
