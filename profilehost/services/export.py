"""Export a tenant's site as a ZIP in the academicpages layout, so a researcher can always leave.

The ZIP is what the importer takes (export -> import reproduces the site) and what Jekyll builds: pages and
collection items are the sources exactly as last published, beside a _config.yml with the profile and the
collections (or the site's own _config.yml, as last uploaded but with the profile as it is now), its data files
and includes, the menu, plain layouts, and profilehost's own versions of the academicpages includes the sources
name, so the build needs no theme and an import of the export renders every page the same. Each uploaded file is
in every folder the site links it from ('/assets/img/me.jpg' -> assets/img/me.jpg), so the built site has it at
that address."""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Mapping
from typing import IO, cast
from urllib.parse import unquote

import yaml
from sqlalchemy import select

from ..extensions import db
from ..models import Page, Revision, User
from ..publishing import PublishError, load_yaml_document
from ..publishing.jekyll_include import our_include
from ..publishing.meta import derived_permalink
from . import assets, bibliography, collections, site_build
from .pages import address_name, file_name, is_html_source, tenant_pages
from .profiles import AUTHOR_KEYS, AUTHOR_LINK_KEYS, HANDLE_URLS

# academicpages' _config.yml wants bare user names for these services, URLs for the others.
HANDLE_KEYS = {"github", "linkedin", "twitter", "bluesky"}
INCLUDE_TAG = re.compile(r"\{%-?\s*include\s+([\w./-]+)")
# A file's path where a source links it, with a leading '/' or none; never after a letter or a '/', so another
# host's '/files/' ('https://example.org/files/a.pdf') is not this site's. It ends where a URL or a quote ends.
FILE_LINK = re.compile(r"(?<![\w%/-])/?((?:" + "|".join(assets.SERVED_FOLDERS) + r")/[^\s\"'`<>()\[\]{}|\\^?#]+)")
# Only so that `jekyll build` works without the theme. An import leaves these layouts out, recognised by their exact
# text (is_export_layout): taken as the site's own single or talk layout, this one would replace the theme's lines
# under an item's title (venue, date, citation) with none. Before changing it, add its text to EARLIER_LAYOUTS.
LAYOUT = """{% comment %}profilehost's export layout: an import into profilehost leaves it out.{% endcomment %}
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ page.title }} - {{ site.title }}</title></head>
<body>
<nav>{% for link in site.data.navigation.main %}
  <a href="{{ link.url | relative_url }}">{{ link.title }}</a>
{% endfor %}</nav>
<main>
<h1>{{ page.title }}</h1>
{{ content }}
</main>
</body>
</html>
"""
# The layouts of earlier exports: the first had no comment naming it.
EARLIER_LAYOUTS = (LAYOUT.split("\n", 1)[1],)
README = """This is your profilehost site in the academicpages layout.

_pages/         your pages, exactly as you last published them (front matter included)
_publications/, _talks/, _teaching/, _portfolio/, _posts/
                your collections, one file per item
_bibliography/ your bibliography (.bib), whose entries are also in _publications/
files/, images/, assets/
                your images and PDFs, each in the folder your pages link it from (in both, if they
                link it from two); a file no page links is in images/ if an image, else in files/
_config.yml     your profile (the author: block) and the collections
_data/          your menu (navigation.yml), if you imported one
_layouts/, _includes/
                plain layouts so that `jekyll build` works on this folder as it is

Upload the ZIP to profilehost again (Dashboard > Import) or copy these folders into an academicpages
repository to publish them with GitHub Pages (keep that repository's own _layouts and _includes).
"""


# A file linked from three folders is three copies, and a tenant's files may reach its quota: past this size the
# ZIP is written to disk, not held in the worker's memory.
IN_MEMORY_BYTES = 8 * 1024 * 1024


def export_site(tenant: User) -> IO[bytes]:
    """The site as a ZIP, read from the start."""
    root = f"{tenant.username}-site"
    site = site_entries(tenant)
    archive_file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)
    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in site.items():
            archive.writestr(f"{root}/{path}", content)
        for path, data in asset_entries(tenant, site).items():
            if path not in site:  # a site file of the same path is the site's own
                # Images and PDFs are compressed already: deflating them again costs time and saves nothing.
                archive.writestr(f"{root}/{path}", data, compress_type=zipfile.ZIP_STORED)
    archive_file.seek(0)
    return cast(IO[bytes], archive_file)


def site_entries(tenant: User) -> dict[str, str | bytes]:
    """Everything the export holds but the uploaded files, by path in the site."""
    entries: dict[str, str | bytes] = {"README.txt": README}
    site_files = site_build.current_site_files(tenant)
    if "_config.yml" not in site_files:
        entries["_config.yml"] = config_yaml(tenant)
    if tenant.profile and tenant.profile.navigation and "_data/navigation.yml" not in site_files:
        entries["_data/navigation.yml"] = navigation_yaml(tenant.profile.navigation)
    for path, source in sorted(site_files.items()):
        entries[path] = exported_config(tenant, source) if path == "_config.yml" else source
    includes: set[str] = set()
    exported = _current_revisions(tenant)
    paths = export_paths(exported)
    for page, revision in exported:
        source = bibliography.jekyll_buildable(revision.source)
        entries[paths[page.id]] = source
        includes.update(INCLUDE_TAG.findall(source.decode("utf-8", "replace")))
    if bibliography.INCLUDE_NAME in includes and f"_includes/{bibliography.INCLUDE_NAME}" not in site_files:
        entries[f"_includes/{bibliography.INCLUDE_NAME}"] = bibliography.BIBLIOGRAPHY_INCLUDE
    entries.update(bibliography.export_files(tenant, set(paths.values())))
    for layout in ("default", "single", "archive", "talk"):
        if f"_layouts/{layout}.html" not in site_files:
            entries[f"_layouts/{layout}.html"] = LAYOUT
    for name in sorted(includes | {"archive-single.html", "base_path"}):
        if f"_includes/{name}" not in site_files and (include := our_include(name)) is not None:
            entries[f"_includes/{name}"] = include
    return entries


def is_export_layout(source: bytes) -> bool:
    """Whether a layout file is one an export wrote, unchanged (a site's edit of it is its own layout)."""
    text = source.replace(b"\r\n", b"\n").decode("utf-8", "replace")
    return text in (LAYOUT, *EARLIER_LAYOUTS)


def asset_entries(tenant: User, site: dict[str, str | bytes]) -> dict[str, bytes]:
    """Each uploaded file under every folder the exported site links it from, so Jekyll serves it where the
    links expect it; a file linked from nowhere under images/ if it is an image, else files/."""
    linked = {link for content in site.values() for link in linked_files(_text(content))}
    if tenant.profile and tenant.profile.avatar:
        # academicpages' sidebar shows images/<author.avatar>; a web address is no file's name.
        linked.add(("images", tenant.profile.avatar))
    folders: dict[str, set[str]] = {}
    for folder, name in linked:
        folders.setdefault(name, set()).add(folder)
    entries: dict[str, bytes] = {}
    for asset in assets.list_assets(tenant):
        default = "images" if assets.is_image(asset) else "files"
        for folder in sorted(folders.get(asset.name, {default})):
            entries[f"{folder}/{asset.name}"] = asset.data
    return entries


def linked_files(text: str) -> set[tuple[str, str]]:
    """(folder, name) of each of the site's files that `text` links by its path in the site (assets.served_file):
    '/files/cv.pdf', '{{ base_path }}/images/me.png', "{{ 'assets/img/me.jpg' | relative_url }}" ->
    ('assets', 'img/me.jpg'); an escaped space ('My%20CV.pdf') is the name's space."""
    found = set()
    for match in FILE_LINK.finditer(text):
        served = assets.served_file(unquote(match.group(1).rstrip(".,;:!")))
        if served is not None:
            found.add(served)
    return found


def _text(content: str | bytes) -> str:
    return content if isinstance(content, str) else content.decode("utf-8", "replace")


def exported_config(tenant: User, source: bytes) -> bytes:
    """The site's own _config.yml with the profile as it is now (the author: block, Profile > Language as
    `locale`: an import fills the profile from them) and with _pages/ and every collection in Jekyll's build; as
    uploaded, comments and all, when that changes nothing."""
    try:
        # Read as the site reads it (decoded, its aliases bounded); a file it cannot read is exported as it is.
        config = load_yaml_document(source, "_config.yml") or {}
    except PublishError:
        return source
    if not isinstance(config, dict):
        return source
    wanted = {**config, **_build_settings(config), **_profile_settings(tenant, config)}
    if wanted == config:
        return source
    return yaml.safe_dump(wanted, allow_unicode=True, sort_keys=False).encode()


def _build_settings(config: dict) -> dict:
    """`include` and `collections` with what Jekyll needs to build _pages/ and each collection."""
    included = config.get("include")
    if not isinstance(included, list):
        included = []
    named = config.get("collections")
    if not isinstance(named, dict):
        named = {}
    missing = {name: {"output": True, "permalink": collections.COLLECTION_PERMALINK}
               for name in collections.COLLECTIONS if name != "posts" and name not in named}
    return {"include": included if "_pages" in included else [*included, "_pages"],
            "collections": {**named, **missing}}


def _profile_settings(tenant: User, config: dict) -> dict:
    settings: dict = {}
    if tenant.profile is None:
        return settings
    given = config.get("author")
    author = _author_over(given if isinstance(given, dict) else {}, tenant)
    if author or "author" in config:
        settings["author"] = author
    if tenant.profile.locale:
        settings["locale"] = tenant.profile.locale  # academicpages' key: Profile > Language survives a re-import
    return settings


def _author_over(block: dict, tenant: User) -> dict:
    """The config's author: block with the profile's fields in place of those it held: a field the profile has
    no more is left out (an import would bring it back), keys profilehost does not read stay as they are."""
    profile = author_block(tenant, keys_in=block)
    owned = AUTHOR_KEYS.keys() | AUTHOR_LINK_KEYS.keys()
    author = {key: profile.get(key, value) for key, value in block.items()
              if key in profile or key not in owned or value in (None, "")}
    return {**author, **profile}


def export_paths(exported: list[tuple[Page, Revision]]) -> dict[int, str]:
    """Each page's path in the ZIP, by page id: its one file name (pages.file_name), unless that name would not
    give the page back its address when imported, or another page has it already."""
    paths: dict[int, str] = {}
    taken: set[str] = set()
    for page, revision in exported:
        path = _importable_path(page, revision)
        if path in taken:
            path = _address_path(page, revision)
        stem, dot, suffix = path.rpartition(".")
        number = 1
        while path in taken:
            number += 1
            path = f"{stem}-{number}{dot}{suffix}"
        taken.add(path)
        paths[page.id] = path
    return paths


def _importable_path(page: Page, revision: Revision) -> str:
    path = file_name(page, revision)
    folder, name = path.rsplit("/", 1)
    if page.collection == "posts" and not collections.DATED_NAME.match(name):
        # Jekyll only takes posts named YYYY-MM-DD-title.
        when = page.item_date or page.updated_at.date()
        return f"{folder}/{when.isoformat()}-{name}"
    if page.collection is None and "permalink" not in revision.front_matter and derived_address(name) != page.permalink:
        return _address_path(page, revision)  # the address came from elsewhere (the editor, the API's URL)
    return path


def _address_path(page: Page, revision: Revision) -> str:
    """A name holding the whole address ('/a/b/' -> 'a-b.md'): unique among the tenant's pages."""
    if page.collection:
        return file_name(page, revision)
    html = is_html_source(revision)
    if page.permalink == "/":
        return f"_pages/{address_name('/', html=html, front_permalink='permalink' in revision.front_matter)}"
    return f"_pages/{page.permalink.strip('/').replace('/', '-')}{'.html' if html else '.md'}"


def derived_address(name: str) -> str | None:
    try:
        return derived_permalink(name)
    except PublishError:
        return None


def _current_revisions(tenant: User) -> list[tuple[Page, Revision]]:
    return [(row[0], row[1]) for row in db.session.execute(
        select(Page, Revision)
        .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
        .where(Page.id.in_(tenant_pages(tenant).with_only_columns(Page.id))).order_by(Page.permalink)
    )]


def author_block(tenant: User, keys_in: Mapping | None = None) -> dict:
    """The profile as academicpages' author: block; a link under the key `keys_in` (a config's block) gives it."""
    keys_in = keys_in or {}
    profile = tenant.profile
    author: dict = {}
    for key, field_name in AUTHOR_KEYS.items():
        value = getattr(profile, field_name)
        if value:
            author[key] = value
    kinds_to_keys: dict[str, str] = {}
    for key, kind in sorted(AUTHOR_LINK_KEYS.items(), key=lambda pair: pair[0] not in keys_in):
        kinds_to_keys.setdefault(kind, key)
    for kind, value in (profile.links or {}).items():
        key = kinds_to_keys.get(kind, kind)
        author[key] = _handle(kind, value) if key in HANDLE_KEYS else value
    return author


def _handle(kind: str, url: str) -> str:
    prefix = HANDLE_URLS[kind].format("")
    return url[len(prefix):] if url.startswith(prefix) else url


def config_yaml(tenant: User) -> str:
    name = tenant.profile.display_name or tenant.username
    config = {
        "title": name,
        "name": name,
        "author": author_block(tenant),
        "markdown": "kramdown",
        "kramdown": {"input": "GFM"},
        "include": ["_pages"],
        "exclude": ["README.txt"],
        "permalink": collections.DEFAULT_PERMALINKS["posts"],
        "collections": {name: {"output": True, "permalink": collections.COLLECTION_PERMALINK}
                        for name in collections.COLLECTIONS if name != "posts"},
        "defaults": [{"scope": {"path": ""}, "values": {"layout": "single", "author_profile": True}}],
    }
    config.update(_profile_settings(tenant, config))
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def navigation_yaml(entries: list[dict]) -> str:
    return yaml.safe_dump({"main": [{"title": entry["title"], "url": entry["url"]} for entry in entries]},
                          allow_unicode=True, sort_keys=False)
