"""A tenant's site as Jekyll builds it: the site files (config, data, includes, layouts) with their history, the context
every page's Liquid reads, and the re-rendering of exactly the pages that read what changed.

A change renders its dependents before it writes (`read_dependents`, then `render_dependents` with no transaction
open, then `take_renderings` in the short write; site_versions.write_after_rendering is the rule), or, on its
last attempt, inside the write (`rerender_dependents`). Either way a change whose dependents cannot all be
rendered is refused whole, naming the page that failed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Row, func, select

from ..extensions import db
from ..models import Page, Revision, SiteFile, User, utcnow
from ..publishing import PublishError, Rendered, load_yaml_document, publish_source
from ..publishing.decode import decode_source
from ..publishing.frontmatter import split_front_matter
from ..publishing.memo import MISSING, BoundedMemo, weight
from ..publishing.site import (
    MAX_EXCERPT_SOURCE,
    MAX_SITE_FILE_BYTES,
    SiteContext,
    SiteDocument,
    front_matter_defaults,
    is_site_file,
    listed_pages,
    read_site_files,
    sorted_documents,
)
from . import bibliography, dead_links
from .unit_of_work import unit_of_work

ALL_PAGES = None  # re-render every page: a _config.yml change can touch any of them


def current_site_files(tenant: User) -> dict[str, bytes]:
    rows = db.session.execute(select(SiteFile.path, SiteFile.source).where(
        SiteFile.user_id == tenant.id, SiteFile.current.is_(True))).all()
    return {path: source for path, source in rows if source is not None}


@dataclass(frozen=True)
class SiteSnapshot:
    """What Liquid reads of a tenant's site, read in one transaction: plain data, rendered from after it ended."""

    files: Mapping[str, bytes]
    documents: Mapping[str, SiteDocument]  # the published items and pages, by permalink

    def context(self, files: Mapping[str, bytes] | None = None,
                changed: Mapping[str, SiteDocument | None] | None = None) -> SiteContext:
        """The site with these files, and with `changed` documents put in (None: taken out), by permalink."""
        config, data, includes, layouts = _parsed_site_files(self.files if files is None else files)
        documents = {**self.documents, **(changed or {})}
        collections: dict[str, list[SiteDocument]] = {}
        for document in documents.values():
            if document is not None and document.collection is not None:
                collections.setdefault(document.collection, []).append(document)
        pages = [document for document in documents.values() if document is not None and document.collection is None]
        items = [document for found in collections.values() for document in found]
        return SiteContext(config=config, data=data, includes=includes, layouts=layouts,
                           collections={name: sorted_documents(found) for name, found in collections.items()},
                           pages=listed_pages(pages, items, config))


def snapshot(tenant: User, *, leaving_out: int | None = None, including: int | None = None) -> SiteSnapshot:
    """The site now; as if the page with id `leaving_out` were deleted, or `including` undeleted."""
    # The bibliography's entries are publications too; an item of the tenant's own at the same address wins.
    return SiteSnapshot(current_site_files(tenant), {**bibliography.publication_documents(tenant),
                                                     **_documents(tenant, leaving_out, including)})


def site_context(tenant: User, files: Mapping[str, bytes] | None = None) -> SiteContext:
    """What Liquid sees of the tenant's site now (inside the current transaction)."""
    return snapshot(tenant).context(files)


def document_of(rendered: Rendered, raw: bytes, filename: str, collection: str | None) -> SiteDocument:
    """A page as the site's listings will show it once this rendering is written."""
    if collection is None:
        return SiteDocument(url=rendered.meta.permalink, front_matter=rendered.front_matter or {},
                            content=rendered.body_html, path=filename)
    return SiteDocument(url=rendered.meta.permalink, front_matter=rendered.front_matter or {},
                        content=rendered.body_html, collection=collection, path=filename,
                        source=_body_of(raw, filename))


# Parsed YAML holds several times its source: weighed as 8 bytes a source byte.
PARSED_SITE_FILES = BoundedMemo(max_bytes=64 * 1024 * 1024, max_entry_bytes=16 * 1024 * 1024)
BODIES = BoundedMemo(max_bytes=16 * 1024 * 1024, max_entry_bytes=256 * 1024)


def _parsed_site_files(files: Mapping[str, bytes]) -> tuple[dict, dict, dict, dict]:
    """read_site_files, remembered by content: every edit renders in the site's context, and parsing its YAML
    each time would cost more than the edit. Liquid never changes what it reads."""
    key = tuple(sorted((path, hashlib.sha256(raw).digest()) for path, raw in files.items()))
    parsed = PARSED_SITE_FILES.get(key)
    if parsed is MISSING:
        parsed = read_site_files(files, load_yaml_document)
        PARSED_SITE_FILES.put(key, parsed, 8 * sum(len(raw) for raw in files.values()))
    return parsed


def _documents(tenant: User, leaving_out: int | None = None, including: int | None = None
               ) -> dict[str, SiteDocument]:
    """The published items and pages, as their current revisions have them, by permalink."""
    live = Page.deleted_at.is_(None) if including is None else (Page.deleted_at.is_(None) | (Page.id == including))
    if leaving_out is not None:
        live = live & (Page.id != leaving_out)
    rows = db.session.execute(
        select(Page.collection, Page.permalink, Revision.front_matter, Revision.body_html, Revision.source_name,
               Revision.content_hash)
        .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
        .where(Page.user_id == tenant.id, live, Page.published.is_(True), Page.moderation_reason.is_(None))
    ).all()
    items = [(row, row.source_name or f"_{row.collection}{row.permalink.rstrip('/')}.md") for row in rows
             if row.collection is not None]
    bodies = _bodies(tenant, [(row.content_hash, path) for row, path in items])
    found = {row.permalink: SiteDocument(url=row.permalink, front_matter=row.front_matter or {},
                                         content=row.body_html, collection=row.collection, path=path,
                                         source=bodies[(row.content_hash, path)]) for row, path in items}
    found.update((row.permalink, SiteDocument(url=row.permalink, front_matter=row.front_matter or {},
                                              content=row.body_html,
                                              path=row.source_name or f"{row.permalink.strip('/') or 'index'}.md"))
                 for row in rows if row.collection is None)
    return found


def _bodies(tenant: User, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The start of each item's Markdown after its front matter, all of it that Jekyll's excerpt can take, by
    (revision hash, path): remembered, so an edit reads from the database only the sources it has not seen."""
    known = {key: body for key in wanted if (body := BODIES.get(key)) is not MISSING}
    missing = sorted({digest for digest, path in wanted if (digest, path) not in known})
    sources: dict[str, bytes] = {}
    for start in range(0, len(missing), 500):  # well under every database's limit on bound parameters
        sources.update(db.session.execute(
            select(Revision.content_hash, Revision.source).join(Page, Page.id == Revision.page_id)
            .where(Page.user_id == tenant.id, Revision.content_hash.in_(missing[start:start + 500]))).all())
    for digest, path in wanted:
        if (digest, path) not in known:
            body = _body_of(sources[digest], path) if digest in sources else ""
            known[(digest, path)] = body
            BODIES.put((digest, path), body, weight(digest, path, body))
    return known


def _body_of(source: bytes, path: str) -> str:
    try:
        return split_front_matter(decode_source(source, path)[0], path)[1].lstrip("\n")[:MAX_EXCERPT_SOURCE]
    except PublishError:
        return ""


def defaults_for(site: SiteContext, path: str, collection: str | None) -> dict:
    return front_matter_defaults(site.config, path, collection or "pages")


PAGE_LIST_KEYS = frozenset({"site.pages", "site.html_pages"})  # what a page reads when it lists the pages


def collection_keys(collection: str) -> set[str]:
    """What a page reads when it lists a collection's items."""
    return {f"site.{collection}", "site.documents", "site.collections"}


@dataclass(frozen=True)
class Dependent:
    """A page to render again from its current revision's source, read before rendering."""

    page_id: int
    number: int  # its current revision
    permalink: str
    source: bytes
    source_name: str
    collection: str | None


@dataclass(frozen=True)
class Rerendered:
    page_id: int
    number: int
    permalink: str
    rendered: Rendered


def read_dependents(tenant: User, changed: set[str] | None, *, skip: Iterable[int] = ()) -> list[Dependent]:
    """The tenant's live pages that read one of `changed` (every page for ALL_PAGES), with their sources."""
    skipped = set(skip)
    rows = db.session.execute(select(Page.id, Page.reads, Page.current_revision).where(
        Page.user_id == tenant.id, Page.deleted_at.is_(None))).all()
    wanted = sorted(row.id for row in rows if row.id not in skipped and _reads_any(row.reads, changed))
    found: list[Row[int, str, str | None, int, bytes, str | None]] = []
    for start in range(0, len(wanted), 500):  # well under every database's limit on bound parameters
        found += db.session.execute(
            select(Page.id, Page.permalink, Page.collection, Revision.number, Revision.source, Revision.source_name)
            .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
            .where(Page.user_id == tenant.id, Page.id.in_(wanted[start:start + 500]))).all()
    return [Dependent(row.id, row.number, row.permalink, row.source,
                      row.source_name or f"{row.permalink.strip('/') or 'index'}.md", row.collection)
            for row in sorted(found, key=lambda row: row.permalink)]


def count_dependents(tenant: User, changed: set[str] | None) -> int:
    rows = db.session.execute(select(Page.reads).where(Page.user_id == tenant.id, Page.deleted_at.is_(None)))
    return sum(1 for (reads,) in rows if _reads_any(reads, changed))


# Told how far a rebuild got: (pages rendered, of).
RebuildProgress = Callable[[int, int], None]


def render_dependents(dependents: list[Dependent], site: SiteContext, addresses: dead_links.SiteAddresses, *,
                      failures: list[tuple[str, str]] | None = None,
                      progress: RebuildProgress | None = None) -> list[Rerendered]:
    """Each dependent rendered in `site`: plain data in, plain data out, no database. PublishError naming the first
    page that cannot be rendered, unless `failures` collects (permalink, why) and the others go on."""
    done = []
    for count, dependent in enumerate(dependents, 1):
        try:
            rendered = publish_source(dependent.source, filename=dependent.source_name, tenant_base=addresses.base,
                                      default_permalink=dependent.permalink, site=site,
                                      defaults=defaults_for(site, dependent.source_name, dependent.collection),
                                      collection=dependent.collection)
        except PublishError as refused:
            if failures is None:
                raise PublishError(f"{dependent.permalink} reads what changed and could not be rendered again: "
                                   f"{refused.message}") from None
            failures.append((dependent.permalink, refused.message))
            continue
        finally:
            if progress is not None:
                progress(count, len(dependents))
        done.append(Rerendered(dependent.page_id, dependent.number, dependent.permalink,
                               dead_links.with_dead_link_notices(None, rendered, addresses)))
    return done


def take_renderings(tenant: User, renderings: list[Rerendered]) -> list[str]:
    """Write renderings made before the write transaction (whose claim proved nothing changed since). Returns
    their permalinks."""
    by_id = {rerendered.page_id: rerendered for rerendered in renderings}
    ids = sorted(by_id)
    for start in range(0, len(ids), 500):
        for page, revision in db.session.execute(
                select(Page, Revision)
                .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
                .where(Page.user_id == tenant.id, Page.id.in_(ids[start:start + 500]))).all():
            if revision.number == by_id[page.id].number:
                take_rendering(tenant, page, revision, by_id[page.id].rendered)
    return [rerendered.permalink for rerendered in renderings]


def rerender_dependents(tenant: User, changed: set[str] | None, *, skip: Iterable[int] = ()) -> list[str]:
    """Render again, inside the current transaction, each page that read one of `changed` (every page for
    ALL_PAGES); the current revision takes the new HTML, since its source did not change. Returns their
    permalinks. For a change's last attempt, with the tenant locked (site_versions.write_after_rendering)."""
    db.session.flush()
    dependents = read_dependents(tenant, changed, skip=skip)
    if not dependents:
        return []
    renderings = render_dependents(dependents, site_context(tenant), dead_links.SiteAddresses.of(tenant))
    return take_renderings(tenant, renderings)


def take_rendering(tenant: User, page: Page, revision: Revision, rendered: Rendered) -> None:
    """The current revision shows a new rendering of its unchanged source."""
    revision.body_html = rendered.body_html
    revision.notices = list(rendered.notices)
    revision.description = rendered.meta.description
    revision.author_profile = rendered.meta.author_profile
    revision.layout_draws_title = rendered.layout_draws_title
    revision.header_html = rendered.header_html
    revision.after_content_html = rendered.after_content_html
    page.reads = sorted(rendered.reads)
    page.updated_at = utcnow()


def _reads_any(reads: list[str] | None, changed: set[str] | None) -> bool:
    if changed is ALL_PAGES:
        return True
    if not reads:
        return False
    return not changed.isdisjoint(reads)


def keys_of_site_file(path: str) -> set[str] | None:
    """What a page must have read for a change to this file to matter to it."""
    if path == "_config.yml":
        return ALL_PAGES
    if path.startswith("_data/"):
        name = path.removeprefix("_data/").split("/", 1)[0]
        return {f"site.data.{name.rsplit('.', 1)[0] if '/' not in path.removeprefix('_data/') else name}"}
    if path.startswith("_layouts/"):
        return {f"layout:{path.removeprefix('_layouts/').removesuffix('.html')}"}
    return {f"include:{path.removeprefix('_includes/')}"}


def write_site_file(tenant: User, path: str, raw: bytes | None, *, author: User | None = None,
                    rerender: bool = True) -> list[str]:
    """Make `raw` the current version of the site file at `path` (None deletes it), and render again the pages
    that read it, in a unit of work. Returns the permalinks re-rendered."""
    if not is_site_file(path):
        raise PublishError(f"{path}: a site file is _config.yml, a data file in _data/ (.yml, .json or .csv), "
                           "an include in _includes/ or a layout in _layouts/ (.html).", field="path")
    if raw is not None:
        if len(raw) > MAX_SITE_FILE_BYTES:
            raise PublishError(f"{path}: {len(raw) / 1048576:.1f} MiB is over the 1 MiB limit for a site file.")
        read_site_files({path: raw}, load_yaml_document)
    with unit_of_work():
        number = (db.session.scalar(select(func.max(SiteFile.number)).where(
            SiteFile.user_id == tenant.id, SiteFile.path == path)) or 0) + 1
        db.session.execute(SiteFile.__table__.update().where(
            SiteFile.user_id == tenant.id, SiteFile.path == path).values(current=False))
        db.session.add(SiteFile(user_id=tenant.id, path=path, number=number, current=True, source=raw,
                                author_id=(author or tenant).id, created_at=utcnow()))
        db.session.flush()
        return rerender_dependents(tenant, keys_of_site_file(path)) if rerender else []
