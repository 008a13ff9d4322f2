"""Import a whole academicpages site from a ZIP."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from ..limits import import_limit
from ..services import site_import
from . import dashboard
from .forms import ImportForm


@dashboard.route("/import", methods=["GET", "POST"])
@import_limit
def import_site():
    form = ImportForm()
    report, status = None, 200
    if form.validate_on_submit():
        upload = form.archive.data
        report = site_import.import_site(current_user, upload.read(), upload.filename or "site.zip",
                                         quota=current_app.config["ASSET_QUOTA_BYTES"])
        status = 200 if report.ok else 422
    elif form.is_submitted():
        status = 422
    return render_template("dashboard/import.html", form=form, report=report), status
