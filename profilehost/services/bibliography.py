"""A researcher's bibliography: the .bib with its history, its settings (CSL style, name forms), the entries as
the public pages show them, and the pages re-rendered when it changes. Every write is one transaction: a
refused file changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, astuple, dataclass, field, fields
from datetime import datetime

import yaml
from sqlalchemy import func, select

from ..extensions import db
from ..models import BibliographySettings, BibliographyVersion, User, utcnow
from ..publishing import PublishError, load_yaml_document
from ..publishing.bibliography import config_category_map, parse_bibliography
from ..publishing.bibliography_html import (
    DEFAULT_STYLE,
    STYLES,
    EntryBlocks,
    FormattedEntry,
    entries_counted,
    entry_blocks,
    format_entries,
    publication_front_matter,
    scholar_metadata,
)
from ..publishing.meta import check_file_name
from ..publishing.sanitize import sanitize_each
from ..publishing.site import SiteDocument
from . import dead_links, site_build, site_versions
from .errors import FieldError
from .unit_of_work import unit_of_work

MAX_NAME_FORMS = 20
MAX_NAME_FORM_CHARS = 120
CONFIG_FILE = "_config.yml"


@dataclass
class BibliographySaved:
    version: int | None
    entries: int = 0
    notices: list[str] = field(default_factory=list)
    missing: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (key, ('title', 'year'))
    rerendered: list[str] = field(default_factory=list)
    unchanged: bool = False
    restored_from: int | None = None

    def summary(self) -> str:
        if self.unchanged:
            return "Nothing changed: the bibliography is identical to its current version."
        if self.version is None:
            return "The bibliography was removed; its versions are kept."
        pages = f"; {len(self.rerendered)} page(s) that list it were updated" if self.rerendered else ""
        saved = (f"Restored version {self.restored_from} as version {self.version}" if self.restored_from
                 else f"Saved version {self.version}")
        return f"{saved} of your bibliography: {entries_counted(self.entries)}{pages}."


def current_version(tenant: User) -> BibliographyVersion | None:
    return db.session.scalar(select(BibliographyVersion).where(BibliographyVersion.user_id == tenant.id,
                                                               BibliographyVersion.current.is_(True)))


def versions(tenant: User) -> list[BibliographyVersion]:
    return list(db.session.scalars(select(BibliographyVersion).where(BibliographyVersion.user_id == tenant.id)
                                   .order_by(BibliographyVersion.number.desc())))


def settings_of(tenant: User) -> BibliographySettings:
    found = db.session.get(BibliographySettings, tenant.id)
    return found or BibliographySettings(user_id=tenant.id, style=DEFAULT_STYLE, name_forms=[])


def save_bibliography(tenant: User, raw: bytes, *, source_name: str = "bibliography.bib",
                      author: User | None = None) -> BibliographySaved:
    """Make `raw` the current bibliography. Raises PublishError naming the malformed entry's key and line."""
    check_file_name(source_name)
    current = current_version(tenant)
    if current is not None and current.source == raw:
        return BibliographySaved(current.number, unchanged=True)
    inputs = _format_inputs(tenant)
    db.session.rollback()  # formatting a long list holds no transaction open
    rendered = _formatted(raw, source_name, *inputs)
    if not rendered["entries"]:
        raise PublishError(f"{source_name}: no BibTeX entry found (an entry starts like @article{{lovelace2021, "
                           "...). Nothing was saved; to take your publications off your site, use Remove.")
    return _write(tenant, raw, source_name, rendered, author)


def remove_bibliography(tenant: User, *, author: User | None = None) -> BibliographySaved:
    """Take the bibliography off the site; its versions stay. LookupError if there is none."""
    if current_version(tenant) is None:
        raise LookupError("bibliography")
    return _write(tenant, None, "bibliography.bib", None, author)


def restore_version(tenant: User, number: int, *, author: User | None = None) -> BibliographySaved:
    """Save an old version again as the newest: history is never rewritten. LookupError if there is none."""
    old = db.session.scalar(select(BibliographyVersion).where(BibliographyVersion.user_id == tenant.id,
                                                              BibliographyVersion.number == number))
    if old is None or old.source is None:
        raise LookupError(number)
    saved = save_bibliography(tenant, old.source, source_name=old.source_name, author=author)
    saved.restored_from = None if saved.unchanged else number
    return saved


def save_settings(tenant: User, style: str, name_forms_text: str) -> BibliographySaved:
    """The list's style and the forms of the researcher's name (one a line); the list is formatted again."""
    if style not in STYLES:
        raise FieldError("style", f"Choose one of the styles offered ({', '.join(STYLES.values())}).")
    forms = [line.strip() for line in name_forms_text.splitlines() if line.strip()]
    if len(forms) > MAX_NAME_FORMS or any(len(form) > MAX_NAME_FORM_CHARS for form in forms):
        raise FieldError("name_forms", f"Give at most {MAX_NAME_FORMS} forms of your name, one a line, each "
                                       f"under {MAX_NAME_FORM_CHARS} characters.")
    current = current_version(tenant)
    number = current.number if current is not None else None
    source, source_name = (current.source, current.source_name) if current is not None else (None, "")
    inputs = _format_inputs(tenant, BibliographySettings(user_id=tenant.id, style=style, name_forms=forms))
    db.session.rollback()  # formatting a long list holds no transaction open
    rendered = _formatted(source, source_name, *inputs) if source is not None else None
    new_documents = _documents_of((rendered or {}).get("entries", []))

    def write(renderings: list[site_build.Rerendered] | None) -> list[str]:
        settings = db.session.get(BibliographySettings, tenant.id)
        if settings is None:
            settings = BibliographySettings(user_id=tenant.id)
            db.session.add(settings)
        settings.style, settings.name_forms = style, forms
        written = current_version(tenant)
        if written is not None and written.source is not None:
            # A bibliography saved while this one was formatted is formatted again, here.
            fresh = rendered is not None and written.source == source
            written.rendered = rendered if fresh else render(tenant, written.source, written.source_name, settings)
        if renderings is None:
            return site_build.rerender_dependents(tenant, site_build.collection_keys("publications"))
        return site_build.take_renderings(tenant, renderings)

    rerendered = site_versions.write_after_rendering(
        db.session, tenant.id, lambda: _render_dependents(tenant, new_documents), write)
    return BibliographySaved(number, rerendered=rerendered)


def _write(tenant: User, raw: bytes | None, source_name: str, rendered: dict | None,
           author: User | None) -> BibliographySaved:
    """The version written in one short transaction, with the pages that list the publications rendered before
    it (the rule of site_versions.write_after_rendering)."""
    new_documents = _documents_of((rendered or {}).get("entries", []))

    def write(renderings: list[site_build.Rerendered] | None) -> tuple[int, list[str]]:
        number = _add_version(tenant, raw, source_name, rendered, author)
        if renderings is None:
            return number, site_build.rerender_dependents(tenant, site_build.collection_keys("publications"))
        return number, site_build.take_renderings(tenant, renderings)

    number, rerendered = site_versions.write_after_rendering(
        db.session, tenant.id, lambda: _render_dependents(tenant, new_documents), write)
    entries = (rendered or {}).get("entries", [])
    return BibliographySaved(number if raw is not None else None, len(entries), list((rendered or {}).get(
        "notices", [])), [(entry["key"], tuple(entry["missing"])) for entry in entries if entry["missing"]],
        rerendered)


def _add_version(tenant: User, raw: bytes | None, source_name: str, rendered: dict | None,
                 author: User | None) -> int:
    number = (db.session.scalar(select(func.max(BibliographyVersion.number)).where(
        BibliographyVersion.user_id == tenant.id)) or 0) + 1
    db.session.execute(BibliographyVersion.__table__.update().where(
        BibliographyVersion.user_id == tenant.id).values(current=False))
    db.session.add(BibliographyVersion(user_id=tenant.id, number=number, current=True, source=raw,
                                       source_name=source_name[:255], rendered=rendered,
                                       author_id=(author or tenant).id, created_at=utcnow()))
    db.session.flush()
    return number


def render(tenant: User, raw: bytes, source_name: str, settings: BibliographySettings | None = None) -> dict:
    """What the public pages show of this source, as stored with its version: each entry formatted, its
    details sanitized, its academicpages front matter and Google Scholar metadata."""
    return _formatted(raw, source_name, *_format_inputs(tenant, settings))


def _format_inputs(tenant: User, settings: BibliographySettings | None = None) -> tuple[str, list[str], dict, str]:
    """What formatting reads of the tenant (style, names, the config's categories, the base path): read first,
    so the formatting itself needs no database."""
    settings = settings or settings_of(tenant)
    return (settings.style or DEFAULT_STYLE, own_names(tenant, settings), _config_categories(tenant),
            f"/{tenant.username}")


def _formatted(raw: bytes, source_name: str, style: str, names: list[str], categories: dict, base: str) -> dict:
    parsed = parse_bibliography(raw, source_name)
    formatted = format_entries(parsed.entries, style=style, own_names=names, config_categories=categories)
    blocks = _sanitized_blocks(formatted, base)
    return {"style": style, "notices": list(parsed.notices),
            "entries": [_rendered_entry(found, found_blocks) for found, found_blocks in zip(formatted, blocks,
                                                                                            strict=True)]}


def _sanitized_blocks(formatted: list[FormattedEntry], base: str) -> list[EntryBlocks]:
    """Each entry's blocks, all sanitized at once (on several cores for a long list). Sanitized once here: the list
    shows these very blocks, which the sanitizer then knows (sanitize_each)."""
    made = [astuple(entry_blocks(found)) for found in formatted]
    cleaned = sanitize_each([block for blocks in made for block in blocks], base)
    width = len(fields(EntryBlocks))
    return [EntryBlocks(*cleaned[start:start + width]) for start in range(0, len(cleaned), width)]


def _rendered_entry(found: FormattedEntry, blocks: EntryBlocks) -> dict:
    entry = found.entry
    return {"key": entry.key, "slug": entry.slug, "title": entry.title, "year": entry.year,
            "category": found.category, "citation_html": found.citation_html,
            "entry_blocks": asdict(blocks), "front_matter": publication_front_matter(found),
            "scholar": scholar_metadata(entry), "bib": entry.raw, "missing": list(entry.missing)}


def own_names(tenant: User, settings: BibliographySettings) -> list[str]:
    display = tenant.profile.display_name if tenant.profile else ""
    return [name for name in (display, *(settings.name_forms or [])) if name]


def _config_categories(tenant: User) -> dict[str, str]:
    raw = site_build.current_site_files(tenant).get(CONFIG_FILE)
    if raw is None:
        return {}
    try:
        config = load_yaml_document(raw, CONFIG_FILE)
    except PublishError:
        return {}
    return config_category_map(config) if isinstance(config, Mapping) else {}


def current_entries(tenant: User) -> list[dict]:
    current = current_version(tenant)
    return entries_of(current) if current is not None else []


def entries_of(version: BibliographyVersion) -> list[dict]:
    """The version's entries as the public pages show them."""
    return [_with_entry_html(entry) for entry in (version.rendered or {}).get("entries", [])]


def pdfs_not_uploaded(tenant: User, entries: list[dict]) -> list[tuple[str, str]]:
    """(key, address) of each of the tenant's `entries` whose PDF is to be one of its files and is not: its PDF
    link leads nowhere until the file is uploaded."""
    own = [(entry["key"], pdf) for entry in entries if (pdf := entry["scholar"].get("pdf", "")).startswith("/")]
    if not own:
        return []
    addresses = dead_links.SiteAddresses.of(tenant)
    return [(key, pdf) for key, pdf in own if not addresses.answers(pdf)]


def _with_entry_html(entry: dict) -> dict:
    return {**entry, "entry_html": _listed_html(entry)}


def _listed_html(entry: dict) -> str:
    """What a list and a feed show of a stored entry. One saved before the entry was blocks (entry_blocks) has
    the one block that was all of it; one saved before that, the citation and the details apart, which make that
    block. The next save of the bibliography or of its settings writes it as it is now."""
    if "entry_blocks" in entry:
        return stored_blocks(entry).joined()
    if "entry_html" in entry:
        return entry["entry_html"]
    return (f'<div class="bibliography-entry"><p class="bibliography-citation">{entry.get("citation_html", "")}</p>'
            f'{entry.get("details_html", "")}</div>')


def stored_blocks(entry: dict) -> EntryBlocks:
    """The blocks a save stored for the entry; a part the stored entry lacks (written by other code) is empty,
    never an error on every page that shows the list."""
    stored = entry["entry_blocks"]
    return EntryBlocks(**{part.name: stored.get(part.name, "") for part in fields(EntryBlocks)})


def _render_dependents(tenant: User, new_documents: dict[str, SiteDocument]) -> list[site_build.Rerendered]:
    """The pages that list the publications, rendered in the site as it will be with these entries in place of
    the current ones (the tenant's own items at an entry's address still win)."""
    dependents = site_build.read_dependents(tenant, site_build.collection_keys("publications"))
    if not dependents:
        db.session.rollback()
        return []
    snapshot, old = site_build.snapshot(tenant), publication_documents(tenant)
    addresses = dead_links.SiteAddresses.of(tenant, entry_pages=set(new_documents))
    db.session.rollback()
    own = {permalink for permalink, document in snapshot.documents.items() if old.get(permalink) != document}
    changed = {**{permalink: None for permalink in old if permalink not in own},
               **{permalink: document for permalink, document in new_documents.items() if permalink not in own}}
    return site_build.render_dependents(dependents, snapshot.context(changed=changed), addresses)


def publication_documents(tenant: User) -> dict[str, SiteDocument]:
    """The entries as academicpages `_publications` items, by address: what `site.publications` lists besides
    the tenant's own items."""
    return _documents_of(current_entries(tenant))


def _documents_of(entries: list[dict]) -> dict[str, SiteDocument]:
    documents = {}
    for entry in entries:
        front_matter = entry["front_matter"]
        documents[front_matter["permalink"]] = SiteDocument(
            url=front_matter["permalink"], front_matter=front_matter, content=_listed_html(entry),
            collection="publications", path=f"_publications/{entry['slug']}.md", source=front_matter.get("excerpt", ""))
    return documents


def entry_addresses(tenant: User) -> list[tuple[str, datetime]]:
    """(address, when saved) of each entry's page: the sitemap lists them, and a link to one leads somewhere."""
    current = current_version(tenant)
    if current is None:
        return []
    return [(address, current.created_at) for address in entry_pages(current.rendered).values()]


def entry_pages(rendered: dict | None) -> dict[str, str]:
    """key -> address of each entry's page, in a bibliography as `render` made it."""
    return {entry["key"]: entry["front_matter"]["permalink"] for entry in (rendered or {}).get("entries", [])}


def entry_by_slug(tenant: User, slug: str) -> dict | None:
    current = current_version(tenant)
    stored = (current.rendered or {}).get("entries", []) if current is not None else []
    found = next((entry for entry in stored if entry["slug"] == slug), None)
    return _with_entry_html(found) if found is not None else None


def whole_bib(tenant: User) -> str | None:
    entries = current_entries(tenant)
    return "\n\n".join(entry["bib"] for entry in entries) + "\n" if entries else None


def export_files(tenant: User, taken: set[str]) -> dict[str, bytes]:
    """The bibliography in an export: its .bib under _bibliography/ (al-folio's place, which an import reads
    again), and each entry as an academicpages `_publications` item, so Jekyll builds the same list. An entry whose
    file name is taken by one of the tenant's own items is left to that item."""
    current = current_version(tenant)
    if current is None or current.source is None:
        return {}
    files = {f"_bibliography/{_bib_name(current.source_name)}": current.source}
    for entry in current_entries(tenant):
        path = f"_publications/{entry['slug']}.md"
        if path not in taken:
            files[path] = _item_source(entry)
    return files


def _bib_name(source_name: str) -> str:
    name = source_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = "".join(character if character.isalnum() or character in "-_." else "-" for character in name)
    return stem if stem.endswith(".bib") and stem != ".bib" else "papers.bib"


def _item_source(entry: dict) -> bytes:
    front_matter = {name: value for name, value in entry["front_matter"].items() if name != "collection"}
    # The body is the citation, which Jekyll runs through Liquid: its braces are entities, so tenant text can
    # never become a Liquid tag.
    body = entry["citation_html"].replace("{", "&#123;").replace("}", "&#125;")
    return ("---\n" + yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False) + "---\n\n" + body
            + "\n").encode()


def bibliography_from_archive_files(files: Mapping[str, bytes]) -> tuple[bytes, str] | None:
    """al-folio's `_bibliography/*.bib` from a site archive (paths relative to the site's root): one .bib of them
    all, papers.bib first, and the name to show for it; None when the archive has none."""
    found = sorted((path for path in files if path.startswith("_bibliography/") and path.lower().endswith(".bib")
                    and path.count("/") == 1), key=lambda path: (path != "_bibliography/papers.bib", path))
    if not found:
        return None
    raw = b"\n\n".join(files[path].rstrip() for path in found) + b"\n"
    return raw, found[0].rsplit("/", 1)[-1] if len(found) == 1 else "_bibliography (" + ", ".join(
        path.rsplit("/", 1)[-1] for path in found) + ")"


def write_bibliography(tenant: User, raw: bytes, *, source_name: str, author: User | None = None) -> list[str]:
    """Make `raw` the current bibliography and render again the pages that list it, in a unit of work (an import
    writes it inside its own). Raises PublishError. Returns the permalinks re-rendered."""
    rendered = render(tenant, raw, source_name)
    with unit_of_work():
        site_versions.claim(db.session, tenant.id)
        _add_version(tenant, raw, source_name, rendered, author)
        return site_build.rerender_dependents(tenant, site_build.collection_keys("publications"))


BIBLIOGRAPHY_TAG = re.compile(rb"\{%-?\s*bibliography\b[^%]*-?%\}")
INCLUDE_NAME = "bibliography.html"
# What `{% bibliography %}` becomes in an export, where Jekyll (in GitHub Pages' safe mode) runs no jekyll-scholar:
# the same entries, from the _publications items the export writes, grouped by type, newest first.
BIBLIOGRAPHY_INCLUDE = """{%- assign publications = site.publications | sort: "date" | reverse -%}
{%- assign groups = "journal:Journal articles|conference:Conference papers|preprint:Preprints|thesis:Theses|\
talk:Talks|other:Other publications" | split: "|" -%}
<div class="bibliography">
{%- for group in groups -%}
{%- assign parts = group | split: ":" -%}
{%- assign shown = false -%}
{%- for post in publications -%}
{%- if post.bibtex_key and post.category == parts[0] -%}
{%- unless shown %}
<h2 class="bibliography-group">{{ parts[1] }}</h2>
{%- assign shown = true -%}
{%- endunless %}
<p class="bibliography-citation">{{ post.citation }} <a href="{{ base_path }}{{ post.url }}">{{ post.title }}</a></p>
{%- endif -%}
{%- endfor -%}
{%- endfor %}
</div>
"""


def jekyll_buildable(source: bytes) -> bytes:
    """A page's source as Jekyll without plugins builds it: `{% bibliography %}` becomes our include."""
    return BIBLIOGRAPHY_TAG.sub(b"{% include " + INCLUDE_NAME.encode() + b" %}", source)
