"""academicpages collections: publications, talks, teaching, portfolio, posts, and those a _config.yml names.

An item is a page with `collection` set; a listing page is any page whose Liquid loops over the collection
(`{% for post in site.publications reversed %}{% include archive-single.html %}{% endfor %}`), rendered at
publish time and again whenever an item of that collection changes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from ..models import Page, Revision, User
from ..publishing.links import canonical_path, resolve_url
from ..publishing.liquid import COLLECTIONS
from ..publishing.sanitize import sanitize_inline

__all__ = ["COLLECTIONS", "CollectionItem", "default_item_permalink", "item_of", "canonical_path"]

TITLES = {"publications": "Publications", "talks": "Talks and presentations", "teaching": "Teaching",
          "portfolio": "Portfolio", "posts": "Blog posts"}
ITEM_NAMES = {"publications": "publication", "talks": "talk", "teaching": "teaching", "portfolio": "portfolio item",
              "posts": "post"}


def item_name(collection: str) -> str:
    return ITEM_NAMES.get(collection, f"{collection} item")
# Where an import puts a collection's listing page when the site has none (academicpages' addresses).
LISTING_PERMALINKS = {"publications": "/publications/", "talks": "/talks/", "teaching": "/teaching/",
                      "portfolio": "/portfolio/", "posts": "/year-archive/"}
LISTING_SOURCE = """---
title: "{title}"
permalink: {permalink}
author_profile: true
---

{{% for post in site.{collection} reversed %}}
  {{% include archive-single.html %}}
{{% endfor %}}
"""
# Jekyll's defaults, as academicpages' _config.yml sets them.
DEFAULT_PERMALINKS = {"posts": "/:categories/:title/"}
COLLECTION_PERMALINK = "/:collection/:path/"
PRESETS = {"pretty": "/:categories/:year/:month/:day/:title/", "date": "/:categories/:year/:month/:day/:title/",
           "ordinal": "/:categories/:year/:y_day/:title/", "none": "/:categories/:title/"}
DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")


@dataclass(frozen=True)
class CollectionItem:
    title: str
    url: str
    date: date | None
    updated_at: datetime
    collection: str
    venue: str = ""  # venue and citation: sanitized inline HTML (emphasis only)
    kind: str = ""  # a talk's or a course's 'type'
    location: str = ""
    excerpt: str = ""
    citation: str = ""
    paper_url: str | None = None
    slides_url: str | None = None
    link_url: str | None = None


def default_item_permalink(collection: str, filename: str, template: str | None = None,
                           categories: list[str] | tuple[str, ...] = ()) -> str:
    """Where Jekyll puts an item without a `permalink:`: the collection's permalink template filled in."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    template = PRESETS.get(template or "", template) or DEFAULT_PERMALINKS.get(collection, COLLECTION_PERMALINK)
    dated = DATED_NAME.match(stem)
    title = dated.group(4) if dated else stem
    year, month, day = dated.groups()[:3] if dated else ("", "", "")
    values = {":collection": collection, ":path": stem, ":name": stem, ":title": _slug(title),
              ":categories": "/".join(_slug(category) for category in categories), ":year": year, ":month": month,
              ":day": day, ":y_day": "", ":output_ext": "/"}
    path = re.sub(r":\w+", lambda match: values.get(match.group(0), ""), template)
    path = re.sub(r"/{2,}", "/", "/" + path.strip("/") + "/")
    return path if path != "//" else "/"


def listing_page_source(collection: str) -> str:
    """The Markdown of a listing page, as academicpages writes one (so it also builds with Jekyll)."""
    return LISTING_SOURCE.format(title=TITLES[collection], permalink=LISTING_PERMALINKS[collection],
                                 collection=collection)


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text.strip().lower()).strip("-")


def item_of(tenant: User, page: Page, revision: Revision) -> CollectionItem:
    return _item(f"/{tenant.username}", page.title, page.permalink, page.item_date, page.updated_at,
                 page.collection or "", revision.front_matter, revision.description)


def _item(base: str, title: str, permalink: str, item_date: date | None, updated_at: datetime, collection: str,
          front: dict, description: str) -> CollectionItem:
    return CollectionItem(
        title=title, url=base + permalink, date=item_date, updated_at=updated_at, collection=collection,
        venue=_inline_html(front.get("venue")),
        kind=_text(front.get("talk_type") or front.get("type")), location=_text(front.get("location")),
        excerpt=description,
        citation=_inline_html(front.get("citation")), paper_url=safe_url(front.get("paperurl"), base),
        slides_url=safe_url(front.get("slidesurl"), base), link_url=safe_url(front.get("link"), base),
    )


def _text(value) -> str:
    # The author's plain text: markup is dropped and the template escapes what is left.
    if value is None or isinstance(value, dict | list):
        return ""
    return html.unescape(re.sub(r"<[^>]*>", "", str(value))).strip()


def _inline_html(value) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return sanitize_inline(str(value).strip())


def safe_url(value, base: str) -> str | None:
    """An http(s) or tenant-relative URL from front matter, resolved like a link in the page; anything else
    (javascript:, data:, a mapping) is dropped."""
    if not isinstance(value, str) or not value.strip():
        return None
    url = resolve_url(value.strip(), base)
    scheme = urlsplit(url).scheme
    if scheme in ("http", "https") or (not scheme and url.startswith("/") and not url.startswith("//")):
        return url
    return None
