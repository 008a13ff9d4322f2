"""The researcher's screens, under /dashboard/. Every view acts on the logged-in tenant's own data only."""

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user, login_required

from ..models import AccountState

dashboard = Blueprint("dashboard", __name__, url_prefix="/dashboard")

# What a suspended or self-deleted owner may still reach: the explanation, the appeal, the cancellation, and the
# download of their own site (their data is theirs, whatever happened to the account).
RESTRICTED_ENDPOINTS = {
    AccountState.SUSPENDED: ("dashboard.suspended", "dashboard.appeal", "dashboard.export"),
    AccountState.DELETED: ("dashboard.scheduled_deletion", "dashboard.cancel_deletion", "dashboard.export"),
}


@dashboard.before_request
@login_required
def require_login():
    allowed = RESTRICTED_ENDPOINTS.get(current_user.state)
    if allowed and request.endpoint not in allowed:
        return redirect(url_for(allowed[0]))
    return None


from . import (  # noqa: E402,F401  (register routes)
    account_views,
    asset_views,
    bibliography_views,
    diff_view,
    import_views,
    menu_views,
    preview_views,
    site_file_views,
    state_views,
    token_views,
    views,
)
