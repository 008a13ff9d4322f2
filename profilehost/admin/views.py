"""Overview, accounts (search, filters, bulk actions, detail), page takedowns, invites, audit log."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import flash_refusal
from ..services import admin_queries, audit, invites, moderation, pages
from . import admin, client_ip, fields_refused
from .forms import BulkForm, InviteForm, ReasonForm
from .rendering import revision_as_published


@admin.route("/")
def overview():
    return render_template("admin/overview.html", counts=admin_queries.accounts_by_state(),
                           open_reports=admin_queries.open_report_count(),
                           appeals=admin_queries.open_appeals(), recent=audit.events(limit=10))


@admin.route("/accounts")
def accounts():
    since = _date_arg("since")
    found = admin_queries.search_accounts(request.args.get("q", ""), state=request.args.get("state", ""),
                                          role=request.args.get("role", ""), since=since)
    return render_template("admin/accounts.html", accounts=found, form=BulkForm(), args=request.args)


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@admin.route("/accounts/bulk", methods=["POST"])
def bulk():
    form = BulkForm()
    selected = admin_queries.accounts_named(request.form.getlist("selected"))
    if fields_refused(form):
        return redirect(url_for("admin.accounts"))
    if not selected:
        flash("Select at least one account.", "error")
        return redirect(url_for("admin.accounts"))
    try:
        outcome = moderation.bulk_action(current_user, selected, form.action.data, form.reason.data, ip=client_ip())
    except moderation.ModerationError as refused:
        flash_refusal(refused)
    else:
        flash(f"{form.action.data.capitalize()}: {', '.join(outcome.done) or 'none'}."
              + (f" Skipped (not applicable): {', '.join(outcome.skipped)}." if outcome.skipped else ""), "success")
    return redirect(url_for("admin.accounts"))


def _account_or_404(username: str):
    return admin_queries.account(username) or abort(404)


@admin.route("/accounts/<username>")
def account(username: str):
    user = _account_or_404(username)
    return render_template("admin/account.html", user=user, detail=admin_queries.account_detail(user),
                           form=ReasonForm(), public_url=pages.public_url)


ACCOUNT_ACTIONS = {
    "approve": moderation.approve_account,
    "suspend": moderation.suspend_account,
    "restore": moderation.restore_account,
    "delete": moderation.delete_account,
    "promote": moderation.promote,
    "demote": moderation.demote,
}


@admin.route("/accounts/<username>/<action>", methods=["POST"])
def account_action(username: str, action: str):
    user = _account_or_404(username)
    act = ACCOUNT_ACTIONS.get(action) or abort(404)
    _act_with_reason(act, user, f"{user.username}: {action} done.")
    return _back_or(url_for("admin.account", username=user.username))


def _act_with_reason(action, target, done: str) -> None:
    """Carry out a moderation action with the form's reason, and flash what was done or why it was not."""
    form = ReasonForm()
    if fields_refused(form):
        return
    try:
        action(current_user, target, form.reason.data or "", ip=client_ip())
    except moderation.ModerationError as refused:
        flash_refusal(refused)
    else:
        flash(done, "success")


def _back_or(default: str):
    back = request.form.get("back")
    return redirect(back if bool(back) and back.startswith("/admin/") and "//" not in back else default)


@admin.route("/accounts/<username>/pages/<int:page_id>")
def page(username: str, page_id: int):
    user = _account_or_404(username)
    shown = pages.owned_page(user, page_id, include_deleted=True) or abort(404)
    number = request.args.get("revision", type=int) or shown.current_revision
    revision = pages.revision_of(shown, number) or abort(404)
    return render_template("admin/page.html", user=user, page=shown, revision=revision,
                           revisions=pages.revisions_of(shown), form=ReasonForm(), public_url=pages.public_url,
                           as_published=revision_as_published(user, shown, revision))


@admin.route("/accounts/<username>/pages/<int:page_id>/unpublish", methods=["POST"])
def unpublish_page(username: str, page_id: int):
    return _moderate_page(username, page_id, moderation.unpublish_page, "unpublished")


@admin.route("/accounts/<username>/pages/<int:page_id>/republish", methods=["POST"])
def republish_page(username: str, page_id: int):
    return _moderate_page(username, page_id, moderation.republish_page, "republished")


def _moderate_page(username: str, page_id: int, action, done: str):
    user = _account_or_404(username)
    target = pages.owned_page(user, page_id, include_deleted=True) or abort(404)
    _act_with_reason(action, target, f"{pages.public_url(user, target.permalink)} {done}.")
    return _back_or(url_for("admin.page", username=user.username, page_id=page_id))


@admin.route("/invites", methods=["GET", "POST"])
def invite_list():
    form = InviteForm()
    if form.validate_on_submit():
        invite = invites.create_invite(current_user, max_uses=form.max_uses.data, days=form.days.data,
                                       note=form.note.data or "", ip=client_ip())
        flash(f"Invite created: {url_for('auth.register', invite=invite.code, _external=True)}", "success")
        return redirect(url_for("admin.invite_list"))
    return render_template("admin/invites.html", form=form, invites=invites.list_invites(),
                           revoke_form=ReasonForm()), 422 if form.errors else 200


@admin.route("/invites/<int:invite_id>/revoke", methods=["POST"])
def revoke_invite(invite_id: int):
    invite = admin_queries.invite(invite_id) or abort(404)
    invites.revoke_invite(current_user, invite, ip=client_ip())
    flash("Invite revoked.", "success")
    return redirect(url_for("admin.invite_list"))


@admin.route("/audit")
def audit_log():
    filters = {key: request.args.get(key, "").strip() for key in ("actor", "target", "action")}
    return render_template("admin/audit.html", events=audit.events(**filters), filters=filters,
                           actions=admin_queries.audit_actions())
