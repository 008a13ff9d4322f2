"""Pages: list, upload, editor with preview, history, restore, delete, export."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import IO

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..jobs import imports
from ..limits import diff_limit, export_limit, preview_limit, publish_limit
from ..publishing import PublishError
from ..services import collections, pages, site_files, sites, uploads
from ..services.export import export_site
from ..services.pages import EditConflict
from . import dashboard
from .forms import ActionForm, EditForm, UploadForm

MENU_NAMES = ("navigation.yml", "navigation.yaml")

NEW_PAGE_TEMPLATE = """---
title: "A new page"
permalink: /new-page/
author_profile: true
---

Write your page here in Markdown.
"""


def _owned_page_or_404(page_id: int, *, include_deleted: bool = False):
    page = pages.owned_page(current_user, page_id, include_deleted=include_deleted)
    if page is None:
        abort(404)
    return page


@dashboard.route("/")
def index():
    """The site's pages as the site groups them, narrowed and paged by the query string: links and a GET form,
    so searching and paging need no script."""
    listing = pages.page_listing(current_user, pages.PageFilter.from_args(request.args))
    return render_template("dashboard/index.html", listing=listing, group_title=_group_title,
                           status_filters=pages.STATUS_FILTERS, listing_url=_listing_url,
                           is_not_found_page=pages.is_not_found_page,
                           menu_positions=sites.menu_positions(current_user) if listing.query.group == pages.PAGES_GROUP
                           else {},
                           deleted=pages.recently_deleted(current_user), upload_form=UploadForm(),
                           action_form=ActionForm(), public_url=pages.public_url,
                           jobs=[job for job in imports.recent_jobs(current_user) if job.active])


def _group_title(group: str) -> str:
    if group == pages.PAGES_GROUP:
        return "Pages"
    return collections.TITLES.get(group, group.replace("_", " ").capitalize())


def _listing_url(query: pages.PageFilter, **changes) -> str:
    """The dashboard's address for the query with some of its parts changed; defaults left out."""
    wanted = {"group": query.group, "q": query.text, "status": query.status, "page": query.screen, **changes}
    args = {key: value for key, value in wanted.items()
            if value and not (key == "group" and value == pages.PAGES_GROUP) and not (key == "page" and value == 1)}
    return url_for("dashboard.index", **args)


@dashboard.route("/upload", methods=["POST"])
@publish_limit
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        flash(" ".join(form.files.errors) or "The form expired. Please choose the files again.", "error")
        return redirect(url_for("dashboard.index"))
    results = [_upload(name, raw) for name, raw in ((f.filename or "", f.read()) for f in form.files.data)]
    status = 200 if any(result.ok for result in results) else 422
    return render_template("dashboard/upload_results.html", results=results), status


def _upload(name: str, raw: bytes) -> uploads.UploadResult:
    """A page or _config.yml as the uploads service takes them; the menu (navigation.yml) as a site file, as the
    Site files screen and an import take it."""
    if name.replace("\\", "/").rsplit("/", 1)[-1].lower() not in MENU_NAMES:
        return uploads.publish_uploads(current_user, [(name, raw)])[0]
    try:
        saved = site_files.save_site_file(current_user, site_files.NAVIGATION_FILE, raw)
    except (PublishError, site_files.SiteFileConflict) as refused:
        return uploads.UploadResult(name, False, getattr(refused, "message", str(refused)))
    return uploads.UploadResult(name, True, f"{saved.summary()} Your menu follows it.", notices=saved.notices)


@dashboard.route("/pages/new", methods=["GET", "POST"])
@publish_limit
@preview_limit
def new_page():
    form = EditForm(source=NEW_PAGE_TEMPLATE) if request.method == "GET" else EditForm()
    return _editor(form, page=None)


@dashboard.route("/pages/<int:page_id>/edit", methods=["GET", "POST"])
@publish_limit
@preview_limit
def edit_page(page_id: int):
    page = _owned_page_or_404(page_id)
    form = EditForm()
    if request.method == "GET":
        form.source.data = pages.editable_source(pages.current_revision(page))
        form.base_revision.data = str(page.current_revision)
    return _editor(form, page=page)


def _editor(form: EditForm, page):
    preview = error = conflict = None
    status = 200
    if form.validate_on_submit():
        raw = form.source.data.replace("\r\n", "\n").encode("utf-8")
        filename = pages.file_name(page)
        if "preview" in request.form:
            preview, error = _preview(raw, filename, page)
        else:
            try:
                outcome = pages.save_edit(current_user, raw, page, base_revision=_base_revision(form, page))
            except PublishError as refused:
                error, status = refused.message, 422
            except EditConflict as changed:
                conflict, status = uploads.conflict_view(changed, form.source.data), 409
            else:
                _flash_outcome(outcome)
                return redirect(url_for("dashboard.edit_page", page_id=outcome.page.id))
    live_notices = pages.current_revision(page).notices if page is not None else []
    return render_template("dashboard/edit.html", form=form, page=page, preview=preview, error=error,
                           preview_html=preview and sites.published_html(preview), live_notices=live_notices or [],
                           conflict=conflict, public_url=pages.public_url), status


def _preview(raw: bytes, filename: str, page):
    """The text rendered in the tenant's site as it is now (config, data, items), or the refusal; nothing stored."""
    try:
        return pages.render_page(current_user, raw, filename, page.permalink if page else None,
                                 page.collection if page else None), None
    except PublishError as refused:
        return None, refused.message


def _base_revision(form: EditForm, page) -> int | None:
    if page is None:
        return None
    return int(form.base_revision.data) if (form.base_revision.data or "").isdigit() else page.current_revision


def _flash_outcome(outcome) -> None:
    if outcome.unchanged:
        flash("Nothing changed: the page is identical to the live revision.", "info")
    else:
        url = pages.public_url(current_user, outcome.page.permalink)
        flash(f"Published revision {outcome.revision.number} of {url}.", "success")
    for notice in outcome.notices:
        flash(notice, "info")


@dashboard.route("/pages/<int:page_id>/history")
def history(page_id: int):
    page = _owned_page_or_404(page_id, include_deleted=True)
    return render_template("dashboard/history.html", page=page, revisions=pages.revisions_of(page),
                           action_form=ActionForm(), public_url=pages.public_url)


@dashboard.route("/pages/<int:page_id>/revisions/<int:number>")
def revision(page_id: int, number: int):
    page = _owned_page_or_404(page_id, include_deleted=True)
    shown = pages.revision_of(page, number) or abort(404)
    return render_template("dashboard/revision.html", page=page, revision=shown, html=sites.published_html(shown),
                           action_form=ActionForm())


@dashboard.route("/pages/<int:page_id>/diff")
@diff_limit
def diff(page_id: int):
    page = _owned_page_or_404(page_id, include_deleted=True)
    older = pages.revision_of(page, request.args.get("from", type=int) or 0) or abort(404)
    newer = pages.revision_of(page, request.args.get("to", type=int) or 0) or abort(404)
    shown = uploads.diff_texts(older.source.decode("utf-8", "replace"), newer.source.decode("utf-8", "replace"),
                               f"revision {older.number}", f"revision {newer.number}")
    return render_template("dashboard/diff.html", page=page, older=older, newer=newer, diff=shown)


@dashboard.route("/pages/<int:page_id>/revisions/<int:number>/source")
def revision_source(page_id: int, number: int):
    """A revision's source as it was uploaded, whole: what a clipped diff leaves out."""
    page = _owned_page_or_404(page_id, include_deleted=True)
    shown = pages.revision_of(page, number) or abort(404)
    name = (shown.source_name or "page.md").rsplit("/", 1)[-1]
    return send_file(io.BytesIO(shown.source), mimetype="text/plain", as_attachment=True,
                     download_name=f"revision-{number}-{name}", max_age=0)


@dashboard.route("/pages/<int:page_id>/revisions/<int:number>/restore", methods=["POST"])
@publish_limit
def restore(page_id: int, number: int):
    page = _owned_page_or_404(page_id)
    if pages.revision_of(page, number) is None:
        abort(404)
    try:
        outcome = pages.restore_revision(current_user, page, number)
    except (PublishError, EditConflict) as refused:
        flash(getattr(refused, "message", str(refused)), "error")
        return redirect(url_for("dashboard.history", page_id=page.id))
    flash(f"Revision {number} is live again as revision {outcome.revision.number}.", "success")
    return redirect(url_for("dashboard.history", page_id=page.id))


@dashboard.route("/pages/<int:page_id>/delete", methods=["POST"])
@publish_limit
def delete(page_id: int):
    page = _owned_page_or_404(page_id)
    try:
        pages.delete_page(current_user, page)
    except PublishError as refused:  # a page that lists this one could not be rendered without it
        flash(refused.message, "error")
    else:
        flash(f"Deleted {pages.public_url(current_user, page.permalink)}. You can restore it for "
              f"{pages.RESTORE_WINDOW.days} days from 'Recently deleted'.", "success")
    return redirect(url_for("dashboard.index"))


@dashboard.route("/pages/<int:page_id>/undelete", methods=["POST"])
@publish_limit
def undelete(page_id: int):
    page = _owned_page_or_404(page_id, include_deleted=True)
    try:
        pages.undelete_page(current_user, page)
    except PublishError as refused:
        flash(refused.message, "error")
    else:
        flash(f"Restored {pages.public_url(current_user, page.permalink)}.", "success")
    return redirect(url_for("dashboard.index"))


@dashboard.route("/export.zip")
@export_limit
def export():
    archive = export_site(current_user)
    size = archive.seek(0, os.SEEK_END)
    archive.seek(0)
    response = Response(_read_through(archive), mimetype="application/zip",
                        headers={"Content-Length": str(size), "Cache-Control": "private, no-store"})
    response.headers.set("Content-Disposition", "attachment", filename=f"{current_user.username}-profilehost.zip")
    return response


def _read_through(file: IO[bytes]) -> Iterator[bytes]:
    # The ZIP may be a file on disk: it is closed once sent, or when the client goes away (the server closes us).
    with file:
        while chunk := file.read(64 * 1024):
            yield chunk
