"""Site files: the config, data files and includes the pages' Liquid reads; upload, edit, delete, history."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..limits import publish_limit
from ..publishing import PublishError
from ..services import site_files
from ..services.site_files import SiteFileConflict, SiteFileSaved
from . import dashboard
from .forms import ActionForm, SiteFileEditForm, SiteFileUploadForm


def _flash_saved(saved: SiteFileSaved, verb: str = "Saved") -> None:
    flash(saved.summary(verb), "info" if saved.unchanged else "success")
    for notice in saved.notices:
        flash(notice, "info")


def _next_page(saved: SiteFileSaved, default: str):
    """Where a save leads: the rebuild's progress when the worker renders the pages that read the file."""
    if saved.rebuild_job is not None:
        return redirect(url_for("dashboard.import_job", job_id=saved.rebuild_job))
    return redirect(default)


def _current_or_404(path: str):
    return site_files.current_version(current_user, path) or abort(404)


@dashboard.route("/site-files", methods=["GET", "POST"])
@publish_limit
def site_files_index():
    form = SiteFileUploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        path = (form.path.data or "").strip() or site_files.path_for_upload(upload.filename or "")
        try:
            saved = site_files.save_site_file(current_user, path, upload.read())
        except PublishError as refused:
            (form.path if refused.field == "path" else form.file).errors.append(refused.message)
            status = 422
        else:
            _flash_saved(saved)
            return _next_page(saved, url_for("dashboard.site_files_index"))
    elif form.is_submitted():
        status = 422
    return render_template("dashboard/site_files.html", form=form, files=site_files.list_site_files(current_user),
                           deleted=site_files.deleted_paths(current_user), action_form=ActionForm()), status


@dashboard.route("/site-files/<path:file_path>/edit", methods=["GET", "POST"])
@publish_limit
def edit_site_file(file_path: str):
    current = _current_or_404(file_path)
    form = SiteFileEditForm()
    form.text.label.text = f"Contents of {file_path}"
    if request.method == "GET":
        form.text.data = current.source.decode("utf-8", "replace")
        form.base_version.data = str(current.number)
    error, status = None, 200
    if form.validate_on_submit():
        base = form.base_version.data
        try:
            saved = site_files.save_site_file(current_user, file_path, form.text.data.replace("\r\n", "\n").encode(),
                                              base_version=int(base) if base.isdigit() else None)
        except PublishError as refused:
            error, status = refused.message, 422
        except SiteFileConflict as changed:
            error, status = f"{changed} Your text is kept below: compare it with the history, then save again.", 409
            form.base_version.data = str(changed.current)
        else:
            _flash_saved(saved)
            return _next_page(saved, url_for("dashboard.edit_site_file", file_path=file_path))
    elif form.is_submitted():
        status = 422
    return render_template("dashboard/site_file_edit.html", form=form, path=file_path, current=current,
                           error=error, action_form=ActionForm()), status


@dashboard.route("/site-files/<path:file_path>/delete", methods=["POST"])
@publish_limit
def delete_site_file(file_path: str):
    _current_or_404(file_path)
    try:
        saved = site_files.delete_site_file(current_user, file_path)
    except PublishError as refused:
        flash(f"{file_path} was not deleted: {refused.message}", "error")
    else:
        _flash_saved(saved, "Deleted")
        return _next_page(saved, url_for("dashboard.site_files_index"))
    return redirect(url_for("dashboard.site_files_index"))


@dashboard.route("/site-files/<path:file_path>/history")
def site_file_history(file_path: str):
    versions = site_files.versions_of(current_user, file_path) or abort(404)
    return render_template("dashboard/site_file_history.html", path=file_path, versions=versions,
                           authors=site_files.author_names(versions), action_form=ActionForm())


@dashboard.route("/site-files/<path:file_path>/versions/<int:number>")
def site_file_version(file_path: str, number: int):
    version = site_files.version_of(current_user, file_path, number) or abort(404)
    return render_template("dashboard/site_file_version.html", path=file_path, version=version)


@dashboard.route("/site-files/<path:file_path>/versions/<int:number>/restore", methods=["POST"])
@publish_limit
def restore_site_file(file_path: str, number: int):
    try:
        saved = site_files.restore_version(current_user, file_path, number)
    except LookupError:
        abort(404)
    except PublishError as refused:
        flash(f"Version {number} was not restored: {refused.message}", "error")
    else:
        _flash_saved(saved, f"Restored version {number} as version {saved.version} of")
        return _next_page(saved, url_for("dashboard.site_file_history", file_path=file_path))
    return redirect(url_for("dashboard.site_file_history", file_path=file_path))
