"""What a suspended, pending or self-deleted owner sees."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..models import AccountState
from ..services import moderation
from . import dashboard
from .forms import ActionForm, AppealForm


@dashboard.route("/suspended")
def suspended():
    if current_user.state != "suspended":
        return redirect(url_for("dashboard.index"))
    return render_template("dashboard/suspended.html", form=AppealForm(),
                           appeal=moderation.open_appeal(current_user))


@dashboard.route("/suspended/appeal", methods=["POST"])
def appeal():
    form = AppealForm()
    if form.validate_on_submit():
        try:
            moderation.submit_appeal(current_user, form.message.data)
        except moderation.ModerationError as refused:
            form.message.errors.append(refused.message)
        else:
            flash("Your appeal was sent. An administrator will read it and answer here.", "success")
            return redirect(url_for("dashboard.suspended"))
    return render_template("dashboard/suspended.html", form=form,
                           appeal=moderation.open_appeal(current_user)), 422


@dashboard.route("/scheduled-deletion")
def scheduled_deletion():
    if current_user.state != AccountState.DELETED:
        return redirect(url_for("dashboard.index"))
    return render_template("dashboard/scheduled_deletion.html", form=ActionForm())


@dashboard.route("/scheduled-deletion/cancel", methods=["POST"])
def cancel_deletion():
    if current_user.state == AccountState.DELETED:
        moderation.cancel_own_deletion(current_user, ip=request.remote_addr or "")
        flash("Welcome back: your account and your site are restored.", "success")
    return redirect(url_for("dashboard.index"))
