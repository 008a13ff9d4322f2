"""Per-account rate limits on the requests that cost a worker the most (publishing, previews, imports, diffs),
and what a 429 says: which limit was reached and when to try again (errors.py answers it, as HTML or JSON).

An account has one budget per kind of request, whether it spends it from the dashboard or the API: the key is
the account, never the address or the token.
"""

from __future__ import annotations

import math
import time

from flask import g, request
from flask_limiter import RateLimitExceeded
from flask_login import current_user

from .extensions import limiter

# Every change that renders pages again, together: uploads of pages, files and site files, the editor's Publish,
# restoring or deleting a page or a site file, and the API's PUT, POST and DELETE.
PUBLISH = "30 per minute;300 per hour"
PREVIEW = "30 per minute"
IMPORT = "10 per hour"
DIFF = "60 per minute"
EXPORT = "10 per hour"
# Files in one page upload: each is rendered in the request; a whole site goes through Import.
MAX_UPLOAD_FILES = 50


def account_key() -> str:
    user = g.get("api_user") or current_user
    return f"account:{user.id}"


# The editor's one form both previews and publishes; its Preview button names itself.
EDITOR_ENDPOINTS = ("dashboard.new_page", "dashboard.edit_page")


def _previewing_in_editor() -> bool:
    return request.endpoint in EDITOR_ENDPOINTS and "preview" in request.form


def _publishing_from_editor() -> bool:
    return request.endpoint in EDITOR_ENDPOINTS and "preview" not in request.form


publish_limit = limiter.shared_limit(
    PUBLISH, scope="publish", key_func=account_key, methods=["POST", "PUT", "DELETE"],
    exempt_when=_previewing_in_editor,
    error_message="Your account has published a lot in a short time (uploads, the editor, site files and the API "
                  "count together).")
preview_limit = limiter.shared_limit(
    PREVIEW, scope="preview", key_func=account_key, methods=["POST"], exempt_when=_publishing_from_editor,
    error_message="Your account has asked for many previews in a short time.")
import_limit = limiter.shared_limit(
    IMPORT, scope="import", key_func=account_key, methods=["POST"],
    error_message="Your account has imported many sites in a short time.")
export_limit = limiter.shared_limit(
    EXPORT, scope="export", key_func=account_key,
    error_message="Your account has downloaded its site many times in a short time.")
diff_limit = limiter.shared_limit(
    DIFF, scope="diff", key_func=account_key,
    error_message="Your account has compared many revisions in a short time.")


def limit_reached(error: RateLimitExceeded) -> tuple[str, int]:
    """What a 429 says (the limit's own message, the limit, when to try again) and the seconds until then."""
    wait = _seconds_until_reset()
    # A limit without a message of its own would say only '10 per 1 hour' (Flask-Limiter's description).
    said = error.description if error.limit.error_message else "You have sent many requests in a short time."
    return f"{said} The limit is {_said(error.limit.limit)}; try again in {_duration(wait)}.", wait


def _seconds_until_reset() -> int:
    current = limiter.current_limit
    reset_at = current.reset_at if current is not None else time.time() + 60
    return max(1, math.ceil(reset_at - time.time()))


def _said(item) -> str:
    """'30 a minute', '300 an hour', '10 every 2 hours'."""
    unit = item.GRANULARITY.name
    if item.multiples == 1:
        return f"{item.amount} {'an' if unit == 'hour' else 'a'} {unit}"
    return f"{item.amount} every {item.multiples} {unit}s"


def _duration(seconds: int) -> str:
    """'45 seconds', '12 minutes', 'an hour', '5 hours'. Minutes are rounded up, so nobody comes back too early;
    hours to the nearest (a window's reset is a second past its length: an hourly limit says 'an hour')."""
    if seconds < 120:
        return f"{seconds} seconds"
    if (minutes := math.ceil(seconds / 60)) < 60:
        return f"{minutes} minutes"
    hours = round(minutes / 60)
    return "an hour" if hours == 1 else f"{hours} hours"


# Confirmation links (and the notices a change of address sends): the dashboard's change of address and the "send
# the link again" button spend one budget per account, and every account together one budget per address it is
# sent to, so no form mails anyone's inbox over and over. Only answers that may have mailed (a redirect) count.
CONFIRMATION_MAILS = "3 per hour"
CONFIRMATION_MAILS_TO_ONE_ADDRESS = "5 per day"
CHANGE_EMAIL_FIELD = "email-email"


def _confirmation_address_key() -> str:
    from .mail.verification import address_waiting
    from .services.accounts import AccountError, check_email

    typed = request.form.get(CHANGE_EMAIL_FIELD, "") if request.endpoint == "dashboard.change_email" \
        else address_waiting(current_user) or ""
    try:
        return f"address:{check_email(typed)}"
    except AccountError:
        return f"address:{typed.strip().lower()}"


def _may_have_mailed(response) -> bool:
    return response.status_code == 302


confirmation_mail_limit = limiter.shared_limit(
    CONFIRMATION_MAILS, scope="confirmation-mail", key_func=account_key, methods=["POST"],
    deduct_when=_may_have_mailed,
    error_message="We have sent your account several confirmation links in a short time.")
confirmation_address_limit = limiter.shared_limit(
    CONFIRMATION_MAILS_TO_ONE_ADDRESS, scope="confirmation-address", key_func=_confirmation_address_key,
    methods=["POST"], deduct_when=_may_have_mailed,
    error_message="We have sent several confirmation links to this address in a short time.")
