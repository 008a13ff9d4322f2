"""/register, /login, /logout."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import show_on_form
from ..extensions import limiter
from ..security import safe_next_path
from ..services import accounts, two_factor
from .forms import LoginForm, RegisterForm

auth = Blueprint("auth", __name__)

# Failed logins only, counted per address and per (address, username), never per username alone: a count any
# stranger could fill would lock the owner out.
FAILED_LOGINS_PER_ADDRESS_AND_NAME = "5 per minute"
FAILED_LOGINS_PER_ADDRESS = "20 per minute; 100 per hour"


def login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


def _client_network() -> str:
    """The client's address; for IPv6 its /64, since one subscriber is commonly handed a whole /64."""
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return request.remote_addr or ""
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _typed_username() -> str:
    return request.form.get("username", "")


def limit_failed_sign_ins(username_of_request: Callable[[], str] = _typed_username):
    """The login's limits on a sign-in view. Every view that checks a secret (the password, the second step's code)
    spends the same budgets, so an attacker gains no guesses by moving to the other form."""

    def client_network_and_username() -> str:
        # Hashed: the submitted name is any text of any length, and the key is stored in Redis.
        username = accounts.normalize_username(username_of_request())
        return f"{_client_network()} {hashlib.sha256(username.encode()).hexdigest()[:32]}"

    by_address = limiter.shared_limit(
        FAILED_LOGINS_PER_ADDRESS, scope="failed-sign-in", methods=["POST"], key_func=_client_network,
        deduct_when=login_failed,
        error_message="Too many failed logins from your network.")
    by_address_and_name = limiter.shared_limit(
        FAILED_LOGINS_PER_ADDRESS_AND_NAME, scope="failed-sign-in-name", methods=["POST"],
        key_func=client_network_and_username, deduct_when=login_failed,
        error_message="Too many failed logins for this username from your network.")
    return lambda view: by_address(by_address_and_name(view))


@auth.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"],
               error_message="Several accounts were registered from your network in a short time.")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    mode = current_app.config["REGISTRATION"]
    form = RegisterForm(invite_code=request.args.get("invite", ""))
    if mode == "closed":
        return render_template("auth/registration_closed.html"), 403
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.register_account(form.username.data, form.email.data, form.password.data,
                                             mode=mode, invite_code=form.invite_code.data or "")
        except accounts.AccountError as refused:
            status = show_on_form(form, refused)
        else:
            login_user(user)
            flash(_welcome(user), "success")
            return redirect(url_for("dashboard.index"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/register.html", form=form, mode=mode), status


def _welcome(user) -> str:
    if user.email_verified_at is None:
        return (f"Welcome, {user.username}! We sent a link to {user.email}: follow it to confirm your address. "
                "Until then you can prepare your pages, and nothing is public.")
    if user.state == "pending":
        return (f"Welcome, {user.username}! An administrator will approve your account soon; until then you can "
                "prepare your pages, and nothing is public.")
    return f"Welcome, {user.username}! Your profile will live at /{user.username}/."


@auth.route("/login", methods=["GET", "POST"])
@limit_failed_sign_ins()
def login():
    next_path = safe_next_path(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is not None and accounts.may_log_in(user):
            if two_factor.is_enabled(user):
                return two_factor_views.ask_for_code(user, next_path)
            login_user(user)
            return redirect(two_factor_views.enrolment_required_path(user) or next_path or url_for("dashboard.index"))
        if user is not None:
            form.username.errors.append("This account has been deleted.")
        else:
            g.login_failed = True
            form.password.errors.append("Wrong username or password.")
    return render_template("auth/login.html", form=form), 401 if g.get("login_failed") else 200


@auth.route("/logout", methods=["POST"])
@login_required
def logout():
    accounts.log_out(current_user)
    logout_user()
    flash("You are logged out on every device, and your API tokens are revoked.", "info")
    return redirect(url_for("public.home"))


from . import first_sign_in_views, two_factor_views  # noqa: E402,F401  (register their routes and gates)
