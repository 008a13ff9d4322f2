"""Visitor reports: /report and the reporter's private status page."""

from __future__ import annotations

from flask import abort, render_template, request

from ..errors import show_on_form
from ..extensions import limiter
from ..services import reports
from . import public
from .forms import ReportForm


@public.route("/report", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"],
               error_message="You have sent several reports in a short time.")
def report():
    form = ReportForm(url=request.args.get("url", ""))
    if form.validate_on_submit():
        if form.website.data:
            # A bot filled the honeypot: answer as if it worked, store nothing.
            return render_template("report/thanks.html", status_url=None), 200
        try:
            _report, token = reports.file_report(form.url.data, form.category.data, form.message.data or "",
                                                 form.contact_email.data or "")
        except reports.ReportError as refused:
            show_on_form(form, refused)
        else:
            return render_template("report/thanks.html", token=token), 201
    return render_template("report/form.html", form=form), 422 if form.errors else 200


@public.route("/report/status/<token>")
def report_status(token: str):
    shown = reports.report_for_token(token) or abort(404)
    response = render_template("report/status.html", report=shown, categories=dict(reports.CATEGORIES))
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
