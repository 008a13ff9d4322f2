"""A researcher's site files (`_config.yml`, `_data/...`, `_includes/...`) written one at a time from the dashboard
or the API: the version history, and what a file means beyond Liquid, as an import applies it (navigation.yml is
the menu, the config's author: block the profile). Every write is one short transaction, after the pages that read
the file were rendered with it: a refused file changes nothing.
"""

from __future__ import annotations

import csv
import posixpath
from dataclasses import dataclass, field
from datetime import datetime

import yaml
from sqlalchemy import func, select

from ..extensions import db
from ..models import SiteFile, User
from ..publishing import PublishError, load_yaml_document
from ..publishing.layouts import is_kept_layout
from ..publishing.site import MAX_SITE_FILE_BYTES, is_site_file, read_site_files
from . import dead_links, pages, profiles, site_build, site_import, site_versions
from .export import navigation_yaml

CONFIG_FILE = site_import.CONFIG_FILE
NAVIGATION_FILE = site_import.NAVIGATION_FILE
MAX_PATH_LENGTH = 200  # SiteFile.path holds 255; no real site comes near either
DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv")
INCLUDE_SUFFIXES = ("", ".html")


class SiteFileConflict(Exception):
    """The file changed since the editor loaded it; `current` is its version now."""

    def __init__(self, path: str, current: int) -> None:
        super().__init__(f"{path} changed since you opened it (it is now version {current}).")
        self.path = path
        self.current = current


@dataclass(frozen=True)
class SiteFileSummary:
    path: str
    size: int
    changed_at: datetime
    versions: int


@dataclass
class SiteFileSaved:
    path: str
    version: int | None
    rerendered: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    unchanged: bool = False
    rebuild_job: int | None = None  # the job rendering the pages that read the file, when there are many

    def summary(self, verb: str = "Saved") -> str:
        if self.unchanged:
            return f"Nothing changed: {self.path} is identical to its current version."
        if self.rebuild_job is not None:
            return f"{verb} {self.path}; the pages that read it are being rendered again in the background."
        if not self.rerendered:
            return f"{verb} {self.path}; no page reads it yet."
        count = len(self.rerendered)
        return (f"{verb} {self.path}; {count} page{'s' if count != 1 else ''} rendered again: "
                f"{', '.join(self.rerendered)}")


def _tenant_files(tenant: User):
    return select(SiteFile).where(SiteFile.user_id == tenant.id)


def list_site_files(tenant: User) -> list[SiteFileSummary]:
    """The files the site has now (deleted ones left out), by path."""
    counts = dict(db.session.execute(select(SiteFile.path, func.count()).where(SiteFile.user_id == tenant.id)
                                     .group_by(SiteFile.path)).all())
    current = db.session.scalars(_tenant_files(tenant).where(SiteFile.current.is_(True), SiteFile.source.is_not(None))
                                 .order_by(SiteFile.path))
    return [SiteFileSummary(row.path, len(row.source), row.created_at, counts[row.path]) for row in current]


def deleted_paths(tenant: User) -> list[str]:
    """Files the site had and no longer has: their history can bring them back."""
    return list(db.session.scalars(select(SiteFile.path).where(
        SiteFile.user_id == tenant.id, SiteFile.current.is_(True), SiteFile.source.is_(None)).order_by(SiteFile.path)))


def current_version(tenant: User, path: str) -> SiteFile | None:
    """The file's current version, or None when the tenant has no such file (never had it, or deleted it)."""
    row = db.session.scalar(_tenant_files(tenant).where(SiteFile.path == path, SiteFile.current.is_(True)))
    return row if row is not None and row.source is not None else None


def versions_of(tenant: User, path: str) -> list[SiteFile]:
    """Every version, newest first; a deletion is a version without a source."""
    return list(db.session.scalars(_tenant_files(tenant).where(SiteFile.path == path)
                                   .order_by(SiteFile.number.desc())))


def author_names(versions: list[SiteFile]) -> dict[int, str]:
    """Who saved each version, by author id, in one query."""
    ids = {version.author_id for version in versions if version.author_id is not None}
    return dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all()) if ids else {}


def version_of(tenant: User, path: str, number: int) -> SiteFile | None:
    return db.session.scalar(_tenant_files(tenant).where(SiteFile.path == path, SiteFile.number == number))


def path_for_upload(filename: str) -> str:
    """Where an uploaded file goes when its path is not given: cv.yml -> _data/cv.yml, toc.html ->
    _includes/toc.html; _config.yml stays, and a path already in _data/, _includes/ or _layouts/ is kept."""
    name = filename.replace("\\", "/").strip().strip("/")
    if name == CONFIG_FILE or name.startswith(("_data/", "_includes/", "_layouts/")):
        return name
    name = name.rsplit("/", 1)[-1]
    if name.lower().endswith(DATA_SUFFIXES):
        return f"_data/{name}"
    if name.lower().endswith(".html"):
        return f"_includes/{name}"
    return name


def media_type(path: str) -> str:
    return "application/yaml" if path.endswith((".yml", ".yaml")) else "text/plain; charset=utf-8"


def check_path(path: str) -> None:
    """PublishError (field 'path') unless `path` names a site file profilehost keeps."""
    extension = posixpath.splitext(path)[1].lower()
    if (len(path) > MAX_PATH_LENGTH or not is_site_file(path)
            or (path.startswith("_includes/") and extension not in INCLUDE_SUFFIXES)):
        raise PublishError(f"{path[:MAX_PATH_LENGTH]}: a site file is _config.yml, a data file in _data/ (.yml, "
                           ".yaml, .json or .csv, up to two folders deep), an include in _includes/ (.html or "
                           "no extension) or a layout in _layouts/ (.html).", field="path")
    layout = path.removeprefix("_layouts/").removesuffix(".html")
    if path.startswith("_layouts/") and not is_kept_layout(layout):
        raise PublishError(f"{path}: '{layout}' is a layout of the theme, which profilehost draws itself for every "
                           "site. Give your layout a name of its own (like _layouts/book.html) and name it in the "
                           "pages' front matter ('layout: book'). Of single.html and talk.html, the lines under the "
                           "title and after the content are used.", field="path")


def save_site_file(tenant: User, path: str, raw: bytes, *, author: User | None = None,
                   base_version: int | None = None) -> SiteFileSaved:
    """Make `raw` the current version of `path` and render again the pages that read it, in one transaction.
    Raises PublishError (naming the file and line) and SiteFileConflict (`base_version` is not current)."""
    return _write(tenant, path, raw, author, base_version)


def delete_site_file(tenant: User, path: str, *, author: User | None = None) -> SiteFileSaved:
    """Take the file out of the site (its history stays). LookupError if the tenant has no such file."""
    if current_version(tenant, path) is None:
        raise LookupError(path)
    return _write(tenant, path, None, author, None)


def restore_version(tenant: User, path: str, number: int, *, author: User | None = None) -> SiteFileSaved:
    """Save an old version again as the newest one: history is never rewritten. LookupError if there is none."""
    old = version_of(tenant, path, number)
    if old is None or old.source is None:
        raise LookupError(number)
    return _write(tenant, path, old.source, author, None)


def _write(tenant: User, path: str, raw: bytes | None, author: User | None, base_version: int | None
           ) -> SiteFileSaved:
    """Render the pages that read the file with it, then write the file, what it means and those renderings in
    one short transaction (site_versions.write_after_rendering). When more pages read it than a request renders
    (jobs.rebuilds.in_request_max), the file is saved now and a job renders them."""
    from ..jobs import rebuilds  # the jobs build on the services

    check_path(path)
    tenant_id = tenant.id
    keys = site_build.keys_of_site_file(path)
    saved = _unchanged_or_conflict(tenant, path, raw, base_version)
    if saved is not None:
        return saved
    dependents = site_build.count_dependents(tenant, keys)
    in_background = dependents > rebuilds.in_request_max()

    def render() -> list[site_build.Rerendered]:
        if raw is not None and len(raw) > MAX_SITE_FILE_BYTES:
            return []  # refused by the write, with the limit named
        files = {**site_build.current_site_files(tenant), path: raw}
        found = [] if in_background else site_build.read_dependents(tenant, keys)
        context = (site_build.snapshot(tenant), dead_links.SiteAddresses.of(tenant)) if found else None
        db.session.rollback()
        if raw is not None:
            read_site_files({path: raw}, load_yaml_document)  # its own errors first, naming the file and line
        if context is None:  # no page reads the file
            return []
        snapshot, addresses = context
        return site_build.render_dependents(found, snapshot.context(files={name: source for name, source in
                                                                            files.items() if source is not None}),
                                            addresses)

    def write(renderings: list[site_build.Rerendered] | None) -> tuple[SiteFileSaved, int | None]:
        unchanged = _unchanged_or_conflict(tenant, path, raw, base_version)
        if unchanged is not None:
            return unchanged, None
        inside = renderings is None and not in_background  # the last attempt renders with the tenant locked
        rerendered = site_build.write_site_file(tenant, path, raw, author=author or tenant, rerender=inside)
        if renderings:
            rerendered = site_build.take_renderings(tenant, renderings)
        notices = _apply_meaning(tenant, path, raw)
        job = rebuilds.record_rebuild(tenant, path, dependents) if in_background else None
        version = current_version(tenant, path)
        db.session.flush()
        if job is not None:
            notices.insert(0, f"{dependents} pages read {path}: they are being rendered again in the background, and "
                              f"show the site as before until then. Follow it at /dashboard/jobs/{job.id}.")
        return SiteFileSaved(path, version.number if version else None, rerendered, notices,
                             rebuild_job=job.id if job else None), job.id if job else None

    try:
        saved, job_id = site_versions.write_after_rendering(db.session, tenant_id, render, write)
    except (csv.Error, yaml.YAMLError) as unreadable:
        # The parsers' own errors that reach past the pipeline's messages (a C1 control character in YAML,
        # a CSV field over the csv module's limit): still a refusal naming the file, never a 500.
        db.session.rollback()
        raise PublishError(f"{path}: this file cannot be read ({unreadable}).") from None
    except Exception:
        db.session.rollback()
        raise
    if job_id is not None:
        rebuilds.queue_rebuild(job_id)
    return saved


def _unchanged_or_conflict(tenant: User, path: str, raw: bytes | None, base_version: int | None
                           ) -> SiteFileSaved | None:
    """SiteFileConflict when `base_version` is not current; the answer for a file saved again as it is."""
    current = current_version(tenant, path)
    if base_version is not None and (current.number if current else 0) != base_version:
        latest = db.session.scalar(select(func.max(SiteFile.number)).where(
            SiteFile.user_id == tenant.id, SiteFile.path == path)) or 0
        raise SiteFileConflict(path, latest)
    if current is not None and raw is not None and current.source == raw:
        return SiteFileSaved(path, current.number, unchanged=True)
    return None


def _apply_meaning(tenant: User, path: str, raw: bytes | None) -> list[str]:
    """What the file sets besides Liquid's site: the menu, the profile. Returns notices for the author."""
    if path == NAVIGATION_FILE:
        return _set_menu(tenant, raw)
    if path == CONFIG_FILE and raw is not None:
        return _update_profile_from_config(tenant, raw)
    return []


def _set_menu(tenant: User, raw: bytes | None) -> list[str]:
    """The menu as an import sets it from navigation.yml; deleting the file gives the pages' own menu back."""
    entries, notices = read_navigation(raw) if raw is not None else (None, [])
    tenant.profile.navigation = entries
    for entry in entries or ():
        address = entry["url"].partition("#")[0]
        page = pages.find_page(tenant, address) if address.startswith("/") else None
        if address.startswith("/") and (page is None or page.deleted_at is not None):
            notices.append(f"the menu entry '{entry['title']}' ({entry['url']}) is not shown: you have no page at "
                           "that address yet.")
    return notices


def read_navigation(raw: bytes) -> tuple[list[dict], list[str]]:
    """navigation.yml's `main:` entries, validated as an import validates them, and notices about those left
    out. PublishError naming the file (and the line, for YAML errors) when it is not a menu."""
    plan, report = site_import._Plan(), site_import.ImportReport(NAVIGATION_FILE)
    site_import._plan_navigation(plan, NAVIGATION_FILE, raw, report)
    if report.errors:
        message = report.errors[0][1]
        raise PublishError(message if message.startswith(NAVIGATION_FILE) else f"{NAVIGATION_FILE} {message}")
    return plan.navigation or [], [notice for _path, notice in report.notices]


def _update_profile_from_config(tenant: User, raw: bytes) -> list[str]:
    """The profile from the config's author: block, as an import fills it; a config without one leaves it."""
    document = load_yaml_document(raw, CONFIG_FILE)
    if not isinstance(document, dict):
        raise PublishError(f"{CONFIG_FILE} is not a YAML mapping (key: value lines).")
    if profiles.author_block_of(document) is None:
        return [f"{CONFIG_FILE} has no author: block; the profile was left as it is.",
                *profiles.config_notices(document, CONFIG_FILE)]
    try:
        config = profiles.read_author_config(raw, CONFIG_FILE)
        changed = profiles.update_from_author_block(tenant, config.fields)
    except profiles.ProfileError as refused:
        raise PublishError(f"{CONFIG_FILE}: {refused.message}") from None
    said = "the profile was updated from the author: block." if changed else "the profile already says this."
    return [f"{CONFIG_FILE}: {said}", *config.notices]


# --- the menu editor ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MenuEntry:
    title: str
    url: str  # a path on the site ('/talks/') or an address elsewhere ('https://...')

    @property
    def external(self) -> bool:
        return self.url.startswith(("https://", "http://"))


@dataclass(frozen=True)
class Menu:
    entries: list[MenuEntry]
    version: int  # of _data/navigation.yml, 0 without one: a save from an older version is a conflict
    from_file: bool  # False: the menu the pages' nav_order makes, shown until the first save


def current_menu(tenant: User) -> Menu:
    """The menu as the site shows it: navigation.yml's entries, else the pages that set a nav_order."""
    version = current_version(tenant, NAVIGATION_FILE)
    if tenant.profile and tenant.profile.navigation:
        return Menu([MenuEntry(entry["title"], entry["url"]) for entry in tenant.profile.navigation],
                    version.number if version else 0, True)
    chosen = sorted((page for page in pages.list_pages(tenant) if page.nav_order is not None),
                    key=lambda page: (page.nav_order, page.permalink))
    return Menu([MenuEntry(page.nav_title or page.title, page.permalink) for page in chosen],
                version.number if version else 0, False)


def menu_entry_problem(title: str, url: str, addresses: set[str]) -> tuple[str, str] | None:
    """(field, message) for an entry the menu cannot take, as navigation.yml's reader would leave it out; None
    when it is fine. `addresses` are the site's pages."""
    if not title.strip():
        return "title", "Give the entry a label, the text the menu shows."
    if not url:
        return "target", "Choose the page the entry leads to, or give an https:// address."
    if site_import._navigation_entry({"title": title, "url": url}) is None:
        return "url", f"'{url}' is not an address the menu can lead to: give one that starts with https://."
    if not url.startswith(("https://", "http://")) and url.partition("#")[0] not in addresses:
        return "target", f"You have no page at {url}. Choose one of your pages."
    return None


def save_menu(tenant: User, entries: list[MenuEntry], *, author: User | None = None,
              base_version: int | None = None) -> SiteFileSaved:
    """Write the menu as the site's _data/navigation.yml (what academicpages' masthead reads, and what an export
    and an import carry), so the menu and the site file never disagree."""
    raw = navigation_yaml([{"title": entry.title, "url": entry.url} for entry in entries]).encode()
    return save_site_file(tenant, NAVIGATION_FILE, raw, author=author, base_version=base_version)
