"""The links mailed to people: confirm an address, reset a forgotten password, stop optional notices."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from ..extensions import csrf, limiter
from ..limits import confirmation_address_limit, confirmation_mail_limit
from ..mail import init_mail, password_reset, preferences, tokens, verification
from ..services import accounts
from .forms import ForgotPasswordForm, MailActionForm, ResetPasswordForm
from .views import _client_network, auth

# Per network: enough for a person who mistyped the address a few times, too few to mail-bomb anyone.
RESET_REQUESTS = "5 per 15 minutes; 20 per day"


@auth.record_once
def _mail_for_the_app(state) -> None:
    # Mail belongs to the app as a whole (services queue notices from the CLI too); it is set up with the
    # blueprint whose links the messages carry.
    init_mail(state.app)


def _link_problem(error: Exception):
    """The one page for a link that cannot be used: never a 500, always what to do next."""
    if isinstance(error, tokens.LinkExpired):
        title, message, status = "This link has expired", "Links in our messages work for a limited time.", 410
    elif isinstance(error, tokens.LinkInvalid):
        title, message, status = ("This link is not valid", "It may have been cut short when it was copied: "
                                  "open it from the message again, or copy all of it.", 404)
    else:
        title, message, status = "This link cannot be used any more", str(error), 410
    return render_template("auth/link_problem.html", title=title, message=message), status


@auth.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(RESET_REQUESTS, methods=["POST"], key_func=_client_network,
               error_message="Many password resets were asked for from your network.")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.email.data)
        # The same answer whether or not an account has the address: the form tells nobody who is registered.
        return render_template("auth/reset_sent.html", address=form.email.data)
    return render_template("auth/forgot_password.html", form=form), 422 if form.is_submitted() else 200


@auth.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = password_reset.user_for_reset(token)
    except (tokens.LinkExpired, tokens.LinkInvalid, password_reset.ResetRefused) as refused:
        return _link_problem(refused)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.reset_with_link(token, form.new_password.data, ip=request.remote_addr or "")
        except accounts.AccountError as refused:
            form.new_password.errors.append(refused.message)
        else:
            return _signed_in_after_reset(user)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form, username=user.username), status


def _signed_in_after_reset(user):
    message = "Your password is changed. You are logged out everywhere else, and your API tokens are revoked."
    flash(message, "success")
    from ..services import two_factor
    from .two_factor_views import ask_for_code

    if two_factor.is_enabled(user):
        return ask_for_code(user, None)  # a mailbox is one factor: the second is still asked for
    login_user(user)
    return redirect(url_for("dashboard.index"))


@auth.route("/email/confirm/<token>")
def confirm_email(token: str):
    # A GET that confirms: opening the link (by its owner, or a mail scanner fetching it from that very mailbox)
    # proves the message arrived, and that is all it changes.
    try:
        user = verification.confirm_email(token)
    except (tokens.LinkExpired, tokens.LinkInvalid, verification.ConfirmationRefused) as refused:
        return _link_problem(refused)
    return render_template("auth/email_confirmed.html", confirmed=user)


@auth.route("/email/resend", methods=["POST"])
@login_required
@confirmation_mail_limit
@confirmation_address_limit
def resend_confirmation():
    form = MailActionForm()
    if form.validate_on_submit():
        address = verification.resend_confirmation(current_user)
        if address is None:
            flash("Your email address is confirmed already.", "info")
        else:
            flash(f"We sent a new confirmation link to {address}.", "success")
    return redirect(request.referrer if _same_site(request.referrer) else url_for("dashboard.account"))


def _same_site(referrer: str | None) -> bool:
    return bool(referrer) and referrer.startswith(request.host_url)


@auth.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
# The signed token is the credential; mail clients' one-click unsubscribe (RFC 8058) posts without a CSRF token.
@csrf.exempt
def unsubscribe(token: str):
    try:
        address = tokens.read_unsubscribe_token(token)
    except tokens.LinkInvalid as refused:
        return _link_problem(refused)
    if request.method == "POST":
        preferences.stop_optional_mail(address)
        return render_template("auth/unsubscribed.html", address=address)
    # A GET changes nothing: mail scanners open links before people do.
    return render_template("auth/unsubscribe.html", address=address, form=MailActionForm())
