"""A tenant's Atom feeds, as jekyll-feed publishes them: the posts at /<username>/feed.xml (or where the
_config.yml's `feed: path:` or `atom_feed: path:` puts them) and each collection at /<username>/feed/<name>.xml.

A feed is answered by the public view of /<username>/<path> (public.views.tenant_path), so it has what a page has
at no extra cost: the 410 of a suspended account and the 404 of a pending one, the page cache and its fast path
keyed by the tenant's site_version, the body's ETag, Last-Modified, and a shared cache's lifetime. Entries carry
the stored, already sanitized body HTML as Atom's escaped `html` content, with `xml:base` so its site-relative
links resolve to this host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Response, render_template
from sqlalchemy import select

from ..extensions import db
from ..models import Page, Revision, User
from ..publishing.meta import language_of
from ..services import bibliography
from ..services.collections import TITLES
from . import page_heads

COLLECTION_FEED = re.compile(r"^feed/([a-z0-9_-]{1,32})\.xml$")
# Characters XML 1.0 cannot hold at all, not even escaped: a feed reader would stop at the first one.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ATOM = "application/atom+xml; charset=utf-8"


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str
    day: date | None  # the item's date: entries are newest first
    updated_at: datetime  # the time of the revision (or bibliography version) it shows
    content_html: str
    summary: str
    language: str | None
    categories: tuple[str, ...]

    @property
    def published(self) -> str | None:
        return rfc3339(self.day) if self.day else None

    @property
    def updated(self) -> str:
        return rfc3339(self.updated_at)


@dataclass(frozen=True)
class Feed:
    title: str
    subtitle: str
    self_url: str
    home_url: str
    service_url: str  # the generator's: this profilehost
    language: str
    updated: str
    author: str
    entries: tuple[FeedEntry, ...]


def feed_response(tenant: User, subpath: str, root: str) -> Response | None:
    """The feed at `subpath` of the tenant's site, or None when no feed is there (the path is a page's).

    Cheap for pages: their addresses end in '/' or '.html', and only other paths read the config."""
    if not subpath or subpath.endswith(("/", ".html")):
        return None
    settings = page_heads.site_settings(tenant)
    if subpath in settings.feed_paths:
        collection, limit = "posts", settings.posts_limit
    elif (match := COLLECTION_FEED.match(subpath)) is not None:
        collection, limit = match.group(1), None
    else:
        return None
    base = f"{root}/{tenant.username}"
    entries = [_entry(base, page, revision) for page, revision in _items(tenant, collection, limit)]
    if collection == "publications":
        entries = _with_bibliography(tenant, base, entries)
    if collection != "posts" and not entries:
        return None
    feed = _feed(tenant, settings, root, subpath, collection, entries)
    response = Response(render_template("theme/feed.xml", feed=feed), content_type=ATOM)
    response.add_etag()
    response.last_modified = max([*(entry.updated_at for entry in entries), tenant.profile.updated_at])
    return response


def _items(tenant: User, collection: str, limit: int | None) -> list[tuple[Page, Revision]]:
    query = (select(Page, Revision)
             .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
             .where(Page.user_id == tenant.id, Page.collection == collection, Page.deleted_at.is_(None),
                    Page.published.is_(True), Page.moderation_reason.is_(None))
             # Newest first, as Jekyll sorts a collection by date (undated items last) and jekyll-feed takes the top.
             .order_by(Page.item_date.is_(None), Page.item_date.desc(), Page.updated_at.desc(), Page.id.desc()))
    return [(page, revision) for page, revision in db.session.execute(query.limit(limit)).all()]


def _with_bibliography(tenant: User, base: str, items: list[FeedEntry]) -> list[FeedEntry]:
    """The publications feed holds the bibliography's entries too, as site.publications lists them; an entry's
    page is served at its address, so an item of the tenant's own at the same address is not in the feed."""
    current = bibliography.current_version(tenant)
    if current is None or not current.rendered:
        return items
    entries = [_bibliography_entry(base, entry, current.created_at) for entry in bibliography.entries_of(current)]
    shown = {entry.url for entry in entries}
    merged = [item for item in items if item.url not in shown] + entries
    return sorted(merged, key=lambda entry: (entry.day is not None, entry.day or date.min), reverse=True)


def _bibliography_entry(base: str, entry: dict, saved_at: datetime) -> FeedEntry:
    front = entry["front_matter"]
    # Sanitized when the bibliography was saved (services.bibliography._formatted).
    return FeedEntry(title=xml_text(entry["title"] or entry["key"]), url=base + front["permalink"],
                     day=_day(front.get("date")), updated_at=saved_at, content_html=xml_text(entry["entry_html"]),
                     summary=xml_text(entry["scholar"].get("abstract", "")), language=None, categories=())


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _feed(tenant: User, settings: page_heads.SiteSettings, root: str, subpath: str, collection: str,
          entries: list[FeedEntry]) -> Feed:
    base = f"{root}/{tenant.username}"
    name = settings.title or tenant.profile.display_name or tenant.username
    if collection != "posts":
        name = f"{name} | {TITLES.get(collection, collection.capitalize())}"
    updated = max((entry.updated_at for entry in entries), default=tenant.profile.updated_at)
    return Feed(title=xml_text(name), subtitle=xml_text(settings.description), self_url=f"{base}/{subpath}",
                home_url=f"{base}/", service_url=f"{root}/", language=page_heads.site_language(tenant, settings).tag,
                updated=rfc3339(updated), author=xml_text(tenant.profile.display_name or tenant.username),
                entries=tuple(entries))


def _entry(base: str, page: Page, revision: Revision) -> FeedEntry:
    front = revision.front_matter or {}
    language = language_of(front.get("lang"))
    return FeedEntry(
        title=xml_text(revision.title), url=base + page.permalink, day=page.item_date,
        updated_at=revision.created_at,
        content_html=xml_text(revision.body_html.strip()), summary=xml_text(revision.description),
        language=language.tag if language else None, categories=_categories(front))


def _categories(front: dict) -> tuple[str, ...]:
    terms = []
    for key in ("category", "categories", "tags"):
        value = front.get(key)
        for term in [value] if isinstance(value, str) else value if isinstance(value, list) else ():
            if isinstance(term, str | int) and not isinstance(term, bool) and str(term).strip():
                terms.append(xml_text(" ".join(str(term).split())))
    return tuple(dict.fromkeys(terms))


def xml_text(text: str) -> str:
    """The text without the characters XML cannot carry (the template escapes the rest)."""
    return NOT_XML.sub("", text or "")


def rfc3339(moment: datetime | date) -> str:
    if not isinstance(moment, datetime):
        return f"{moment.isoformat()}T00:00:00Z"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
