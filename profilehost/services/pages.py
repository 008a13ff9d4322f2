"""Pages: publish through the pipeline, keep every revision, resolve public paths.

Every write happens in one transaction: a refused or failed publish leaves the tenant exactly as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import String, and_, case, cast, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Page, Redirect, Revision, User, utcnow
from ..publishing import HTML_SUFFIXES, PublishError, Rendered, SiteContext, publish_source
from ..publishing.decode import decode_source
from ..publishing.meta import CONTROL_CHARACTERS, check_file_name
from . import site_build, site_versions  # noqa: F401 - site_versions registers the session's version bump
from .dead_links import SiteAddresses, with_dead_link_notices
from .unit_of_work import unit_of_work


class EditConflict(Exception):
    """The page changed since the editor loaded it; `current` is the revision now live."""

    import_path: str = ""  # set by a site import: the archive file whose page changed

    def __init__(self, page: Page, current: Revision) -> None:
        super().__init__(f"{page.permalink} changed since you started editing (now revision {current.number}).")
        self.page = page
        self.current = current


@dataclass
class PublishOutcome:
    page: Page
    revision: Revision
    created: bool = False
    unchanged: bool = False
    notices: list[str] = field(default_factory=list)
    # The live revision, written from another file, that this one took the place of (see _from_another_file).
    replaced: Revision | None = None


def tenant_base(tenant: User) -> str:
    return f"/{tenant.username}"


def public_url(tenant: User, permalink: str) -> str:
    return tenant_base(tenant) + permalink


def tenant_pages(tenant: User, *, include_deleted: bool = False):
    query = select(Page).where(Page.user_id == tenant.id)
    if not include_deleted:
        query = query.where(Page.deleted_at.is_(None))
    return query


def find_page(tenant: User, permalink: str) -> Page | None:
    return db.session.scalar(tenant_pages(tenant, include_deleted=True).where(Page.permalink == permalink))


def current_revision(page: Page) -> Revision:
    return db.session.execute(
        select(Revision).where(Revision.page_id == page.id, Revision.number == page.current_revision)
    ).scalar_one()  # every page has the revision its current_revision names


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def publish_upload(tenant: User, raw: bytes, filename: str, *, collection: str | None = None,
                   author: User | None = None) -> PublishOutcome:
    """An uploaded file (the dashboard's upload, the command line, the demo): a new page at its permalink, or the
    next revision of the page there. `collection` makes it an item of that collection ('talks')."""
    return _publish(tenant, raw, filename, author=author, collection=collection)


def save_edit(tenant: User, raw: bytes, page: Page | None, *, base_revision: int | None) -> PublishOutcome:
    """The editor's Save: the next revision of `page`, from the revision the editor started at (a change saved
    since is an EditConflict); a source without a permalink stays at the page's. Without a page, a new page, which
    may not replace one that exists."""
    return _publish(tenant, raw, file_name(page), base_revision=base_revision,
                    expected_permalink=page.permalink if page else None, new_page=page is None)


def put_page(tenant: User, raw: bytes, filename: str, permalink: str) -> PublishOutcome:
    """The API's PUT of a page's source at `permalink`, where a source without a permalink of its own goes."""
    return _publish(tenant, raw, filename, expected_permalink=permalink)


def _publish(tenant: User, raw: bytes, filename: str, *, author: User | None = None,
             base_revision: int | None = None, expected_permalink: str | None = None,
             new_page: bool = False, collection: str | None = None) -> PublishOutcome:
    """Render `raw` and make it the current revision of the tenant's page at its permalink, in one transaction.

    `base_revision` (the revision an editor started from) turns a concurrent change into EditConflict;
    `new_page` refuses to add a revision to a page that exists (an upload of about.md may update the page; a page
    written as new in the editor must not silently replace another one).
    `expected_permalink` (the page being edited, the URL of an API call) is also where a source without a
    permalink goes, whatever its file name.
    Raises PublishError with a message for the author when the source is refused.

    The page is rendered before the write transaction begins, so no transaction stays open while Markdown and
    Liquid run (a database's idle-in-transaction timeout would end it); the write re-checks everything it
    depends on, and renders again when the site changed in between.
    """
    check_file_name(filename)
    tenant_id = tenant.id
    renderings: list[_Publishing] = []

    def render() -> _Publishing:
        renderings.append(_render_before_writing(tenant, raw, filename, expected_permalink, collection))
        return renderings[-1]

    def write(publishing: _Publishing | None) -> PublishOutcome:
        # The last attempt (None) renders inside the write, with the tenant locked.
        outcome = write_page(tenant, raw, filename, author=author, base_revision=base_revision,
                             expected_permalink=expected_permalink, new_page=new_page, collection=collection,
                             rendered=publishing.rendered if publishing else None, rerender=publishing is None)
        if publishing is not None and not outcome.unchanged:
            site_build.take_renderings(tenant, publishing.dependents)
        # A write addressed to a page (the editor's, a PUT's URL, a restore) means to replace it; a file that only
        # lands on its address may not have, and the author is told which page went into its history.
        if expected_permalink is None and outcome.replaced is not None:
            outcome.notices.insert(0, _replaced_notice(filename, outcome.page, outcome.replaced))
        return outcome

    try:
        return site_versions.write_after_rendering(db.session, tenant_id, render, write)
    except IntegrityError:
        permalink = renderings[-1].rendered.meta.permalink if renderings else expected_permalink
        page = find_page(tenant, permalink) if permalink else None
        if page is None:
            raise
        raise EditConflict(page, current_revision(page)) from None


@dataclass(frozen=True)
class _Publishing:
    """A page rendered before its write, and the pages that list it rendered with it in the site."""

    rendered: Rendered
    dependents: list[site_build.Rerendered]


def _render_before_writing(tenant: User, raw: bytes, filename: str, permalink: str | None,
                           collection: str | None) -> _Publishing:
    """The pipeline's result in the site as it is now, then what lists the page in the site with it: what the
    pipeline reads is read first, and each read transaction is over before it runs."""
    snapshot = site_build.snapshot(tenant)
    addresses = SiteAddresses.of(tenant)
    db.session.rollback()
    site = snapshot.context()
    rendered = publish_source(raw, filename=filename, tenant_base=addresses.base, default_permalink=permalink,
                              site=site, defaults=site_build.defaults_for(site, filename, collection),
                              collection=collection)
    rendered = with_dead_link_notices(None, rendered, addresses)
    page = db.session.execute(
        select(Page.id, Page.collection, Page.moderation_reason, Page.deleted_at, Revision.content_hash)
        .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
        .where(Page.user_id == tenant.id, Page.permalink == rendered.meta.permalink)).first()
    own_collection = collection if collection is not None else page.collection if page else None
    # The same source again changes no listing (the write answers it as unchanged): nothing to render for them.
    unchanged = (page is not None and page.deleted_at is None and page.content_hash == content_hash(raw)
                 and own_collection == page.collection)
    dependents = [] if unchanged else site_build.read_dependents(tenant, _listing_keys(own_collection),
                                                                 skip=[page.id] if page else [])
    db.session.rollback()
    if not dependents:
        return _Publishing(rendered, [])
    shown = rendered.meta.published and (page is None or page.moderation_reason is None)
    document = site_build.document_of(rendered, raw, filename[-255:], own_collection) if shown else None
    listing_site = snapshot.context(changed={rendered.meta.permalink: document})
    return _Publishing(rendered, site_build.render_dependents(
        dependents, listing_site, addresses.with_page(rendered.meta.permalink, rendered.meta.redirect_from)))


def _listing_keys(collection: str | None) -> set[str]:
    """What a page reads when it lists this page: its collection's items, or the site's pages."""
    return site_build.collection_keys(collection) if collection else set(site_build.PAGE_LIST_KEYS)


def write_page(tenant: User, raw: bytes, filename: str, *, author: User | None = None,
               base_revision: int | None = None, expected_permalink: str | None = None, new_page: bool = False,
               collection: str | None = None, rendered: Rendered | None = None,
               rerender: bool = True) -> PublishOutcome:
    """Make `raw` the current revision of the tenant's page at its permalink, in a unit of work: what a publish
    writes once it has rendered, and what an import writes for each page inside its own unit.

    `collection` makes the page an item of that collection; None keeps what the page was. `rendered` is the
    pipeline's result when the caller has it already. An item's listings are rendered again unless `rerender`
    is False (an import renders every page itself).
    """
    with unit_of_work():
        rendered = rendered or render_page(tenant, raw, filename, expected_permalink, collection)
        page = find_page(tenant, rendered.meta.permalink)
        _refuse_a_page_the_write_may_not_replace(page, raw, filename, rendered, expected_permalink=expected_permalink,
                                                 new_page=new_page, base_revision=base_revision)
        if (page is not None and page.deleted_at is None and current_revision(page).content_hash == content_hash(raw)
                and (collection is None or page.collection == collection)):
            current = current_revision(page)
            if current.body_html != rendered.body_html:
                # The same source in a site that changed around it (a data file, an item it lists): built again.
                site_build.take_rendering(tenant, page, current, rendered)
            return PublishOutcome(page, current, unchanged=True,
                                  notices=[f"{filename} is identical to the live revision; nothing changed."])
        _check_paths_are_free(tenant, page, rendered)
        replaced = _from_another_file(page, filename)
        outcome = _write_revision(tenant, page, raw, filename, rendered, author or tenant)
        outcome.replaced = replaced
        if collection is not None:
            outcome.page.collection = collection
        outcome.page.item_date = item_date(rendered.meta.date, filename) if outcome.page.collection else None
        outcome.page.reads = sorted(rendered.reads)
        if rerender:
            _rerender_listings(tenant, outcome.page)
        return outcome


def _refuse_a_page_the_write_may_not_replace(page: Page | None, raw: bytes, filename: str, rendered: Rendered, *,
                                             expected_permalink: str | None, new_page: bool,
                                             base_revision: int | None) -> None:
    permalink = rendered.meta.permalink
    if expected_permalink is not None and permalink != expected_permalink:
        raise PublishError(
            f"{filename}: the permalink changed from {expected_permalink} to {permalink}. To move a page, "
            f"upload it as a new page and delete the old one, or keep 'permalink: {expected_permalink}'."
        )
    # The same source again is a form sent twice (a double click, a retried request): answered as unchanged.
    if (new_page and page is not None and page.deleted_at is None
            and current_revision(page).content_hash != content_hash(raw)):
        raise PublishError(f"You already have a page at {permalink} ('{page.title}'). Edit that page instead, or "
                           "give this one another permalink.", field="permalink")
    if page is not None and base_revision is not None and page.current_revision != base_revision:
        raise EditConflict(page, current_revision(page))


def _from_another_file(page: Page | None, filename: str) -> Revision | None:
    """The page's live revision when a file by another name wrote it: what a write from `filename` replaces
    rather than updates. Folders do not count ('_pages/cv.md' is cv.md)."""
    if page is None or page.deleted_at is not None:
        return None
    live = current_revision(page)
    return None if _base_name(file_name(page, live)) == _base_name(filename) else live


def _base_name(filename: str) -> str:
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


def _replaced_notice(filename: str, page: Page, replaced: Revision) -> str:
    name = _base_name(filename)
    return (f"{name} replaced your page '{replaced.title}' (from {_base_name(file_name(page, replaced))}) at "
            f"{page.permalink}: both files give that address. If that was not meant, open the page's History and "
            f"Restore revision {replaced.number} to bring it back, then give {name} a permalink of its own.")


def render_page(tenant: User, raw: bytes, filename: str, permalink: str | None = None,
                collection: str | None = None, site: SiteContext | None = None) -> Rendered:
    """The pipeline's result for this source in the tenant's site as it is now (its config, data and items)."""
    site = site or site_build.site_context(tenant)
    rendered = publish_source(raw, filename=filename, tenant_base=tenant_base(tenant), default_permalink=permalink,
                              site=site, defaults=site_build.defaults_for(site, filename, collection),
                              collection=collection)
    return with_dead_link_notices(tenant, rendered)


def item_date(front_matter_date: str | None, filename: str) -> date | None:
    """A collection item's date: the front matter's, else the file name's '2024-05-01-' prefix (Jekyll's rule)."""
    for text in (front_matter_date or "", filename.rsplit("/", 1)[-1]):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            continue
    return None


def _write_revision(tenant: User, page: Page | None, raw: bytes, filename: str, rendered: Rendered,
                    author: User) -> PublishOutcome:
    meta = rendered.meta
    created = page is None
    if page is None:
        page = Page(user_id=tenant.id, permalink=meta.permalink, current_revision=0)
        db.session.add(page)
    number = page.current_revision + 1
    revision = Revision(
        page=page, number=number, source=raw, source_name=filename[-255:], content_hash=content_hash(raw),
        front_matter=rendered.front_matter, title=meta.title, description=meta.description,
        author_profile=meta.author_profile, layout_draws_title=rendered.layout_draws_title,
        header_html=rendered.header_html, after_content_html=rendered.after_content_html,
        body_html=rendered.body_html, notices=list(rendered.notices), author_id=author.id,
    )
    db.session.add(revision)
    _point_page_at(page, revision, meta)
    page.deleted_at = None
    db.session.flush()
    _replace_redirects(tenant, page, meta.redirect_from)
    return PublishOutcome(page, revision, created=created, notices=list(rendered.notices))


def _point_page_at(page: Page, revision: Revision, meta) -> None:
    page.current_revision = revision.number
    page.title = meta.title
    page.published = meta.published
    page.nav_order = meta.nav_order
    page.nav_title = meta.nav_title
    page.updated_at = utcnow()


def _check_paths_are_free(tenant: User, page: Page | None, rendered: Rendered) -> None:
    """A path may answer for one page only: refuse a redirect_from or permalink another page holds.

    A constant number of queries whatever the number of paths: a page may list many redirect_from paths."""
    own_id = page.id if page is not None else None
    wanted = rendered.meta.redirect_from
    holders = {held.permalink: held for held in _pages_at(tenant, wanted)}
    redirects = {redirect.path: redirect for redirect in _redirects_at(tenant, (*wanted, rendered.meta.permalink))}
    for path in wanted:
        holder = holders.get(path)
        if holder is not None and holder.id != own_id and holder.deleted_at is None:
            raise PublishError(
                f"redirect_from: {path} is the address of your page '{holder.title}'. Remove it from "
                "redirect_from, or delete that page first.", field="redirect_from")
        redirect = redirects.get(path)
        if redirect is not None and redirect.page_id != own_id and redirect.page.deleted_at is None:
            raise PublishError(
                f"redirect_from: {path} already redirects to your page '{redirect.page.title}' "
                f"({redirect.page.permalink}). Remove it from one of the two pages.", field="redirect_from")
    claimed = redirects.get(rendered.meta.permalink)
    if claimed is not None and claimed.page_id != own_id and claimed.page.deleted_at is None:
        raise PublishError(
            f"permalink: {rendered.meta.permalink} is listed in redirect_from of your page "
            f"'{claimed.page.title}' ({claimed.page.permalink}). Remove it there first.", field="permalink")


# Well under every database's limit on bound parameters; a page's redirect_from list fits in one.
PATHS_PER_QUERY = 500


def _chunks(paths: tuple[str, ...] | list[str]) -> list[list[str]]:
    unique = sorted(set(paths))
    return [unique[start:start + PATHS_PER_QUERY] for start in range(0, len(unique), PATHS_PER_QUERY)]


def _pages_at(tenant: User, paths: tuple[str, ...]) -> list[Page]:
    return [found for chunk in _chunks(paths)
            for found in db.session.scalars(tenant_pages(tenant, include_deleted=True)
                                            .where(Page.permalink.in_(chunk)))]


def _redirects_at(tenant: User, paths: tuple[str, ...] | list[str]) -> list[Redirect]:
    return [found for chunk in _chunks(paths)
            for found in db.session.scalars(select(Redirect).options(joinedload(Redirect.page))
                                            .where(Redirect.user_id == tenant.id, Redirect.path.in_(chunk)))]


def _find_redirect(tenant: User, path: str) -> Redirect | None:
    return db.session.scalar(select(Redirect).where(Redirect.user_id == tenant.id, Redirect.path == path))


def _replace_redirects(tenant: User, page: Page, paths: tuple[str, ...]) -> None:
    wanted = set(paths)
    for redirect in db.session.scalars(select(Redirect).where(Redirect.page_id == page.id)):
        if redirect.path not in wanted:
            db.session.delete(redirect)
        wanted.discard(redirect.path)
    # A deleted page's stale redirect may still hold the path: this page takes it over.
    stale = {redirect.path: redirect for redirect in _redirects_at(tenant, sorted(wanted))}
    for redirect in stale.values():
        redirect.page_id = page.id
    db.session.flush()
    new_paths = sorted(wanted - stale.keys())
    if new_paths:
        # One executemany rather than an INSERT ... RETURNING per row, as the ORM would send.
        db.session.execute(insert(Redirect), [{"user_id": tenant.id, "path": path, "page_id": page.id}
                                              for path in new_paths])


def restore_revision(tenant: User, page: Page, number: int, *, author: User | None = None) -> PublishOutcome:
    """Make an old revision live again as a new revision: history is never rewritten."""
    old = db.session.scalar(select(Revision).where(Revision.page_id == page.id, Revision.number == number))
    if old is None:
        raise LookupError(number)
    return _publish(tenant, old.source, old.source_name or f"revision {number} of {page.permalink}",
                    author=author, base_revision=page.current_revision, expected_permalink=page.permalink)


# What the dashboard's list can be narrowed to, as its query string names it.
STATUS_FILTERS = {"draft": "Drafts", "unpublished": "Unpublished by a moderator", "notices": "With notices"}
PAGES_PER_SCREEN = 25
PAGES_GROUP = "pages"  # the site's pages (no collection), listed before each collection


@dataclass(frozen=True)
class PageFilter:
    """The dashboard's question: which group (the pages, or a collection), what text in the title or address,
    which status, which screen of the answer."""

    group: str = PAGES_GROUP
    text: str = ""
    status: str = ""
    screen: int = 1

    @classmethod
    def from_args(cls, args) -> PageFilter:
        """From the query string, whatever it holds: an unknown status is no status, a bad screen the first."""
        status = args.get("status", "")
        screen = args.get("page", "")
        # No control character reaches the database (PostgreSQL refuses a NUL in a text value outright).
        text = " ".join(CONTROL_CHARACTERS.sub(" ", args.get("q", "")).split())[:200]
        return cls(group=(args.get("group") or PAGES_GROUP)[:40], text=text,
                   status=status if status in STATUS_FILTERS else "",
                   screen=int(screen) if screen.isdigit() and 0 < int(screen) < 100_000 else 1)


@dataclass(frozen=True)
class PageRow:
    page: Page
    notice_count: int


@dataclass
class PageListing:
    """One screen of the tenant's pages as the site is grouped: the counts of every group under the filter, and
    the rows of the chosen group."""

    query: PageFilter
    groups: list[tuple[str, int]]  # (group, matching pages), the pages first, then the collections by name
    rows: list[PageRow]
    total: int  # matching pages in the chosen group
    screens: int

    @property
    def first_shown(self) -> int:
        return (self.query.screen - 1) * PAGES_PER_SCREEN + 1 if self.rows else 0

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.rows) - 1 if self.rows else 0


def page_listing(tenant: User, query: PageFilter) -> PageListing:
    """Two statements whatever the size of the site: every group with the count of its pages that match, then
    one screen of the chosen group's rows."""
    current = (Revision.page_id == Page.id) & (Revision.number == Page.current_revision)
    conditions = _conditions(query)
    matching = func.sum(case((and_(*conditions), 1), else_=0)) if conditions else func.count(Page.id)
    counts: dict[str | None, int | None] = dict(db.session.execute(
        select(Page.collection, matching).join(Revision, current)
        .where(Page.user_id == tenant.id, Page.deleted_at.is_(None)).group_by(Page.collection)).all())
    groups = [(PAGES_GROUP, counts.get(None) or 0),
              *sorted((name, count or 0) for name, count in counts.items() if name is not None)]
    group = query.group if query.group in dict(groups) else PAGES_GROUP
    total = dict(groups).get(group, 0)
    screens = max(1, -(-total // PAGES_PER_SCREEN))
    query = replace(query, group=group, screen=min(query.screen, screens))
    rows = db.session.execute(
        select(Page, Revision.notices).join(Revision, current)
        .where(Page.user_id == tenant.id, Page.deleted_at.is_(None), *conditions,
               Page.collection.is_(None) if group == PAGES_GROUP else Page.collection == group)
        .order_by(*_listing_order(group))
        .limit(PAGES_PER_SCREEN).offset((query.screen - 1) * PAGES_PER_SCREEN)).all()
    return PageListing(query, groups, [PageRow(page, len(notices or ())) for page, notices in rows], total, screens)


def _conditions(query: PageFilter) -> list:
    """What the search and the status filter ask of a page (and its current revision)."""
    conditions = []
    if query.text:
        conditions.append(or_(Page.title.icontains(query.text, autoescape=True),
                              Page.permalink.icontains(query.text, autoescape=True)))
    if query.status == "draft":
        conditions += [Page.published.is_(False), Page.moderation_reason.is_(None)]
    elif query.status == "unpublished":
        conditions.append(Page.moderation_reason.is_not(None))
    elif query.status == "notices":
        # Stored as JSON text on both databases: an empty list is '[]'.
        conditions += [Revision.notices.is_not(None), cast(Revision.notices, String).not_in(["[]", "null"])]
    return conditions


def _listing_order(group: str) -> tuple:
    if group == PAGES_GROUP:  # as the menu orders them, then by address
        return Page.nav_order.is_(None), Page.nav_order, Page.permalink
    return Page.item_date.is_(None), Page.item_date.desc(), Page.permalink  # newest first, as the listing


def list_pages(tenant: User) -> list[Page]:
    return list(db.session.scalars(tenant_pages(tenant).order_by(Page.nav_order.is_(None), Page.nav_order,
                                                                 Page.permalink)))


RESTORE_WINDOW = timedelta(days=30)

# academicpages' 404.md (`permalink: /404.html`, or /404/ from the file name alone) is the page a visitor sees at
# an address the site does not have: stored and edited like a page, but not a page of the site (not in its sitemap,
# its menu, or among the pages a menu can lead to), and served with status 404 rather than at its own address.
NOT_FOUND_PERMALINKS = ("/404.html", "/404/")


def is_not_found_page(page: Page) -> bool:
    return page.permalink in NOT_FOUND_PERMALINKS


def not_found_page(tenant: User) -> tuple[Page, Revision] | None:
    """The site's own not-found page and its current revision, when it has a public one (/404.html first)."""
    rows = db.session.execute(
        select(Page, Revision)
        .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
        .where(Page.user_id == tenant.id, Page.permalink.in_(NOT_FOUND_PERMALINKS), Page.deleted_at.is_(None),
               Page.published.is_(True), Page.moderation_reason.is_(None))).all()
    found = {page.permalink: (page, revision) for page, revision in rows}
    return next((found[permalink] for permalink in NOT_FOUND_PERMALINKS if permalink in found), None)


def owned_page(tenant: User, page_id: int, *, include_deleted: bool = False) -> Page | None:
    """The tenant's page with this id, or None: ids from URLs and forms never reach another tenant's data."""
    return db.session.scalar(tenant_pages(tenant, include_deleted=include_deleted).where(Page.id == page_id))


def is_html_source(revision: Revision) -> bool:
    return (revision.source_name or "").lower().endswith(HTML_SUFFIXES)


# What a page's source file may be called: Markdown or HTML (an imported .html page stays HTML).
PAGE_FILE_SUFFIXES = (".md", ".markdown", *HTML_SUFFIXES)
NEW_PAGE_NAME = "_pages/new-page.md"


def file_name(page: Page | None, revision: Revision | None = None, *, address: str | None = None) -> str:
    """The one name a page's source goes by, in the editor, through the API, in an export and on import: the file
    it was uploaded or imported as (its stored source_name), in its folder as academicpages has it (_pages/ or
    _<collection>/). A page with no usable stored name gets one from its address; a page not written yet, from
    the `address` it will have, else the editor's 'new-page.md'.

    The name matters beyond the export: without a `title:` the title comes from it, an item's date from its
    'YYYY-MM-DD-' prefix, and _config.yml's defaults from its folder; a name made up anew changes the page."""
    if page is None:
        return f"{page_folder(None)}/{address_name(address)}" if address else NEW_PAGE_NAME
    revision = revision or current_revision(page)
    stored = (revision.source_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    if not stored.lower().endswith(PAGE_FILE_SUFFIXES):
        stored = address_name(page.permalink, html=is_html_source(revision),
                              front_permalink="permalink" in (revision.front_matter or {}))
    return f"{page_folder(page.collection)}/{stored}"


def page_folder(collection: str | None) -> str:
    return f"_{collection}" if collection else "_pages"


def address_name(permalink: str, *, html: bool = False, front_permalink: bool = False) -> str:
    """A name made from an address, the last part of the permalink ('/talks/keynote/' -> 'keynote.md'); the home
    page is academicpages' about.md when its front matter names its address, else index.md."""
    suffix = ".html" if html else ".md"
    if permalink.strip("/") == "":
        return ("about" if front_permalink else "index") + suffix
    return permalink.strip("/").rsplit("/", 1)[-1] + suffix


def editable_source(revision: Revision) -> str:
    """The text an editor starts from: decoded (and repaired) as the pipeline reads it, whatever its encoding."""
    return decode_source(revision.source, "page.md")[0]


def revisions_of(page: Page) -> list[Revision]:
    return list(db.session.scalars(
        select(Revision).where(Revision.page_id == page.id).order_by(Revision.number.desc())))


def revision_of(page: Page, number: int) -> Revision | None:
    return db.session.scalar(select(Revision).where(Revision.page_id == page.id, Revision.number == number))


def delete_page(tenant: User, page: Page) -> None:
    """Take the page off the public site at once; it stays restorable for RESTORE_WINDOW."""
    page_id = page.id

    def write(dependents: list[site_build.Rerendered] | None) -> None:
        deleted = owned_page(tenant, page_id)
        if deleted is None:
            return  # deleted meanwhile
        deleted.deleted_at = utcnow()
        _take_listings(tenant, deleted, dependents)

    site_versions.write_after_rendering(db.session, tenant.id,
                                        lambda: _render_listings(tenant, page_id, deleting=True), write)


def recently_deleted(tenant: User) -> list[Page]:
    cutoff = utcnow() - RESTORE_WINDOW
    return list(db.session.scalars(
        tenant_pages(tenant, include_deleted=True)
        .where(Page.deleted_at.is_not(None), Page.deleted_at > cutoff).order_by(Page.deleted_at.desc())))


def undelete_page(tenant: User, page: Page) -> None:
    if page.deleted_at is None:
        return
    page_id = page.id

    def write(dependents: list[site_build.Rerendered] | None) -> None:
        restored = owned_page(tenant, page_id, include_deleted=True)
        if restored is None or restored.deleted_at is None:
            return
        if restored.deleted_at <= utcnow() - RESTORE_WINDOW:
            raise PublishError(f"{restored.permalink} was deleted more than {RESTORE_WINDOW.days} days ago and can "
                               "no longer be restored.")
        holder = _find_redirect(tenant, restored.permalink)
        if holder is not None and holder.page_id != restored.id and holder.page.deleted_at is None:
            raise PublishError(f"{restored.permalink} now redirects to your page '{holder.page.title}'. "
                               "Remove it from that page's redirect_from first.")
        restored.deleted_at = None
        _take_listings(tenant, restored, dependents)

    site_versions.write_after_rendering(db.session, tenant.id,
                                        lambda: _render_listings(tenant, page_id, deleting=False), write)


def _render_listings(tenant: User, page_id: int, *, deleting: bool) -> list[site_build.Rerendered]:
    """What lists the page, rendered in the site as it will be once the page is deleted (or back)."""
    page = owned_page(tenant, page_id, include_deleted=True)
    if page is None:
        return []
    dependents = site_build.read_dependents(tenant, _listing_keys(page.collection), skip=[page_id])
    if not dependents:
        db.session.rollback()
        return []
    left_out, included = (page_id, None) if deleting else (None, page_id)
    snapshot = site_build.snapshot(tenant, leaving_out=left_out, including=included)
    addresses = SiteAddresses.of(tenant, leaving_out=left_out, including=included)
    db.session.rollback()
    return site_build.render_dependents(dependents, snapshot.context(), addresses)


def _take_listings(tenant: User, page: Page, dependents: list[site_build.Rerendered] | None) -> None:
    """The listings rendered before the write, or, on the last attempt, rendered now."""
    if dependents is None:
        _rerender_listings(tenant, page)
    else:
        site_build.take_renderings(tenant, dependents)


def _rerender_listings(tenant: User, page: Page) -> None:
    """Render again, inside the write, what lists this page: its collection's listings for an item, what lists
    site.pages for a page."""
    db.session.flush()
    site_build.rerender_dependents(tenant, _listing_keys(page.collection), skip=[page.id])
