"""Import a whole academicpages repository from a ZIP (GitHub's "Download ZIP": one top folder).

Taken: `_config.yml` (the site's settings, its `defaults:`, the author: block and the collections), `_data/` and
`_includes/` (what the pages' Liquid reads), `_pages/` and the pages at the top of the repository (an index.md
with front matter), every collection (`_publications`, `_talks`, `_posts`, and those `collections:` names),
`_data/navigation.yml` as the menu, `files/` and `images/`, and al-folio's `_bibliography/*.bib` (an `_publications`
item that names one of its entries by `bibtex_key`, as an export writes each entry for Jekyll, is left to the entry).
The pages are built as Jekyll builds them: items first, then the pages that list them, then those that list
site.pages. Everything else is skipped and listed.
All or nothing: every file is checked and rendered first, with no database transaction open, then everything is
written in one short transaction (site_versions.write_after_rendering: the tenant is locked only while it writes);
one bad file leaves the tenant exactly as it was, and the report says which file and why.
"""

from __future__ import annotations

import fnmatch
import io
import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from urllib.parse import quote

import html5lib

from ..extensions import db
from ..models import User
from ..publishing import PublishError, Rendered, load_yaml_document, publish_source
from ..publishing.decode import decode_source
from ..publishing.frontmatter import split_front_matter
from ..publishing.layouts import is_kept_layout
from ..publishing.liquid import COLLECTIONS
from ..publishing.meta import CONTROL_CHARACTERS
from ..publishing.site import (
    SiteContext,
    SiteDocument,
    front_matter_defaults,
    is_site_file,
    listed_pages,
    read_site_files,
    sorted_documents,
)
from . import assets, bibliography, collections, dead_links, export, pages, profiles, site_build, site_versions
from .pages import EditConflict

# A page's file: the one rule that names pages (pages.file_name) reads the same suffixes, so an exported page
# comes back as the page it was.
PAGE_SUFFIXES = pages.PAGE_FILE_SUFFIXES
COLLECTION_FOLDERS = {f"_{name}": name for name in COLLECTIONS}
ASSET_FOLDERS = ("files", "images")
# The theme's folder: its images and PDFs are the site's (al-folio keeps the profile picture there), the rest is
# the theme's.
THEME_ASSET_FOLDER = "assets"
BIBLIOGRAPHY_FOLDER = "_bibliography"  # al-folio's (jekyll-scholar's) .bib files
TAKEN_FOLDERS = ("_pages", *COLLECTION_FOLDERS, *ASSET_FOLDERS)
NAVIGATION_FILE = "_data/navigation.yml"
CONFIG_FILE = "_config.yml"
MAX_NAVIGATION_ENTRIES = 30
# Why a folder academicpages has is left behind; anything not named here is "not part of a profile".
SKIP_REASONS = {
    "_layouts": "a theme layout: every profilehost site uses the one shared theme (the site's own layouts, "
                "like a book.html its pages name, are kept and run, and of single.html and talk.html the lines "
                "under the title and after the content; the plain layout a profilehost export adds for Jekyll is "
                "left out)",
    "_includes": "only includes (.html, or no extension) are used",
    "_sass": "theme styles: every profilehost site uses the one shared theme",
    "assets": "theme scripts, styles and fonts: every profilehost site uses the one shared theme (its images "
              "and PDFs are kept)",
    "_data": "only .yml, .yaml, .json and .csv data files are read",
    "markdown_generator": "scripts that generate pages; import the generated pages instead",
    "talkmap": "the talk map needs scripts profilehost does not run",
    ".github": "GitHub settings",
}
COLLECTION_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
# Files elsewhere in the repository that Jekyll makes pages of when they start with front matter: profilehost
# publishes those at the top (index.md, about.md) and lists the rest (assets/css/main.scss) in site.pages.
LISTED_SUFFIXES = (".scss", ".sass", ".css", ".js", ".json", ".xml", ".txt", *PAGE_SUFFIXES)
OUTPUT_SUFFIXES = {".scss": ".css", ".sass": ".css", ".md": ".html", ".markdown": ".html", ".htm": ".html"}
JEKYLL_EXCLUDES = ("Gemfile", "Gemfile.lock", "node_modules", "vendor", "gemfiles")
MAX_LISTED_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    max_entries: int = 5000
    max_total_bytes: int = 256 * 1024 * 1024  # uncompressed, all entries together
    max_ratio: int = 100  # uncompressed / compressed, for entries over ratio_floor_bytes
    ratio_floor_bytes: int = 1024 * 1024


@dataclass
class ImportReport:
    archive: str
    imported: list[tuple[str, str, str]] = field(default_factory=list)  # (path in the ZIP, what happened, URL)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path or folder, why)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (path, notice)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, what is wrong and how to fix it)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return (f"Nothing was imported from {self.archive}: {len(self.errors)} problem"
                    f"{'s' if len(self.errors) != 1 else ''} to fix first.")
        return f"Imported {len(self.imported)} files from {self.archive}; {len(self.skipped)} skipped."

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, stored: dict) -> ImportReport:
        return cls(stored["archive"], *([tuple(row) for row in stored[name]]
                                        for name in ("imported", "skipped", "notices", "errors")))


# Told how far an import got: ("files", checked, of) while the archive is read, ("pages", rendered, of) while the
# site is built. Called from the import's own thread; it must not touch the import's session.
Progress = Callable[[str, int, int], None]
# Called with the final report inside the import's transaction, just before it commits: what it writes is
# committed with the import or not at all.
BeforeCommit = Callable[[ImportReport], None]


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    pass


class ArchiveRefused(Exception):
    """The ZIP itself is unsafe or unreadable; nothing inside it was looked at."""


@dataclass(frozen=True)
class _Entry:
    path: str  # inside the repository, top folder removed
    info: zipfile.ZipInfo


@dataclass
class _Plan:
    config: dict | None = None
    config_fields: dict | None = None
    navigation: list[dict] | None = None
    navigation_source: str = NAVIGATION_FILE  # or the theme include the menu was read from
    progress: Progress = _no_progress
    base: str = ""  # the tenant's '/<username>', read before rendering
    sources: list[tuple[str, bytes, str | None]] = field(default_factory=list)  # path, raw, collection
    site_files: dict[str, bytes] = field(default_factory=dict)  # _config.yml, _data/..., _includes/...
    pages: list[tuple[str, bytes, Rendered, str | None]] = field(default_factory=list)  # path, raw, rendered, coll.
    listed: list[SiteDocument] = field(default_factory=list)  # pages Jekyll makes that profilehost only lists
    assets: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # name -> path, data
    bibliography_files: dict[str, bytes] = field(default_factory=dict)  # al-folio's _bibliography/*.bib
    bibliography: tuple[bytes, str] | None = None  # those as one .bib, checked, and its name
    bibliography_entries: dict[str, str] = field(default_factory=dict)  # its keys -> their entry pages' addresses

    def collection_folders(self) -> dict[str, str]:
        """'_talks' -> 'talks': the collections _config.yml names, and _posts, as Jekyll reads them; without a
        `collections:` list, academicpages' five."""
        named = (self.config or {}).get("collections")
        if not isinstance(named, dict | list):
            return {f"_{name}": name for name in COLLECTIONS}
        folders = {"_posts": "posts"}
        for name in named:
            if isinstance(name, str) and COLLECTION_NAME.match(name):
                folders[f"_{name}"] = name
        return folders

    def entry_pages(self) -> Iterable[str] | None:
        """The imported bibliography's entry pages; None when the archive has none (the current one stays)."""
        return None if self.bibliography is None else self.bibliography_entries.values()


def import_site(tenant: User, data: bytes, archive_name: str, *, quota: int, author: User | None = None,
                limits: ImportLimits = ImportLimits(), progress: Progress = _no_progress,
                before_commit: BeforeCommit | None = None) -> ImportReport:
    report = ImportReport(archive_name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = _safe_entries(archive, limits)
    except ArchiveRefused as refused:
        report.errors.append((archive_name, str(refused)))
        return report
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError):
        report.errors.append((archive_name, "is not a ZIP archive we can read. Make it with GitHub's Code > "
                                            "Download ZIP, or `zip -r site.zip your-repository/`."))
        return report
    base, tenant_id = pages.tenant_base(tenant), tenant.id
    db.session.rollback()  # the archive is read and rendered with no transaction open
    plan = _plan(tenant, archive, entries, report, progress, base)
    if report.ok:
        _write(tenant, tenant_id, plan, report, quota, author or tenant, before_commit)
    if not report.ok:
        report.imported.clear()
    return report


# --- the archive ----------------------------------------------------------------------------------------------

def _safe_entries(archive: zipfile.ZipFile, limits: ImportLimits) -> list[_Entry]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise ArchiveRefused(f"has {len(infos)} entries; at most {limits.max_entries} are accepted. Leave out "
                             "folders profilehost does not import (node_modules, _site, .git) and zip it again.")
    total, seen = 0, set()
    for info in infos:
        name = info.filename
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ArchiveRefused(f"contains a link ({name}). Replace links with the files themselves.")
        if info.flag_bits & 0x1:
            raise ArchiveRefused(f"contains an encrypted file ({name}). Zip the site without a password.")
        if name.startswith(("/", "\\")) or "\\" in name or (len(name) > 1 and name[1] == ":"):
            raise ArchiveRefused(f"contains an absolute path ({name}). Zip the folder, not the full paths.")
        if ".." in name.split("/"):
            raise ArchiveRefused(f"contains a path that leaves the archive ({name}).")
        if name in seen:
            raise ArchiveRefused(f"contains {name} twice.")
        seen.add(name)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveRefused(f"unpacks to more than {limits.max_total_bytes // 1048576} MiB. Leave out large "
                                 "files profilehost does not import and zip it again.")
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
                info.compress_size, 1):
            raise ArchiveRefused(f"contains {name}, which unpacks to {info.file_size // 1048576} MiB from "
                                 f"{info.compress_size} bytes: that is a ZIP bomb, not a site.")
    files = [info for info in infos if not info.is_dir()]
    top = _common_top_folder([info.filename for info in files])
    return [_Entry(info.filename[len(top):], info) for info in files]


def _common_top_folder(names: list[str]) -> str:
    """'site-main/' when every file is inside that one folder and it is not itself a Jekyll folder."""
    firsts = {name.split("/", 1)[0] for name in names}
    if len(firsts) == 1 and all("/" in name for name in names):
        top = firsts.pop()
        if top not in (*TAKEN_FOLDERS, "_data"):
            return top + "/"
    return ""


def _read(archive: zipfile.ZipFile, entry: _Entry) -> bytes:
    """The entry's bytes, never more than its header declared (a lying header fails its CRC check)."""
    try:
        with archive.open(entry.info) as member:
            return member.read(entry.info.file_size + 1)[: entry.info.file_size]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as damaged:
        raise ArchiveRefused(f"is damaged at {entry.path} ({damaged}). Download or zip it again.") from None


# --- deciding what each file is -------------------------------------------------------------------------------

def _plan(tenant: User, archive: zipfile.ZipFile, entries: list[_Entry], report: ImportReport,
          progress: Progress, base: str) -> _Plan:
    plan = _Plan(progress=progress, base=base)
    by_path = {entry.path: entry for entry in entries}
    try:
        if CONFIG_FILE in by_path:
            _plan_config(plan, _read(archive, by_path[CONFIG_FILE]), report)
        skipped_folders: dict[str, int] = {}
        for checked, entry in enumerate(sorted(entries, key=lambda entry: entry.path), 1):
            if entry.path != CONFIG_FILE:
                reason = _take(tenant, plan, archive, entry, report)
                if reason is not None:
                    _skip(report, skipped_folders, entry.path, reason)
            progress("files", checked, len(entries))
        _report_skipped_folders(report, skipped_folders)
    except ArchiveRefused as refused:
        report.errors.append((report.archive, str(refused)))
    if report.ok:
        _check_bibliography(tenant, plan, report)
        _leave_out_copies_of_entries(plan, report)
        _render_sources(tenant, plan, report)
    _keep_one_page_per_permalink(plan, report)
    if not plan.pages and not plan.assets and plan.config_fields is None and report.ok:
        _site_files_only(plan, report)
    return plan


def _site_files_only(plan: _Plan, report: ImportReport) -> None:
    """An archive of site files alone (a ZIP of _data/navigation.yml) updates those and nothing else; one with
    nothing profilehost takes is not a site."""
    kept = sorted({*plan.site_files, *plan.bibliography_files, *([NAVIGATION_FILE] if plan.navigation is not None
                                                                 else [])})
    if not kept:
        report.errors.append((report.archive, "has no _pages/, collections, files/, images/, _data/, _includes/ "
                                              "or _config.yml author: block. Is it an academicpages repository?"))
        return
    report.notices.append((report.archive, f"holds only site files ({', '.join(kept[:5])}"
                                           f"{', …' if len(kept) > 5 else ''}): those are updated, and your pages "
                                           "and files stay as they are."))


def _take(tenant: User, plan: _Plan, archive: zipfile.ZipFile, entry: _Entry, report: ImportReport) -> str | None:
    """Add the entry to the plan, or say why it is skipped."""
    path = entry.path
    folder, _, rest = path.partition("/")
    if any(part.startswith(".") for part in path.split("/")):
        return "a hidden file"
    if path == NAVIGATION_FILE:
        _plan_navigation(plan, path, _read(archive, entry), report)
    if folder in ("_data", "_includes") and rest:
        if not is_site_file(path) or (folder == "_includes" and posixpath.splitext(path)[1] not in ("", ".html")):
            return SKIP_REASONS[folder]
        plan.site_files[path] = _read(archive, entry)
        return None
    if folder == "_layouts" and rest:
        if not is_site_file(path) or not is_kept_layout(posixpath.splitext(rest)[0]):
            return SKIP_REASONS[folder]
        raw = _read(archive, entry)
        if export.is_export_layout(raw):
            return SKIP_REASONS[folder]
        plan.site_files[path] = raw
        return None
    if folder == "_pages" and rest:
        return _plan_page(plan, path, _read(archive, entry), collection=None)
    if folder == BIBLIOGRAPHY_FOLDER and rest:
        if "/" in rest or not rest.lower().endswith(".bib"):
            return "only the .bib files directly in _bibliography/ are read"
        plan.bibliography_files[path] = _read(archive, entry)
        return None
    if folder not in ASSET_FOLDERS and _may_be_a_page(plan, entry):
        raw = _read(archive, entry)
        if raw.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
            if path.lower().endswith(PAGE_SUFFIXES):
                return _plan_page(plan, path, raw, collection=None)  # at the top or in a folder (blog/index.html)
            _plan_listed(plan, path, raw)
    folders = plan.collection_folders()
    if folder in folders and rest:
        if not path.lower().endswith(PAGE_SUFFIXES):
            return "only Markdown (.md) and HTML items of a collection are imported"
        return _plan_page(plan, path, _read(archive, entry), collection=folders[folder])
    if folder in COLLECTION_FOLDERS and rest:
        return (f"{folder}/ is not in the collections: of your _config.yml, so Jekyll does not build it; add "
                f"'{folder[1:]}: {{output: true}}' there to publish it")
    if folder in ASSET_FOLDERS and rest:
        return _plan_asset(plan, entry, archive, report)
    if folder == THEME_ASSET_FOLDER and rest and assets.is_hosted_kind(rest):
        return _plan_asset(plan, entry, archive, report)  # al-folio's pictures: assets/img/prof_pic.jpg
    return SKIP_REASONS.get(folder, "not part of a profile: profilehost does not need it")


def _may_be_a_page(plan: _Plan, entry: _Entry) -> bool:
    """Whether Jekyll would read the file as a page if it starts with front matter: not in an _underscore folder,
    not excluded, of a kind that is text."""
    path = entry.path
    if entry.info.file_size > MAX_LISTED_BYTES or not path.lower().endswith(LISTED_SUFFIXES):
        return False
    if any(part.startswith(("_", ".", "#")) or part.endswith("~") for part in path.split("/")):
        return False
    excluded = (plan.config or {}).get("exclude")
    patterns = [*JEKYLL_EXCLUDES, *(str(pattern) for pattern in excluded if pattern)] if isinstance(
        excluded, list) else JEKYLL_EXCLUDES
    return not any(fnmatch.fnmatchcase(path, pattern) or path.startswith(pattern.rstrip("/") + "/")
                   for pattern in patterns)


def _plan_listed(plan: _Plan, path: str, raw: bytes) -> None:
    """A page Jekyll makes of a theme file (assets/css/main.scss -> /assets/css/main.css): in site.pages, as
    listings such as academicpages' page archive show it, and not published."""
    front = _front_matter(path, raw)
    if front is None:
        return
    permalink = front.get("permalink")
    url = permalink if isinstance(permalink, str) and permalink.startswith("/") else _output_url(path)
    plan.listed.append(SiteDocument(url=url, front_matter=front, path=path))


def _output_url(path: str) -> str:
    """Where Jekyll writes a page without a permalink: blog/index.html -> /blog/, notes/a.md -> /notes/a.html."""
    stem, suffix = posixpath.splitext(path)
    suffix = OUTPUT_SUFFIXES.get(suffix.lower(), suffix)
    return "/" + (stem.removesuffix("index") if suffix == ".html" and stem.endswith("index") else stem + suffix)


def _plan_page(plan: _Plan, path: str, raw: bytes, collection: str | None) -> str | None:
    if not path.lower().endswith(PAGE_SUFFIXES):
        return "not a page (.md or .html); files belong in files/ or images/"
    plan.sources.append((path, raw, collection))
    return None


def _front_matter(path: str, raw: bytes) -> dict | None:
    """The file's front matter; None when it cannot be read (its render says why)."""
    try:
        return split_front_matter(decode_source(raw, path)[0], path)[0].values
    except PublishError:
        return None


def _check_bibliography(tenant: User, plan: _Plan, report: ImportReport) -> None:
    """al-folio's _bibliography/*.bib, formatted now (with no transaction open) so a malformed entry refuses the
    import before anything is written, and its entries are known before the items are rendered; the write then
    finds every citation formatted already."""
    found = bibliography.bibliography_from_archive_files(plan.bibliography_files)
    if found is None:
        return
    try:
        plan.bibliography_entries = bibliography.entry_pages(bibliography.render(tenant, *found))
        plan.bibliography = found
    except PublishError as refused:
        report.errors.append((found[1], refused.message))
    finally:
        db.session.rollback()


def _leave_out_copies_of_entries(plan: _Plan, report: ImportReport) -> None:
    """An export writes each entry of the bibliography also as an `_publications` item with its `bibtex_key`, for
    Jekyll; the entry comes back from the .bib, so the item would be the same publication a second time."""
    kept = []
    for path, raw, collection in plan.sources:
        key = _bibtex_key(path, raw) if collection == "publications" else None
        if key in plan.bibliography_entries:
            report.skipped.append((path, f"the bibliography's entry {key}, made again from {BIBLIOGRAPHY_FOLDER}/"))
        else:
            kept.append((path, raw, collection))
    plan.sources = kept


def _bibtex_key(path: str, raw: bytes) -> str | None:
    key = (_front_matter(path, raw) or {}).get("bibtex_key")
    return key if isinstance(key, str) else None


def _render_sources(tenant: User, plan: _Plan, report: ImportReport) -> None:
    """Render every page as Jekyll builds the site: the items first (their addresses and content are what the
    listings show), then every page with the whole site in its context, then the items that list items."""
    try:
        config, data, includes, layouts = read_site_files(plan.site_files, load_yaml_document)
    except PublishError as refused:
        report.errors.append(("_config.yml or _data/", refused.message))
        return
    site = SiteContext(config=config, data=data, includes=includes, layouts=layouts)
    items = [(path, raw, collection) for path, raw, collection in plan.sources
             if collection and _is_published_now(plan, path, raw, collection, report)]
    # Each item counts once, when first rendered; each page once, in the pass that renders it with the whole site.
    counter = _PageCounter(plan.progress, len(items) + sum(1 for source in plan.sources if not source[2]))
    first = {path: rendered for path, rendered in
             ((path, counter.counted(_render(tenant, plan, path, raw, collection, site, report)))
              for path, raw, collection in items)
             if rendered is not None}
    documents: dict[str, list[SiteDocument]] = {}
    for path, _raw, item_collection in items:
        if path in first:
            documents.setdefault(item_collection, []).append(SiteDocument(
                url=first[path].meta.permalink, front_matter=first[path].front_matter,
                content=first[path].body_html, collection=item_collection, path=path,
                source=split_front_matter(first[path].source_text, path)[1]))
    site = SiteContext(config=config, data=data, includes=includes, layouts=layouts,
                       collections={name: sorted_documents(found) for name, found in documents.items()})
    for path, raw, collection in plan.sources:
        if collection and path not in first:
            continue
        rendered = first.get(path)
        if rendered is None or rendered.reads & _collection_reads(documents):
            rendered = _render(tenant, plan, path, raw, collection, site, report)
        if not collection:
            counter.counted(rendered)
        if rendered is not None:
            plan.pages.append((path, raw, rendered, collection))
    site = _render_page_listings(tenant, plan, site, report)
    if plan.navigation is None:
        _plan_navigation_from_theme(tenant, plan, site, report)


class _PageCounter:
    def __init__(self, progress: Progress, total: int):
        self.progress, self.total, self.done = progress, total, 0
        progress("pages", 0, total)

    def counted(self, rendered: Rendered | None) -> Rendered | None:
        self.done += 1
        self.progress("pages", self.done, self.total)
        return rendered


def _render_page_listings(tenant: User, plan: _Plan, site: SiteContext, report: ImportReport) -> SiteContext:
    """Render again, with site.pages, what lists the site's pages: their addresses are known only now. Returns
    the site with its pages."""
    pages = [SiteDocument(url=rendered.meta.permalink, front_matter=rendered.front_matter,
                          content=rendered.body_html, path=path)
             for path, _raw, rendered, collection in plan.pages if collection is None]
    documents = [document for found in site.collections.values() for document in found]
    site = replace(site, pages=listed_pages([*pages, *plan.listed], documents, site.config))
    for index, (path, raw, rendered, collection) in enumerate(plan.pages):
        if rendered.reads & site_build.PAGE_LIST_KEYS:
            again = _render(tenant, plan, path, raw, collection, site, report)
            if again is not None:
                plan.pages[index] = (path, raw, again, collection)
    return site


# Where themes without academicpages' _data/navigation.yml build their menu (al-folio, minima and their kin).
HEADER_INCLUDES = ("_includes/header.html", "_includes/masthead.html", "_includes/navigation.html",
                   "_includes/nav.html", "_includes/navbar.html")


def _plan_navigation_from_theme(tenant: User, plan: _Plan, site: SiteContext, report: ImportReport) -> None:
    """The menu a site's own header include draws: its Liquid run on the home page, through the sanitizer, and
    the links inside its <nav> taken in order."""
    path = next((path for path in HEADER_INCLUDES if path in plan.site_files), None)
    if path is None:
        return
    base = plan.base
    try:
        header = publish_source(plan.site_files[path], filename=path, tenant_base=base, default_permalink="/",
                                site=site)
    except PublishError:
        return
    entries: list[dict] = []
    for title, url in menu_links(header.body_html, base)[:MAX_NAVIGATION_ENTRIES]:
        entry = _navigation_entry({"title": title, "url": url})
        if entry is not None and entry["url"] not in [known["url"] for known in entries]:
            entries.append(entry)
    if entries:
        plan.navigation, plan.navigation_source = entries, path


def menu_links(html: str, tenant_base: str) -> list[tuple[str, str]]:
    """(text, address) of each link inside the <nav> elements of sanitized HTML, addresses inside the site
    made site-relative again."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    links = []
    for nav in tree.iter("nav"):
        for anchor in nav.iter("a"):
            href, text = anchor.get("href", ""), " ".join("".join(anchor.itertext()).split())
            if href.startswith(tenant_base + "/"):
                href = href[len(tenant_base):]
            if text and href:
                links.append((text, href))
    return links


def _collection_reads(documents: dict) -> set[str]:
    return {key for name in documents for key in site_build.collection_keys(name)}


def _render(tenant: User, plan: _Plan, path: str, raw: bytes, collection: str | None, site: SiteContext,
            report: ImportReport) -> Rendered | None:
    # A page in a folder goes where Jekyll writes it; one at the top or in _pages/ is named by its file.
    in_folder = not collection and "/" in path and not path.startswith("_pages/")
    default = (_default_permalink(plan, collection, path, raw) if collection
               else collections.canonical_path(_output_url(path)) if in_folder else None)
    defaults = front_matter_defaults(site.config, path, collection or "pages")
    try:
        return publish_source(raw, filename=path, tenant_base=plan.base, default_permalink=default,
                              site=site, defaults=defaults, collection=collection)
    except PublishError as refused:
        report.errors.append((path, refused.message))
        return None


def _is_published_now(plan: _Plan, path: str, raw: bytes, collection: str, report: ImportReport) -> bool:
    """Jekyll leaves out a dated document from the future unless `future: true`."""
    if (plan.config or {}).get("future") is True:
        return True
    front = _front_matter(path, raw)
    if front is None:
        return True  # the render reports it
    when = pages.item_date(front.get("date") if isinstance(front.get("date"), str) else None, path)
    if when is not None and when > date.today():
        report.skipped.append((path, f"dated {when.isoformat()}, in the future: Jekyll does not publish it until "
                                     "then (set future: true in _config.yml to publish it now)"))
        return False
    return True


def _default_permalink(plan: _Plan, collection: str, path: str, raw: bytes) -> str:
    config = plan.config or {}
    if collection == "posts":
        template = config.get("permalink")
    else:
        settings = (config.get("collections") or {}).get(collection)
        template = settings.get("permalink") if isinstance(settings, dict) else None
    return collections.default_item_permalink(collection, path, template if isinstance(template, str) else None,
                                              _categories(raw))


def _categories(raw: bytes) -> tuple[str, ...]:
    # Only for posts without a permalink whose template uses :categories; a parse error is reported by the
    # pipeline, which reads the same front matter.
    try:
        front = split_front_matter(raw.decode("utf-8", "replace"), "front matter")[0].values
    except PublishError:
        return ()
    value = front.get("categories")
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def _plan_asset(plan: _Plan, entry: _Entry, archive: zipfile.ZipFile, report: ImportReport) -> str | None:
    folder, _, name = entry.path.partition("/")
    if not assets.is_hosted_kind(name):
        return "only PNG, JPEG, GIF, WebP and PDF files are hosted"
    if name.count("/") > assets.MAX_FOLDERS:
        return (f"more than {assets.MAX_FOLDERS} folders deep inside {folder}/; move it up and fix its links")
    if not assets.is_valid_name(name):
        return ("its name or a folder's has characters profilehost does not use in addresses (it keeps letters, "
                "digits, spaces, '.', '-', '_'); rename it and fix its links")
    if entry.info.file_size > assets.MAX_ASSET_BYTES:
        report.errors.append((entry.path, f"{entry.info.file_size / 1048576:.1f} MiB is over the 10 MiB limit per "
                                          "file. Compress it, or leave it out of the ZIP."))
        return None
    data = _read(archive, entry)
    try:
        assets.check_asset(name, data)
    except assets.AssetError as refused:
        # The report names the file already ('images/fig/2.png: ...').
        report.errors.append((entry.path, refused.message.removeprefix(f"{name}: ")))
        return None
    # images/ and files/ share one set of names (either folder's URL serves a file by its name).
    if name in plan.assets:
        first_path, first_data = plan.assets[name]
        if first_data == data:
            return f"the same file as {first_path}"
        report.errors.append((entry.path, f"has the name of {first_path}, another file: profilehost keeps one "
                                          "file by each name in images/ and files/. Rename one and fix its links."))
        return None
    plan.assets[name] = (entry.path, data)
    return None


def _plan_config(plan: _Plan, raw: bytes, report: ImportReport) -> None:
    try:
        document = load_yaml_document(raw, CONFIG_FILE)
    except PublishError as refused:
        report.errors.append((CONFIG_FILE, refused.message))
        return
    if not isinstance(document, dict):
        report.errors.append((CONFIG_FILE, "is not a YAML mapping (key: value lines)."))
        return
    plan.config = document
    plan.site_files[CONFIG_FILE] = raw
    if profiles.author_block_of(document) is None:
        report.notices.append((CONFIG_FILE, "has no author: block; the profile was left as it is."))
        report.notices.extend((CONFIG_FILE, notice) for notice in profiles.config_notices(document, CONFIG_FILE))
        return
    try:
        config = profiles.read_author_config(raw, CONFIG_FILE)
    except (PublishError, profiles.ProfileError) as refused:
        report.errors.append((CONFIG_FILE, refused.message))
        return
    plan.config_fields = config.fields
    report.notices.extend((CONFIG_FILE, notice) for notice in config.notices)


def _plan_navigation(plan: _Plan, path: str, raw: bytes, report: ImportReport) -> None:
    try:
        document = load_yaml_document(raw, path)
    except PublishError as refused:
        report.errors.append((path, refused.message))
        return
    main = document.get("main") if isinstance(document, dict) else None
    if not isinstance(main, list):
        report.errors.append((path, "needs a 'main:' list of entries with a title and a url, like\n"
                                    "main:\n  - title: \"Publications\"\n    url: /publications/"))
        return
    entries = []
    for number, item in enumerate(main[:MAX_NAVIGATION_ENTRIES], 1):
        entry = _navigation_entry(item)
        if entry is None:
            report.notices.append((path, f"entry {number} left out: it needs a title and a url (a path on your "
                                         "site or an https:// address)."))
        else:
            entries.append(entry)
    plan.navigation = entries


def _navigation_entry(item) -> dict | None:
    if not isinstance(item, dict) or not isinstance(item.get("title"), str | int) or not isinstance(
            item.get("url"), str):
        return None
    title, url = " ".join(str(item["title"]).split())[:120], item["url"].strip()
    if not title or not url or any(char in url for char in " \"'<>\\") or CONTROL_CHARACTERS.search(url):
        return None
    if url.startswith(("https://", "http://")):
        return {"title": title, "url": url}
    if url.startswith("/") and not url.startswith("//") and ".." not in url.split("/"):
        return {"title": title, "url": collections.canonical_path(url)}
    return None


def _keep_one_page_per_permalink(plan: _Plan, report: ImportReport) -> None:
    """Two files at one address: Jekyll writes both and the later one is what GitHub Pages serves (pages in
    name order, then collection items), so that one is kept and the other named."""
    kept: dict[str, tuple[str, bytes, Rendered, str | None]] = {}
    for page in sorted(plan.pages, key=lambda page: (page[3] is not None, posixpath.basename(page[0]), page[0])):
        permalink = page[2].meta.permalink
        if permalink in kept:
            report.skipped.append((kept[permalink][0], f"{page[0]} has the same address ({permalink}) and is "
                                                       "built after it, so Jekyll serves that one; give one of "
                                                       "them another permalink to keep both"))
        kept[permalink] = page
    plan.pages = [page for page in plan.pages if kept[page[2].meta.permalink] is page]


def _skip(report: ImportReport, folders: dict[str, int], path: str, reason: str) -> None:
    """Files in folders profilehost does not take are counted per folder, so a theme is one line, not ninety."""
    folder = path.split("/", 1)[0]
    if "/" in path and folder not in TAKEN_FOLDERS:
        folders[folder] = folders.get(folder, 0) + 1
    else:
        report.skipped.append((path, reason))


def _report_skipped_folders(report: ImportReport, folders: dict[str, int]) -> None:
    for folder, count in sorted(folders.items()):
        reason = SKIP_REASONS.get(folder, "not part of a profile: profilehost does not need it")
        report.skipped.append((f"{folder}/ ({count} file{'s' if count != 1 else ''})", reason))


# --- writing --------------------------------------------------------------------------------------------------

def _write(tenant: User, tenant_id: int, plan: _Plan, report: ImportReport, quota: int, author: User,
           before_commit: BeforeCommit | None) -> None:
    """Write the plan in one unit of work, through the same functions a single change calls (each a unit of work
    of its own, here inside the import's): all of it commits, or none. What the import renders from the site as
    it is (the listing pages it makes) is rendered first, with no transaction open, and again if the site changed
    meanwhile."""

    def write(listings: dict[str, Rendered] | None) -> None:
        if plan.config_fields is not None:
            changed = profiles.update_from_author_block(tenant, plan.config_fields)
            what = "profile updated from the author: block" if changed else "profile unchanged"
            report.imported.append((CONFIG_FILE, what, f"/{tenant.username}/"))
        if plan.assets:
            assets.store_assets(tenant, [(name, data) for name, (_path, data) in plan.assets.items()], quota)
            for name, (path, _data) in plan.assets.items():
                folder = path.split("/", 1)[0]
                report.imported.append((path, "file", f"/{tenant.username}/{folder}/{quote(name)}"))
        _write_site_files(tenant, plan, report, author)
        written: list[tuple[str, pages.PublishOutcome]] = []
        listed = _write_pages(tenant, plan, report, author, written)
        _write_listing_pages(tenant, plan, report, author, listed, listings or {})
        if plan.navigation is not None:
            _set_navigation(tenant, plan, plan.navigation, report)
        if plan.bibliography is not None:
            raw, name = plan.bibliography
            bibliography.write_bibliography(tenant, raw, source_name=name, author=author)
            report.imported.append((name, "bibliography", f"/{tenant.username}/publications.bib"))
        _notice_dead_links(tenant, written, report)
        if before_commit is not None:
            before_commit(report)

    try:
        site_versions.write_after_rendering(db.session, tenant_id, lambda: _render_listing_pages(tenant, plan),
                                            write)
    except (PublishError, EditConflict, assets.AssetError, profiles.ProfileError) as refused:
        db.session.rollback()
        report.errors.append(_error_of(refused))
    except Exception:
        db.session.rollback()
        raise


def _error_of(refused: Exception) -> tuple[str, str]:
    path = getattr(refused, "import_path", "")
    message = getattr(refused, "message", None) or str(refused)
    return path, message


def _write_pages(tenant: User, plan: _Plan, report: ImportReport, author: User,
                 written: list[tuple[str, pages.PublishOutcome]]) -> set[str]:
    listed: set[str] = set()
    for path, raw, rendered, collection in plan.pages:
        try:
            outcome = pages.write_page(tenant, raw, path, author=author, collection=collection, rendered=rendered,
                                       rerender=False)
        except (PublishError, EditConflict) as refused:
            refused.import_path = path
            raise
        listed.update(rendered.reads)
        written.append((path, outcome))
        what = ("unchanged" if outcome.unchanged else "page created" if outcome.created
                else f"page updated (revision {outcome.revision.number})")
        if collection:
            what = f"{collections.item_name(collection)}: {what}"
        report.imported.append((path, what, pages.public_url(tenant, outcome.page.permalink)))
        report.notices.extend((path, notice) for notice in rendered.notices)
    return listed


def _notice_dead_links(tenant: User, written: list[tuple[str, pages.PublishOutcome]], report: ImportReport) -> None:
    """Only now is every page and file of the archive in place: a link may point at one written after it."""
    db.session.flush()
    addresses = dead_links.SiteAddresses.of(tenant)
    for path, outcome in written:
        dead = dead_links.dead_link_notices(tenant, outcome.revision.body_html, addresses)
        # A listing page rendered again once the bibliography was written has its notices already.
        added = [notice for notice in dead if notice not in outcome.revision.notices]
        if added and not outcome.unchanged:
            outcome.revision.notices = [*outcome.revision.notices, *added]
        report.notices.extend((path, notice) for notice in dead)


def _write_site_files(tenant: User, plan: _Plan, report: ImportReport, author: User) -> None:
    current = site_build.current_site_files(tenant)
    for path, raw in sorted(plan.site_files.items()):
        if current.get(path) != raw:
            site_build.write_site_file(tenant, path, raw, author=author, rerender=False)
        if path not in (CONFIG_FILE, NAVIGATION_FILE):  # reported as the profile and the menu
            report.imported.append((path, "site file" if current.get(path) != raw else "site file unchanged", ""))


def _set_navigation(tenant: User, plan: _Plan, navigation: list[dict], report: ImportReport) -> None:
    tenant.profile.navigation = navigation
    addresses = {rendered.meta.permalink for _path, _raw, rendered, _collection in plan.pages}
    addresses |= {collections.canonical_path(address) for address in _redirects(plan)}
    missing = [entry for entry in navigation if entry["url"].startswith("/")
               and entry["url"] not in addresses and pages.find_page(tenant, entry["url"]) is None]
    shown = len(navigation) - len(missing)
    report.imported.append((plan.navigation_source, f"menu of {shown} entr{'y' if shown == 1 else 'ies'}", ""))
    for entry in missing:
        report.notices.append((plan.navigation_source, f"the menu entry '{entry['title']}' ({entry['url']}) is "
                                                       "not shown: no imported page has that address."))


def _redirects(plan: _Plan) -> set[str]:
    return {path for _path, _raw, rendered, _collection in plan.pages for path in rendered.meta.redirect_from}


def _wanted_listings(plan: _Plan) -> list[str]:
    """The imported collections that no imported page lists, and academicpages has a listing page for."""
    listed = {key for _path, _raw, rendered, _collection in plan.pages for key in rendered.reads}
    return sorted({collection for *_rest, collection in plan.pages if collection in collections.LISTING_PERMALINKS
                   and f"site.{collection}" not in listed})


def _render_listing_pages(tenant: User, plan: _Plan) -> dict[str, Rendered]:
    """The listing pages the import will make, rendered in the site as it will be once the import is written (the
    tenant's pages and files with the archive's put in): read first, rendered with no transaction open."""
    wanted = _wanted_listings(plan)
    if not wanted:
        return {}
    snapshot = site_build.snapshot(tenant)
    addresses = dead_links.SiteAddresses.of(tenant, entry_pages=plan.entry_pages())
    db.session.rollback()
    files = {**snapshot.files, **plan.site_files}
    site = snapshot.context(files=files, changed={
        rendered.meta.permalink: site_build.document_of(rendered, raw, path, collection)
        for path, raw, rendered, collection in plan.pages if rendered.meta.published})
    for _path, _raw, rendered, _collection in plan.pages:
        addresses = addresses.with_page(rendered.meta.permalink, rendered.meta.redirect_from)
    addresses = replace(addresses, files=addresses.files | set(plan.assets))
    listings = {}
    for collection in wanted:
        filename = f"_pages/{collection}.md"
        rendered = publish_source(collections.listing_page_source(collection).encode(), filename=filename,
                                  tenant_base=plan.base, site=site, defaults=site_build.defaults_for(site, filename,
                                                                                                     None))
        listings[collection] = dead_links.with_dead_link_notices(None, rendered, addresses)
    return listings


def _write_listing_pages(tenant: User, plan: _Plan, report: ImportReport, author: User, listed: set[str],
                         listings: dict[str, Rendered]) -> None:
    """A listing page for each imported collection that no imported page lists, as academicpages has one
    (rendered before the write, or here on the write's last attempt)."""
    wanted = [collection for collection in _wanted_listings(plan) if f"site.{collection}" not in listed]
    for collection in wanted:
        permalink = collections.LISTING_PERMALINKS[collection]
        existing = pages.find_page(tenant, permalink)
        if existing is not None and existing.deleted_at is None and existing.collection is None:
            if f"site.{collection}" in (existing.reads or ()):
                continue
            report.notices.append((f"_{collection}/", f"no listing page was made: {permalink} is your page "
                                                      f"'{existing.title}'. Add {{% for post in site.{collection} "
                                                      "reversed %}{% endfor %} to the page that should list them."))
            continue
        source = collections.listing_page_source(collection).encode()
        outcome = pages.write_page(tenant, source, f"_pages/{collection}.md", author=author, rerender=False,
                                   rendered=listings.get(collection))
        report.imported.append((f"(listing of _{collection}/)", "listing page created"
                                if outcome.created else "listing page updated",
                                pages.public_url(tenant, outcome.page.permalink)))
