"""Personal API tokens for publishing from scripts and CI."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import PasswordField
from wtforms.validators import DataRequired

from ..services import tokens
from ..services.errors import FieldError
from . import dashboard
from .forms import ActionForm, TokenForm


class NewTokenForm(TokenForm):
    password = PasswordField("Your password", validators=[DataRequired()],
                             description="A token works without you, so making one asks who you are.",
                             render_kw={"autocomplete": "current-password"})


@dashboard.route("/tokens", methods=["GET", "POST"])
def api_tokens():
    form = NewTokenForm()
    created = None
    status = 200
    if form.validate_on_submit():
        try:
            _token, created = tokens.create_token_with_password(current_user, form.name.data, form.password.data)
        except FieldError as refused:
            getattr(form, refused.field).errors.append(refused.message)
            status = 422
        else:
            form = NewTokenForm(formdata=None)
    elif form.is_submitted():
        status = 422
    return render_template("dashboard/tokens.html", form=form, created=created, action_form=ActionForm(),
                           tokens=tokens.list_tokens(current_user)), status


@dashboard.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_api_token(token_id: int):
    token = tokens.owned_token(current_user, token_id) or abort(404)
    tokens.revoke_token(token)
    flash(f"Token '{token.name}' revoked: it stops working at once.", "success")
    return redirect(url_for("dashboard.api_tokens"))
