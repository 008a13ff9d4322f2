"""The menu editor: the entries of the site's menu (label, the page it leads to or an address elsewhere), their
order, one more entry at a time. Saved as the site's _data/navigation.yml, so the site file, an export and the
public menu say the same. A plain form: moving an entry is a button, no script needed."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..limits import publish_limit
from ..models import Page
from ..publishing import PublishError
from ..services import pages, site_files, sites
from ..services.site_files import MenuEntry, SiteFileConflict
from . import dashboard
from .forms import MAX_MENU_ENTRIES, MenuForm


@dashboard.route("/menu", methods=["GET", "POST"])
@publish_limit
def menu():
    targets = _targets()
    form = MenuForm()
    status = 200
    if request.method == "GET":
        current = site_files.current_menu(current_user)
        _fill(form, current.entries, set(targets))
        form.base_version.data = str(current.version)
    elif form.validate_on_submit() and (entries := _entries(form, set(targets))) is not None:
        try:
            saved = site_files.save_menu(current_user, entries, base_version=_base_version(form))
        except SiteFileConflict as changed:
            flash(f"{changed} Your changes were not saved: here is the menu as it is now.", "error")
            return redirect(url_for("dashboard.menu"))
        except PublishError as refused:
            flash(refused.message, "error")
            status = 422
        else:
            flash("Menu saved: your site shows it now." if not saved.unchanged else "Nothing changed in the menu.",
                  "success" if not saved.unchanged else "info")
            for notice in saved.notices:
                flash(notice, "info")
            return redirect(url_for("dashboard.menu"))
    else:
        status = 422
    _label(form, targets)
    return render_template("dashboard/menu.html", form=form, max_entries=MAX_MENU_ENTRIES), status


def _targets() -> dict[str, str]:
    """The site's pages a menu entry may lead to: address -> what the list shows, saying of a page visitors cannot
    see that its entry stays out of the menu until they can (the public menu leads to public pages only)."""
    public = {page.permalink for page in sites.public_pages(current_user)}  # the pages the public menu leads to
    return {page.permalink: f"{page.title} ({page.permalink}){'' if page.permalink in public else _why_hidden(page)}"
            for page in pages.list_pages(current_user)
            if page.collection is None and not pages.is_not_found_page(page)}


def _why_hidden(page: Page) -> str:
    if page.moderation_reason:
        return ": unpublished by a moderator, not in the menu"
    return ": a draft, not in the menu until published"


def _fill(form: MenuForm, entries: list[MenuEntry], addresses: set[str]) -> None:
    for number, entry in enumerate([*entries, MenuEntry("", "")][:MAX_MENU_ENTRIES + 1], 1):
        on_site = entry.url in addresses
        form.entries.append_entry({"title": entry.title, "target": entry.url if on_site else "",
                                   "url": "" if on_site else entry.url, "position": number})


def _label(form: MenuForm, targets: dict[str, str]) -> None:
    """Each line's fields say which line they belong to: a screen reader hears 'Label of entry 3'."""
    choices = [("", "Choose a page…"), *targets.items()]
    for number, line in enumerate(form.entries, 1):
        line.target.choices = choices
        line.title.label.text = f"Label of entry {number}"
        line.target.label.text = f"Entry {number} leads to your page"
        line.url.label.text = f"Entry {number} leads elsewhere (an https:// address)"
        line.position.label.text = f"Position of entry {number}"
        line.remove.label.text = f"Remove entry {number}"


def _entries(form: MenuForm, addresses: set[str]) -> list[MenuEntry] | None:
    """The entries in their new order, or None with each problem put on its field."""
    kept: list[tuple[int, int, MenuEntry]] = []
    valid = True
    for index, line in enumerate(form.entries):
        title = " ".join((line.title.data or "").split())
        url = (line.url.data or "").strip() or (line.target.data or "")
        if line.remove.data or not (title or url):
            continue  # removed, or the empty line left for a new entry
        problem = site_files.menu_entry_problem(title, url, addresses)
        if problem is not None:
            field, message = problem
            getattr(line, field).errors.append(message)
            valid = False
            continue
        kept.append((line.position.data or index + 1, index, MenuEntry(title, url)))
    if len(kept) > MAX_MENU_ENTRIES:
        form.entries.errors.append(f"A menu holds at most {MAX_MENU_ENTRIES} entries.")
        valid = False
    if not valid:
        return None
    ordered = sorted(kept, key=lambda row: row[:2])
    return [entry for _position, _index, entry in _moved(ordered, request.form.get("move", ""))]


def _moved(ordered: list[tuple[int, int, MenuEntry]], move: str) -> list[tuple[int, int, MenuEntry]]:
    """The order after a 'Move up' or 'Move down' button ('up-3': the entry on the form's third line one place
    up)."""
    direction, _, number = move.partition("-")
    if direction not in ("up", "down") or not number.isdigit():
        return ordered
    found = [place for place, (_position, index, _entry) in enumerate(ordered) if index == int(number) - 1]
    if not found:
        return ordered
    place = found[0]
    other = place - 1 if direction == "up" else place + 1
    if 0 <= other < len(ordered):
        ordered[place], ordered[other] = ordered[other], ordered[place]
    return ordered


def _base_version(form: MenuForm) -> int | None:
    return int(form.base_version.data) if (form.base_version.data or "").isdigit() else None
