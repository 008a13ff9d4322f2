"""A tenant's site as Jekyll builds it: the site files (config, data, includes, layouts) with their history, the context
every page's Liquid reads, and the re-rendering of exactly the pages that read what changed.

Rendering happens inside the caller's transaction: a change whose dependents cannot all be rendered is refused
whole, naming the page that failed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from sqlalchemy import func, select

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
from . import dead_links

ALL_PAGES = None  # re-render every page: a _config.yml change can touch any of them


def current_site_files(tenant: User) -> dict[str, bytes]:
    rows = db.session.execute(select(SiteFile.path, SiteFile.source).where(
        SiteFile.user_id == tenant.id, SiteFile.current.is_(True))).all()
    return {path: source for path, source in rows if source is not None}


def site_context(tenant: User, files: Mapping[str, bytes] | None = None) -> SiteContext:
    """What Liquid sees of the tenant's site now (inside the current transaction)."""
    config, data, includes, layouts = _parsed_site_files(current_site_files(tenant) if files is None else files)
    collections, pages = _documents(tenant)
    documents = [document for found in collections.values() for document in found]
    return SiteContext(config=config, data=data, collections=collections, includes=includes, layouts=layouts,
                       pages=listed_pages(pages, documents, config))


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


def _documents(tenant: User) -> tuple[dict[str, list[SiteDocument]], list[SiteDocument]]:
    """The published items by collection, and the published pages, as their current revisions have them."""
    rows = db.session.execute(
        select(Page.collection, Page.permalink, Revision.front_matter, Revision.body_html, Revision.source_name,
               Revision.content_hash)
        .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
        .where(Page.user_id == tenant.id, Page.deleted_at.is_(None), Page.published.is_(True),
               Page.moderation_reason.is_(None))
    ).all()
    items = [(row, row.source_name or f"_{row.collection}{row.permalink.rstrip('/')}.md") for row in rows
             if row.collection is not None]
    bodies = _bodies(tenant, [(row.content_hash, path) for row, path in items])
    found: dict[str, list[SiteDocument]] = {}
    for row, path in items:
        found.setdefault(row.collection, []).append(SiteDocument(
            url=row.permalink, front_matter=row.front_matter or {}, content=row.body_html,
            collection=row.collection, path=path, source=bodies[(row.content_hash, path)]))
    pages = [SiteDocument(url=row.permalink, front_matter=row.front_matter or {}, content=row.body_html,
                          path=row.source_name or f"{row.permalink.strip('/') or 'index'}.md")
             for row in rows if row.collection is None]
    return {name: sorted_documents(documents) for name, documents in found.items()}, pages


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


def rerender_dependents(tenant: User, changed: set[str] | None, *, skip: Iterable[int] = ()) -> list[str]:
    """Render again, from its current source, each page that read one of `changed` (every page for ALL_PAGES);
    the current revision takes the new HTML, since its source did not change. Returns their permalinks."""
    skipped = set(skip)
    pages = [page for page in db.session.scalars(select(Page).where(Page.user_id == tenant.id,
                                                                    Page.deleted_at.is_(None)))
             if page.id not in skipped and _depends(page, changed)]
    site = site_context(tenant) if pages else None
    addresses = dead_links.SiteAddresses.of(tenant) if pages else None
    done = []
    for page in pages:
        revision = db.session.scalar(select(Revision).where(Revision.page_id == page.id,
                                                            Revision.number == page.current_revision))
        name = revision.source_name or f"{page.permalink.strip('/') or 'index'}.md"
        try:
            rendered = publish_source(revision.source, filename=name, tenant_base=f"/{tenant.username}",
                                      default_permalink=page.permalink, site=site,
                                      defaults=defaults_for(site, name, page.collection),
                                      collection=page.collection)
        except PublishError as refused:
            raise PublishError(f"{page.permalink} reads what changed and could not be rendered again: "
                               f"{refused.message}") from None
        take_rendering(tenant, page, revision, dead_links.with_dead_link_notices(tenant, rendered, addresses))
        done.append(page.permalink)
    return done


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


def _depends(page: Page, changed: set[str] | None) -> bool:
    if changed is ALL_PAGES:
        return True
    return bool(page.reads) and not changed.isdisjoint(page.reads)


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


def stage_site_file(tenant: User, path: str, raw: bytes | None, *, author: User | None = None,
                    rerender: bool = True) -> list[str]:
    """Make `raw` the current version of the site file at `path` (None deletes it), and render again the pages
    that read it, without committing. Returns the permalinks re-rendered."""
    if not is_site_file(path):
        raise PublishError(f"{path}: a site file is _config.yml, a data file in _data/ (.yml, .json or .csv), "
                           "an include in _includes/ or a layout in _layouts/ (.html).", field="path")
    if raw is not None:
        if len(raw) > MAX_SITE_FILE_BYTES:
            raise PublishError(f"{path}: {len(raw) / 1048576:.1f} MiB is over the 1 MiB limit for a site file.")
        read_site_files({path: raw}, load_yaml_document)
    number = (db.session.scalar(select(func.max(SiteFile.number)).where(
        SiteFile.user_id == tenant.id, SiteFile.path == path)) or 0) + 1
    db.session.execute(SiteFile.__table__.update().where(
        SiteFile.user_id == tenant.id, SiteFile.path == path).values(current=False))
    db.session.add(SiteFile(user_id=tenant.id, path=path, number=number, current=True, source=raw,
                            author_id=(author or tenant).id, created_at=utcnow()))
    db.session.flush()
    return rerender_dependents(tenant, keys_of_site_file(path)) if rerender else []
