"""Files (images and PDFs) and the profile the sidebar shows."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..limits import publish_limit
from ..services import assets, profiles
from ..services.sites import LINK_KINDS
from . import dashboard
from .forms import ActionForm, AssetUploadForm, ProfileForm


def _quota() -> int:
    return current_app.config["ASSET_QUOTA_BYTES"]


@dashboard.route("/files", methods=["GET", "POST"])
@publish_limit
def files():
    form = AssetUploadForm()
    status = 200
    if form.validate_on_submit():
        try:
            stored = assets.store_assets(current_user, [(f.filename or "", f.read()) for f in form.files.data],
                                         _quota())
        except assets.AssetError as refused:
            form.files.errors.append(refused.message)
            status = 422
        else:
            flash(f"Uploaded {', '.join(asset.name for asset in stored)}.", "success")
            return redirect(url_for("dashboard.files"))
    listed = assets.list_assets(current_user)
    return render_template("dashboard/files.html", form=form, assets=listed, action_form=ActionForm(),
                           usage=assets.usage(current_user, _quota()), used_in=assets.where_used(current_user, listed),
                           asset_url=assets.asset_url), status


@dashboard.route("/files/<path:name>/delete", methods=["POST"])
def delete_file(name: str):
    try:
        assets.delete_asset(current_user, name)
    except LookupError:
        abort(404)
    flash(f"Deleted {name}.", "success")
    return redirect(url_for("dashboard.files"))


@dashboard.route("/profile", methods=["GET", "POST"])
def profile():
    current = current_user.profile
    form = ProfileForm(obj=current)
    if request.method == "GET":
        for kind, _label in LINK_KINDS:
            getattr(form, f"link_{kind}").data = (current.links or {}).get(kind, "")
    status = 200
    if form.is_submitted():
        # The form's own checks and the service's, each field on its own: every problem is shown at once.
        valid = form.validate_on_submit()
        fields = {name: getattr(form, name).data for name in profiles.TEXT_LIMITS} | {"avatar": form.avatar.data,
                                                                                      "locale": form.locale.data}
        fields["links"] = {kind: getattr(form, f"link_{kind}").data for kind, _label in LINK_KINDS}
        refusals = _every_refusal(fields) if not form.csrf_token.errors else []
        for refused in refusals:
            target = getattr(form, f"link_{refused.field}", None) or getattr(form, refused.field)
            if not target.errors:
                target.errors.append(refused.message)
        if valid and not refusals:
            profiles.update_profile(current_user, fields)
            flash("Profile saved. It is live on your site now.", "success")
            if notice := profiles.locale_notice(form.locale.data):
                flash(notice, "info")
            return redirect(url_for("dashboard.profile"))
        status = 422
    images = [asset for asset in assets.list_assets(current_user) if assets.is_image(asset)]
    return render_template("dashboard/profile.html", form=form, images=images,
                           link_fields=[getattr(form, f"link_{kind}") for kind, _ in LINK_KINDS]), status


def _every_refusal(fields: dict) -> list[profiles.ProfileError]:
    """What the service refuses of each field on its own, so the form shows every problem at once rather than
    one per submit."""
    one_by_one = [{name: value} for name, value in fields.items() if name != "links"]
    one_by_one += [{"links": {kind: value}} for kind, value in fields["links"].items()]
    refusals = []
    for part in one_by_one:
        try:
            profiles.clean_profile_fields(part)
        except profiles.ProfileError as refused:
            refusals.append(refused)
    return refusals
