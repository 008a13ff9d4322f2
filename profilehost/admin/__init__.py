"""Admin screens under /admin/. Access is decided once, for the whole blueprint."""

from flask import Blueprint, abort, flash, request
from flask_login import current_user
from flask_wtf import FlaskForm

from ..extensions import login_manager
from ..models import AccountState

admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.before_request
def require_admin():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin or current_user.state != AccountState.ACTIVE:
        abort(403)
    return None


def client_ip() -> str:
    return request.remote_addr or ""


def fields_refused(form: FlaskForm) -> bool:
    """True, with what is wrong flashed, when a form's fields do not validate (a reason over 2,000 characters).
    Its CSRF token was checked before the view (CSRFProtect)."""
    if form.validate_on_submit():
        return False
    for name, messages in form.errors.items():
        flash(f"{form[name].label.text}: {' '.join(messages)}", "error")
    return True


from . import report_views, views  # noqa: E402,F401  (modules register routes)
