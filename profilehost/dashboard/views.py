"""The researcher's screens, under /dashboard/."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user

from ..services import accounts
from .forms import PasswordChangeForm

dashboard = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@dashboard.before_request
@login_required
def require_login():
    return None


@dashboard.route("/")
def index():
    return render_template("dashboard/index.html")


@dashboard.route("/account", methods=["GET", "POST"])
def account():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.new_password.data)
        except accounts.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            login_user(current_user)
            flash("Password changed. Your other sessions have been logged out.", "success")
            return redirect(url_for("dashboard.account"))
    return render_template("dashboard/account.html", form=form)
