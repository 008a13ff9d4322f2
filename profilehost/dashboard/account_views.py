"""Account settings: email, password, deletion. Each form posts to its own address."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..auth.forms import MailNoticesForm
from ..errors import show_on_form
from ..limits import confirmation_address_limit, confirmation_mail_limit
from ..mail import preferences
from ..models import ACCOUNT_RESTORE_WINDOW
from ..services import accounts, moderation
from ..services.errors import Refusal
from . import dashboard
from .forms import DeleteAccountForm, EmailChangeForm, PasswordChangeForm


def _render(status: int = 200, **forms):
    forms.setdefault("email_form", EmailChangeForm(prefix="email", email=current_user.email))
    forms.setdefault("password_form", PasswordChangeForm())
    forms.setdefault("delete_form", DeleteAccountForm(prefix="delete"))
    forms.setdefault("notices_form", MailNoticesForm(prefix="notices", mail_notices=current_user.mail_notices))
    return render_template("dashboard/account.html", **forms), status


@dashboard.route("/account", methods=["GET", "POST"])
def account():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _render(422 if form.is_submitted() else 200, password_form=form)
    try:
        accounts.change_password(current_user, form.current_password.data, form.new_password.data)
    except Refusal as refused:
        return _render(show_on_form(form, refused), password_form=form)
    login_user(current_user)
    flash("Password changed. Your other sessions have been logged out and your API tokens revoked.", "success")
    return redirect(url_for("dashboard.account"))


@dashboard.route("/account/email", methods=["POST"])
@confirmation_mail_limit
@confirmation_address_limit
def change_email():
    form = EmailChangeForm(prefix="email")
    if form.validate_on_submit():
        try:
            changed = accounts.change_email(current_user, form.password.data, form.email.data)
        except Refusal as refused:
            return _render(show_on_form(form, refused), email_form=form)
        else:
            if changed:
                flash(f"Your email is now {current_user.email}.", "success")
            else:
                flash(f"We sent a link to {current_user.pending_email}: follow it to make it your address. Until "
                      f"then we keep writing to {current_user.email}.", "info")
            return redirect(url_for("dashboard.account"))
    return _render(422, email_form=form)


@dashboard.route("/account/delete", methods=["POST"])
def delete_account():
    form = DeleteAccountForm(prefix="delete")
    if form.validate_on_submit():
        try:
            moderation.delete_own_account(current_user, form.password.data, ip=request.remote_addr or "")
        except Refusal as refused:
            return _render(show_on_form(form, refused), delete_form=form)
        logout_user()
        flash(f"Your account is scheduled for deletion and your site is offline. Log in within "
              f"{ACCOUNT_RESTORE_WINDOW.days} days to cancel.", "info")
        return redirect(url_for("public.home"))
    return _render(422, delete_form=form)


@dashboard.route("/account/notices", methods=["POST"])
def mail_notices():
    form = MailNoticesForm(prefix="notices")
    if form.validate_on_submit():
        preferences.set_mail_notices(current_user, form.mail_notices.data)
        flash("Notices by email are on." if form.mail_notices.data else "Notices by email are off.", "success")
    return redirect(url_for("dashboard.account"))
