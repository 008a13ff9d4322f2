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
    published: str | None  # RFC 3339
    updated: str
    content_html: str
    summary: str
    language: str | None
    categories: tuple[str, ...]


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
    rows = _items(tenant, collection, limit)
    if collection != "posts" and not rows:
        return None
    feed = _feed(tenant, settings, root, subpath, collection, rows)
    response = Response(render_template("theme/feed.xml", feed=feed), content_type=ATOM)
    response.add_etag()
    response.last_modified = max([*(revision.created_at for _page, revision in rows), tenant.profile.updated_at])
    return response


def _items(tenant: User, collection: str, limit: int | None) -> list[tuple[Page, Revision]]:
    query = (select(Page, Revision)
             .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
             .where(Page.user_id == tenant.id, Page.collection == collection, Page.deleted_at.is_(None),
                    Page.published.is_(True), Page.moderation_reason.is_(None))
             # Newest first, as Jekyll sorts a collection by date (undated items last) and jekyll-feed takes the top.
             .order_by(Page.item_date.is_(None), Page.item_date.desc(), Page.updated_at.desc(), Page.id.desc()))
    return [(page, revision) for page, revision in db.session.execute(query.limit(limit)).all()]


def _feed(tenant: User, settings: page_heads.SiteSettings, root: str, subpath: str, collection: str,
          rows: list[tuple[Page, Revision]]) -> Feed:
    base = f"{root}/{tenant.username}"
    name = settings.title or tenant.profile.display_name or tenant.username
    if collection != "posts":
        name = f"{name} | {TITLES.get(collection, collection.capitalize())}"
    entries = tuple(_entry(base, page, revision) for page, revision in rows)
    updated = max((revision.created_at for _page, revision in rows), default=tenant.profile.updated_at)
    return Feed(title=xml_text(name), subtitle=xml_text(settings.description), self_url=f"{base}/{subpath}",
                home_url=f"{base}/", service_url=f"{root}/", language=page_heads.site_language(tenant, settings).tag,
                updated=rfc3339(updated), author=xml_text(tenant.profile.display_name or tenant.username),
                entries=entries)


def _entry(base: str, page: Page, revision: Revision) -> FeedEntry:
    front = revision.front_matter or {}
    language = language_of(front.get("lang"))
    return FeedEntry(
        title=xml_text(revision.title), url=base + page.permalink,
        published=rfc3339(page.item_date) if page.item_date else None, updated=rfc3339(revision.created_at),
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
