"""Admin screens under /admin/. Access is decided once, for the whole blueprint."""

from flask import Blueprint, abort, request
from flask_login import current_user

admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.before_request
def require_admin():
    if not current_user.is_authenticated:
        from ..extensions import login_manager

        return login_manager.unauthorized()
    if not current_user.is_admin or current_user.state != "active":
        abort(403)
    return None


def client_ip() -> str:
    return request.remote_addr or ""


from . import report_views, views  # noqa: E402,F401  (modules register routes)
