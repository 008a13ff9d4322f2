"""The reports queue and the appeals."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..errors import flash_refusal
from ..services import admin_queries, moderation, reports
from . import admin, client_ip, fields_refused
from .forms import AppealDecisionForm, CloseReportForm, NoteForm, ReasonForm


@admin.route("/reports")
def report_queue():
    return render_template("admin/reports.html", groups=reports.open_reports_by_tenant(),
                           closed=reports.closed_reports(), categories=dict(reports.CATEGORIES))


def _report_or_404(report_id: int):
    return admin_queries.report(report_id) or abort(404)


@admin.route("/reports/<int:report_id>")
def report(report_id: int):
    shown = _report_or_404(report_id)
    page = admin_queries.reported_page(shown)
    return render_template("admin/report.html", report=shown, page=page, note_form=NoteForm(),
                           close_form=CloseReportForm(), reason_form=ReasonForm(),
                           categories=dict(reports.CATEGORIES),
                           related=admin_queries.reports_about(shown.tenant) if shown.tenant else [])


@admin.route("/reports/<int:report_id>/note", methods=["POST"])
def report_note(report_id: int):
    shown = _report_or_404(report_id)
    form = NoteForm()
    if form.validate_on_submit():
        reports.add_note(current_user, shown, form.note.data, ip=client_ip())
        flash("Note added.", "success")
    else:
        flash("Write a note first.", "error")
    return redirect(url_for("admin.report", report_id=shown.id))


@admin.route("/reports/<int:report_id>/close", methods=["POST"])
def close_report(report_id: int):
    shown = _report_or_404(report_id)
    form = CloseReportForm()
    if fields_refused(form):
        return redirect(url_for("admin.report", report_id=shown.id))
    try:
        reports.close_report(current_user, shown, form.status.data, form.outcome.data or "", ip=client_ip())
    except reports.ReportError as refused:
        flash_refusal(refused)
    else:
        flash(f"Report #{shown.id} {shown.status}. The reporter sees the outcome on their status page.", "success")
    return redirect(url_for("admin.report_queue"))


@admin.route("/reports/<int:report_id>/reopen", methods=["POST"])
def reopen_report(report_id: int):
    shown = _report_or_404(report_id)
    reports.reopen_report(current_user, shown, ip=client_ip())
    flash(f"Report #{shown.id} is open again.", "success")
    return redirect(url_for("admin.report", report_id=shown.id))


@admin.route("/appeals")
def appeals():
    return render_template("admin/appeals.html", appeals=admin_queries.open_appeals(), form=AppealDecisionForm())


@admin.route("/appeals/<int:appeal_id>", methods=["POST"])
def decide_appeal(appeal_id: int):
    appeal = admin_queries.appeal(appeal_id) or abort(404)
    form = AppealDecisionForm()
    if not fields_refused(form):
        try:
            moderation.decide_appeal(current_user, appeal, form.decision.data == "accept", form.response.data or "",
                                     ip=client_ip())
        except moderation.ModerationError as refused:
            flash_refusal(refused)
        else:
            flash(f"Appeal of {appeal.user.username} {appeal.status}.", "success")
    return redirect(url_for("admin.appeals"))
