"""Two-factor sign-in: the second step of /login, and turning it on and off under Dashboard > Account.

The second step does not log anyone in until the code is right. Between the password and the code the session holds
only a pending sign-in (signed like every Flask session, and short-lived): the user's session id, which a password
change voids, where to go next, and when the password was checked. During enrolment it holds only a digest of the
secret being set up (services.two_factor.enrolment_reference): the cookie is signed, not encrypted.
"""

from __future__ import annotations

import time

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from ..dashboard import dashboard
from ..errors import show_on_form
from ..extensions import limiter
from ..models import User
from ..security import safe_next_path
from ..services import accounts, two_factor
from ..services.errors import Refusal
from .forms import TwoFactorDisableForm, TwoFactorEnrolForm, TwoFactorSignInForm
from .views import auth, limit_failed_sign_ins

PENDING_SIGN_IN = "two_factor_pending"
PENDING_SECONDS = 300
ENROLMENT = "two_factor_enrolment"
# Only someone who knows the password reaches the second step, so a limit per account cannot be filled by a stranger
# to lock its owner out (unlike one on the password form): it caps guesses spread over many addresses. Each form has
# a budget of its own (the limit's scope is its view), so a session holder's tries in Account cannot stop the owner
# from signing in.
ATTEMPTS_PER_ACCOUNT = "10 per hour"


def limit_attempts_per_account(key_func, error_message: str):
    """Every POST spends the budget before its code or password is checked, right or wrong (a right one ends the
    form's purpose anyway). Counting only the failures afterwards would let guesses sent at the same moment all pass
    the check before any of them was counted."""
    return limiter.limit(ATTEMPTS_PER_ACCOUNT, methods=["POST"], key_func=key_func, error_message=error_message)


def ask_for_code(user: User, next_path: str | None):
    """The password was right: remember that for a few minutes, and ask for the second factor."""
    session[PENDING_SIGN_IN] = {"user": user.get_id(), "next": next_path, "at": int(time.time())}
    return redirect(url_for("auth.two_factor"))


def _pending_user() -> User | None:
    pending = session.get(PENDING_SIGN_IN)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return accounts.load_session_user(str(pending.get("user", "")))


def _pending_username() -> str:
    user = _pending_user()
    return user.username if user is not None else ""


def _account_key(user_id: int | None) -> str:
    return f"two-factor:{user_id}"


def _pending_account() -> str:
    user = _pending_user()
    return _account_key(user.id if user is not None else None)


def _signed_in_account() -> str:
    # The limiter's check runs before the dashboard's login check: an anonymous visitor has no id.
    return _account_key(getattr(current_user, "id", None))


def admins_need_two_factor() -> bool:
    return current_app.config["ADMIN_REQUIRE_2FA"]


def enrolment_required_path(user: User) -> str | None:
    """Where an admin who must use two-factor sign-in and does not yet is sent: the enrolment page."""
    if user.is_admin and admins_need_two_factor() and not two_factor.is_enabled(user):
        return url_for("dashboard.two_factor_setup")
    return None


@auth.route("/login/two-factor", methods=["GET", "POST"], endpoint="two_factor")
@limit_failed_sign_ins(_pending_username)
@limit_attempts_per_account(_pending_account, "Too many codes tried for this account.")
def second_step():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING_SIGN_IN, None)
        flash("Your sign-in took too long or was not started here. Please log in again.", "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorSignInForm()
    if form.validate_on_submit():
        kind = two_factor.check_sign_in_code(user, form.code.data)
        if kind is not None:
            return _signed_in(user, kind, safe_next_path(session.pop(PENDING_SIGN_IN).get("next")))
        g.login_failed = True
        form.code.errors.append("That code is not correct, or was used already. Type the code your app shows "
                                "now, or a recovery code.")
    return render_template("auth/two_factor.html", form=form), 401 if g.get("login_failed") else 200


def _signed_in(user: User, kind: str, next_path: str | None):
    login_user(user)
    if kind == "recovery":
        left = two_factor.recovery_codes_left(user)
        flash(f"You signed in with a recovery code; it cannot be used again. {left} recovery code(s) left"
              + ("." if left > 2 else ": turn two-factor sign-in off and on again under Account for new ones."),
              "info")
    return redirect(next_path or url_for("dashboard.index"))


@auth.before_app_request
def admins_turn_on_two_factor_first():
    """No admin page opens for an admin without two-factor sign-in when PROFILEHOST_ADMIN_REQUIRE_2FA is on."""
    if request.blueprint != "admin" or not current_user.is_authenticated or current_user.must_change_password:
        return None
    enrolment = enrolment_required_path(current_user)
    if enrolment is None:
        return None
    flash("Administrators on this site sign in with two factors: set up an authenticator app to open the "
          "administration pages.", "info")
    return redirect(enrolment)


@dashboard.context_processor
def two_factor_settings():
    return {"recovery_codes_left": two_factor.recovery_codes_left, "admins_need_two_factor": admins_need_two_factor}


def _enrolment_reference() -> str | None:
    reference = session.get(ENROLMENT)
    return reference if isinstance(reference, str) else None


@dashboard.route("/account/two-factor", methods=["GET", "POST"])
@limit_attempts_per_account(_signed_in_account, "Too many tries to turn on two-factor sign-in for this account.")
def two_factor_setup():
    if two_factor.is_enabled(current_user):
        return redirect(url_for("dashboard.account"))
    form = TwoFactorEnrolForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(current_user, _enrolment_reference(), form.password.data, form.code.data)
        except Refusal as refused:
            show_on_form(form, refused)
        else:
            session.pop(ENROLMENT, None)
            return render_template("auth/two_factor_recovery_codes.html", codes=codes)
    # The same secret on a reload, so the QR code the app scanned stays right.
    secret = two_factor.enrolment_secret(current_user, _enrolment_reference())
    session[ENROLMENT] = two_factor.enrolment_reference(secret)
    # The app lists the account under the site's name, so two installations do not look alike.
    issuer = (current_app.config["SERVER_NAMES"] or (two_factor.ISSUER,))[0]
    uri = two_factor.provisioning_uri(current_user, secret, issuer)
    return render_template("auth/two_factor_setup.html", form=form, secret=two_factor.grouped(secret),
                           qr_code=two_factor.qr_code_data_uri(uri)), 422 if form.errors else 200


@dashboard.route("/account/two-factor/off", methods=["GET", "POST"])
@limit_attempts_per_account(_signed_in_account, "Too many tries to turn off two-factor sign-in for this account.")
def two_factor_disable():
    if not two_factor.is_enabled(current_user):
        return redirect(url_for("dashboard.account"))
    form = TwoFactorDisableForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(current_user, form.password.data, form.code.data)
        except Refusal as refused:
            show_on_form(form, refused)
        else:
            flash("Two-factor sign-in is off: your password alone signs you in.", "success")
            return redirect(url_for("dashboard.account"))
    return render_template("auth/two_factor_disable.html", form=form), 422 if form.errors else 200
