"""academicpages collections: publications, talks, teaching, portfolio, posts, and those a _config.yml names.

An item is a page with `collection` set; a listing page is any page whose Liquid loops over the collection
(`{% for post in site.publications reversed %}{% include archive-single.html %}{% endfor %}`), rendered at
publish time and again whenever an item of that collection changes.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, replace
from datetime import date as Date
from datetime import datetime
from urllib.parse import urlsplit

from markupsafe import Markup
from sqlalchemy import select

from ..extensions import db
from ..models import Page, Revision, SiteFile, User
from ..publishing import PublishError, load_yaml_document
from ..publishing.layouts import item_layout
from ..publishing.links import canonical_path, resolve_url
from ..publishing.liquid import COLLECTIONS
from ..publishing.memo import MISSING, BoundedMemo, weight
from ..publishing.sanitize import sanitize_inline

__all__ = ["COLLECTIONS", "CollectionItem", "ItemStyle", "canonical_path", "default_item_permalink", "item_of",
           "item_style"]

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


# After a single item's content, academicpages' layout shows the citation and its download links chosen by the
# first rule whose fields are all present (a paper link alone shows nothing: its Markdown usually has one).
DOWNLOAD_RULES: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = tuple(
    (frozenset(needs.split()), tuple(shows.split())) for needs, shows in (
        ("citation paper slides bibtex", "paper slides bibtex"), ("citation paper slides", "paper slides"),
        ("citation paper bibtex", "paper bibtex"), ("citation paper", "paper"),
        ("citation slides bibtex", "slides bibtex"), ("citation slides", "slides"),
        ("slides bibtex", "slides bibtex"), ("paper bibtex", "paper bibtex"), ("citation bibtex", "bibtex"),
        ("citation", ""), ("slides", "slides"), ("bibtex", "bibtex"),
    ))
DOWNLOAD_LABELS = {"paper": "Download Paper", "slides": "Download Slides", "bibtex": "Download Bibtex"}


@dataclass(frozen=True)
class ItemStyle:
    """How the site's own academicpages version words and places an item's facts. Its layouts are not imported,
    but its archive-single include is, and each version shows a citation there as its single layout does: the
    older one under the title with the paper's address written out, the newer one after the content with
    'Download Paper' links."""

    citation_in_header: bool = False
    date_label: str = "Published:"
    link_label: str = "Direct Link"


@dataclass(frozen=True)
class Download:
    label: str
    url: str  # "" when the front matter names the link but leaves it empty: Jekyll links to the page itself


@dataclass(frozen=True)
class CollectionItem:
    title: str
    url: str
    date: Date | None
    updated_at: datetime
    collection: str
    venue: Markup = Markup("")  # venue and citation: sanitized inline HTML (emphasis only)
    kind: str = ""  # a talk's or a course's 'type'
    location: str = ""
    excerpt: str = ""
    citation: Markup | None = None  # None: no citation; "" an empty one, which academicpages still shows
    paper_url: str | None = None
    slides_url: str | None = None
    link_url: str | None = None
    bibtex_url: str | None = None
    layout: str = "single"  # academicpages' single or talk decides the lines under the title; others show less
    talk_type: str = ""  # a talk layout shows '<talk_type> at <venue>' only with this key ('type' is not enough)
    modified: Date | None = None
    style: ItemStyle = ItemStyle()

    @property
    def shown_date(self) -> Date | None:
        """Jekyll dates an undated collection document with the time of the build; a page has only its own."""
        return self.date or (self.updated_at.date() if self.collection else None)

    def downloads(self) -> tuple[bool, tuple[Download, ...]]:
        """Whether the citation shows after the content, and the download links beside it."""
        urls = {"paper": self.paper_url, "slides": self.slides_url, "bibtex": self.bibtex_url}
        given = {name: url for name, url in urls.items() if url is not None}
        present = set(given)
        if self.citation is not None:
            present.add("citation")
        for needs, shows in DOWNLOAD_RULES:
            if needs <= present:
                return "citation" in needs, tuple(Download(DOWNLOAD_LABELS[name], given[name]) for name in shows)
        return False, ()


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
    path = jekyll_url(re.sub(r":\w+", lambda match: values.get(match.group(0), ""), template))
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def jekyll_url(path: str) -> str:
    """Jekyll's URL#sanitize_url: every '..' becomes '/', every './' goes, runs of '/' become one. A template or a
    category cannot climb out of the site ('/../../bob/t/' is '/bob/t/'); what else is wrong with the address
    (a space, a '?') is for publishing.meta.normalize_path to refuse."""
    return re.sub(r"/{2,}", "/", ("/" + path).replace("..", "/").replace("./", ""))


def listing_page_source(collection: str) -> str:
    """The Markdown of a listing page, as academicpages writes one (so it also builds with Jekyll)."""
    return LISTING_SOURCE.format(title=TITLES[collection], permalink=LISTING_PERMALINKS[collection],
                                 collection=collection)


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text.strip().lower()).strip("-")


STYLE_FILES = ("_includes/archive-single.html", "_config.yml", "_data/ui-text.yml")
OLDER_CITATION = re.compile(r"<u>\s*{{-?\s*post\.paperurl\s*-?}}\s*</u>")


# Item pages are drawn at view time; the style is worked out once per content of the files it comes from.
STYLES = BoundedMemo(max_bytes=4 * 1024 * 1024, max_entry_bytes=64 * 1024)


def item_style(tenant: User) -> ItemStyle:
    files = dict(db.session.execute(select(SiteFile.path, SiteFile.source).where(
        SiteFile.user_id == tenant.id, SiteFile.current.is_(True), SiteFile.path.in_(STYLE_FILES))).all())
    sources = tuple(files.get(path) or b"" for path in STYLE_FILES)
    key = tuple(hashlib.sha256(source).digest() for source in sources)
    style = STYLES.get(key)
    if style is MISSING:
        style = _style_of(*sources)
        STYLES.put(key, style, weight(key) + 1024)
    return style


def _style_of(include_raw: bytes, config_raw: bytes, ui_text_raw: bytes) -> ItemStyle:
    labels = _ui_text(config_raw, ui_text_raw)
    return ItemStyle(citation_in_header=bool(OLDER_CITATION.search(include_raw.decode("utf-8", "replace"))),
                     date_label=_label(labels.get("date_label"), ItemStyle.date_label),
                     link_label=_label(labels.get("ext_link_label"), ItemStyle.link_label))


def _ui_text(config_raw: bytes | None, ui_text_raw: bytes | None) -> dict:
    """The site's _data/ui-text.yml labels for its `locale:` (Jekyll's site.data.ui-text[site.locale])."""
    if not ui_text_raw:
        return {}
    try:
        config = load_yaml_document(config_raw, STYLE_FILES[1]) if config_raw else {}
        ui_text = load_yaml_document(ui_text_raw, STYLE_FILES[2])
    except PublishError:
        return {}
    locale = config.get("locale") if isinstance(config, dict) else None
    labels = ui_text.get(locale) if isinstance(ui_text, dict) and isinstance(locale, str) else None
    return labels if isinstance(labels, dict) else {}


def _label(value, default: str) -> str:
    return _text(value) if isinstance(value, str) and value.strip() else default


def item_of(tenant: User, page: Page, revision: Revision) -> CollectionItem:
    item = _item(f"/{tenant.username}", page.title, page.permalink, page.item_date, page.updated_at,
                 page.collection or "", revision.front_matter, revision.description)
    return replace(item, style=item_style(tenant))


def header_of(tenant: User, page: Page, revision: Revision) -> CollectionItem | None:
    """What a page shows under its title: an item's facts; for a page of academicpages' single layout (its
    default), the dates its front matter gives ('modified:' on academicpages' own terms page), and the citation
    and link it names, as that layout shows them for any page."""
    if page.collection:
        return item_of(tenant, page, revision)
    front = revision.front_matter
    if front.get("layout", "single") != "single" or not any(
            _date_of(front.get(key)) for key in ("date", "modified")):
        return None
    item = _item(f"/{tenant.username}", page.title, page.permalink, _date_of(front.get("date")),
                 page.updated_at, "", front, revision.description)
    return replace(item, style=item_style(tenant))


def _item(base: str, title: str, permalink: str, item_date: Date | None, updated_at: datetime, collection: str,
          front: dict, description: str) -> CollectionItem:
    layout = front.get("layout")
    return CollectionItem(
        title=title, url=base + permalink, date=item_date, updated_at=updated_at, collection=collection,
        venue=_inline_html(front.get("venue")),
        kind=_text(front.get("talk_type") or front.get("type")), location=_text(front.get("location")),
        excerpt=description,
        citation=None if _absent(front.get("citation")) else _inline_html(front.get("citation")),
        paper_url=_named_url(front.get("paperurl"), base), slides_url=_named_url(front.get("slidesurl"), base),
        link_url=_named_url(front.get("link"), base), bibtex_url=_named_url(front.get("bibtexurl"), base),
        layout=layout if isinstance(layout, str) and layout else item_layout(collection),
        talk_type=_text(front.get("talk_type")), modified=_date_of(front.get("modified")),
    )


def _absent(value) -> bool:
    # Liquid's falsy values: a key left empty ('citation:') or false; an empty string '' is truthy there.
    return value is None or value is False


def _named_url(value, base: str) -> str | None:
    """safe_url, keeping a link the front matter names with an empty value ('slidesurl: ""'), as Liquid, for
    which an empty string is true, shows it (an empty href: the page itself)."""
    if isinstance(value, str) and not value.strip():
        return ""
    return safe_url(value, base)


def _date_of(value) -> Date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, Date):
        return value
    try:
        return Date.fromisoformat(str(value).strip()[:10]) if value is not None else None
    except ValueError:
        return None


def _text(value) -> str:
    # The author's plain text: markup is dropped and the template escapes what is left.
    if value is None or isinstance(value, dict | list):
        return ""
    return html.unescape(re.sub(r"<[^>]*>", "", str(value))).strip()


def _inline_html(value) -> Markup:
    if value is None or isinstance(value, dict | list):
        return Markup("")
    # Trusted because it is the sanitizer's output: the theme prints it as it is.
    return Markup(sanitize_inline(str(value).strip()))


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
