"""A password someone else chose is replaced before anything else (services.first_sign_in): every dashboard and admin
screen leads to the form below, and the API refuses with a JSON error, until the owner has chosen their own."""

from __future__ import annotations

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from ..api import api
from ..errors import show_on_form
from ..services import accounts, first_sign_in
from .forms import NewPasswordForm
from .two_factor_views import enrolment_required_path
from .views import auth

# The screens behind a login. Public pages are left alone: they show nothing of the account, and they are served
# without reading the session.
ACCOUNT_AREAS = ("dashboard", "admin")


@auth.before_app_request
def new_password_first():
    if request.blueprint in ACCOUNT_AREAS and current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.new_password"))
    return None


# Registered after the API's own token check (profilehost.api imports its views first), so the token's owner is known.
@api.before_request
def refuse_given_password():
    user = g.get("api_user")
    if user is not None and user.must_change_password:
        return jsonify(error="Password change required",
                       message="This account still has the password it was given. Log in on the website and "
                               "choose your own; then create a new API token."), 403
    return None


@auth.route("/account/new-password", methods=["GET", "POST"])
@login_required
def new_password():
    if not current_user.must_change_password:
        return redirect(url_for("dashboard.account"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            first_sign_in.replace_given_password(user, form.current_password.data, form.new_password.data)
        except accounts.AccountError as refused:
            show_on_form(form, refused)
        else:
            login_user(user)  # the change ended every session, this one too
            flash("Your password is your own now. Welcome!", "success")
            return redirect(enrolment_required_path(user) or url_for("dashboard.index"))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200
