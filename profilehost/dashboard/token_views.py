"""Personal API tokens for publishing from scripts and CI."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..services import tokens
from . import dashboard
from .forms import ActionForm, TokenForm


@dashboard.route("/tokens", methods=["GET", "POST"])
def api_tokens():
    form = TokenForm()
    created = None
    status = 200
    if form.validate_on_submit():
        try:
            token, created = tokens.create_token(current_user, form.name.data)
        except tokens.TokenError as refused:
            form.name.errors.append(str(refused))
            status = 422
        else:
            form = TokenForm(formdata=None)
    elif form.is_submitted():
        status = 422
    return render_template("dashboard/tokens.html", form=form, created=created, action_form=ActionForm(),
                           tokens=tokens.list_tokens(current_user)), status


@dashboard.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_api_token(token_id: int):
    ActionForm().validate_on_submit() or abort(400)
    token = tokens.owned_token(current_user, token_id) or abort(404)
    tokens.revoke_token(token)
    flash(f"Token '{token.name}' revoked: it stops working at once.", "success")
    return redirect(url_for("dashboard.api_tokens"))
