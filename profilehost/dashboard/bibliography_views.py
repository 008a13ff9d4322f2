"""The bibliography: upload or paste a .bib, choose the list's style and the forms of one's name, see which
entries lack what a listing needs, restore an older version."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from ..forms import AppForm
from ..limits import publish_limit
from ..publishing import PublishError
from ..publishing.bibliography import MAX_BIB_BYTES
from ..publishing.bibliography_html import STYLES
from ..services import bibliography
from ..services.bibliography import BibliographySaved
from ..services.errors import FieldError
from . import dashboard
from .forms import ActionForm


class BibliographyForm(AppForm):
    file = FileField("BibTeX file", validators=[Optional()],
                     description="A .bib exported from Zotero, Google Scholar, DBLP, JabRef or written by hand. "
                                 "Up to 1 MiB. It replaces your current bibliography; older versions are kept.",
                     render_kw={"accept": ".bib,.bibtex,.txt,text/x-bibtex"})
    text = TextAreaField("Or paste BibTeX", validators=[Optional(), Length(max=MAX_BIB_BYTES)],
                         render_kw={"spellcheck": "false", "rows": 10})


class BibliographySettingsForm(AppForm):
    style = SelectField("Citation style", choices=[SelectChoice(name, label) for name, label in STYLES.items()],
                        description="How each entry is written (Citation Style Language).")
    name_forms = TextAreaField("Your name as it appears in author lists", validators=[Length(max=3000)],
                               description="One form a line, such as 'Lovelace, A.' or 'A. A. Lovelace'. Your "
                                           "profile's name is always shown in bold; add the forms it does not match.",
                               render_kw={"rows": 4, "spellcheck": "false"})


def _flash_saved(saved: BibliographySaved) -> None:
    flash(saved.summary(), "info" if saved.unchanged else "success")
    for notice in saved.notices:
        flash(notice, "info")


@dashboard.route("/bibliography", methods=["GET", "POST"])
@publish_limit
def bibliography_index():
    form = BibliographyForm()
    settings = bibliography.settings_of(current_user)
    settings_form = BibliographySettingsForm(style=settings.style, name_forms="\n".join(settings.name_forms or []))
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read() if upload else (form.text.data or "").replace("\r\n", "\n").encode()
        name = (upload.filename if upload and upload.filename else "pasted.bib")[:255]
        if not raw.strip():
            form.file.errors.append("Choose a .bib file or paste BibTeX.")
            status = 422
        elif upload and (form.text.data or "").strip():
            form.text.errors.append("Choose a file or paste BibTeX, not both: empty this box to save the file, or "
                                    "choose no file to save what you pasted.")
            status = 422
        else:
            try:
                saved = bibliography.save_bibliography(current_user, raw, source_name=name)
            except PublishError as refused:
                (form.file if upload else form.text).errors.append(refused.message)
                status = 422
            else:
                _flash_saved(saved)
                return redirect(url_for("dashboard.bibliography_index"))
    elif form.is_submitted():
        status = 422
    return _page(form, settings_form, status)


def _page(form: BibliographyForm, settings_form: BibliographySettingsForm, status: int):
    current = bibliography.current_version(current_user)
    rendered = (current.rendered or {}) if current is not None and current.source is not None else {}
    entries = rendered.get("entries", [])
    return render_template("dashboard/bibliography.html", form=form, settings_form=settings_form,
                           current=current if rendered else None, entries=entries,
                           incomplete=[entry for entry in entries if entry["missing"]],
                           pdfs_missing=bibliography.pdfs_not_uploaded(current_user, entries),
                           notices=rendered.get("notices", []), versions=bibliography.versions(current_user),
                           styles=STYLES, action_form=ActionForm()), status


@dashboard.route("/bibliography/settings", methods=["POST"])
@publish_limit
def bibliography_settings():
    settings_form = BibliographySettingsForm()
    if settings_form.validate_on_submit():
        try:
            saved = bibliography.save_settings(current_user, settings_form.style.data,
                                               settings_form.name_forms.data or "")
        except FieldError as refused:
            getattr(settings_form, refused.field).errors.append(refused.message)
        except PublishError as refused:
            settings_form.style.errors.append(refused.message)
        else:
            pages = f" {len(saved.rerendered)} page(s) that list it were updated." if saved.rerendered else ""
            flash(f"Saved the bibliography's settings.{pages}", "success")
            return redirect(url_for("dashboard.bibliography_index"))
    return _page(BibliographyForm(formdata=None), settings_form, 422)


@dashboard.route("/bibliography/versions/<int:number>/restore", methods=["POST"])
@publish_limit
def restore_bibliography(number: int):
    try:
        saved = bibliography.restore_version(current_user, number)
    except LookupError:
        abort(404)
    except PublishError as refused:
        flash(f"Version {number} can no longer be read: {refused.message}", "error")
    else:
        _flash_saved(saved)
    return redirect(url_for("dashboard.bibliography_index"))


@dashboard.route("/bibliography/remove", methods=["POST"])
@publish_limit
def remove_bibliography():
    try:
        saved = bibliography.remove_bibliography(current_user)
    except LookupError:
        flash("You have no bibliography to remove.", "info")
    else:
        _flash_saved(saved)
    return redirect(url_for("dashboard.bibliography_index"))
