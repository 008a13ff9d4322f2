"""What a tenant's page says in its <head> beyond the theme: its language (<html lang dir>, og:locale), the site's
Atom feed (<link rel="alternate">), and on a publication's page Google Scholar's tags with ScholarlyArticle JSON-LD.

The site's own settings come from its _config.yml (read once per content of the file), the dashboard's profile,
and the page's front matter; every value is checked here, so a template only writes what it is given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from sqlalchemy import select

from ..extensions import db
from ..models import SiteFile, User
from ..publishing import PublishError, load_yaml_document
from ..publishing.links import resolve_url
from ..publishing.memo import MISSING, BoundedMemo, weight
from ..publishing.meta import ENGLISH, Language, language_of
from ..publishing.scholar import ScholarMeta, scholar_meta
from ..services import sites
from ..services.assets import SERVED_FOLDERS, served_file

CONFIG_FILE = "_config.yml"
DEFAULT_FEED_PATH = "feed.xml"
COLLECTION_FEED = "feed/{}.xml"
POSTS_LIMIT = 10  # jekyll-feed's
POSTS_LIMIT_MAX = 100
PUBLICATION_COLLECTIONS = ("publications",)
# Parsed settings per content of a _config.yml: a page view must not parse YAML.
SETTINGS = BoundedMemo(max_bytes=4 * 1024 * 1024, max_entry_bytes=64 * 1024)


@dataclass(frozen=True)
class SiteSettings:
    """A site's _config.yml as the heads and feeds read it (jekyll-feed's `feed:`, minimal-mistakes' `atom_feed:`)."""

    language: Language | None = None
    title: str = ""
    description: str = ""
    feed_paths: tuple[str, ...] = (DEFAULT_FEED_PATH,)  # where the posts feed is served, under /<username>/
    feed_link: str = DEFAULT_FEED_PATH  # what heads link to: one of feed_paths, or an https:// address
    feed_hidden: bool = False
    posts_limit: int = POSTS_LIMIT


@dataclass(frozen=True)
class PageHead:
    language: Language
    feed_url: str | None  # absolute; None when the config hides the feed
    feed_title: str
    scholar: ScholarMeta | None = None


def site_settings(tenant: User) -> SiteSettings:
    raw = db.session.scalar(select(SiteFile.source).where(
        SiteFile.user_id == tenant.id, SiteFile.path == CONFIG_FILE, SiteFile.current.is_(True))) or b""
    key = hashlib.sha256(raw).digest()
    settings = SETTINGS.get(key)
    if settings is MISSING:
        settings = settings_of(raw)
        SETTINGS.put(key, settings, weight(key) + 2048)
    return settings


def settings_of(raw: bytes) -> SiteSettings:
    try:
        config = load_yaml_document(raw, CONFIG_FILE) if raw else {}
    except PublishError:
        config = {}  # a config that does not parse was refused when uploaded; an older one cannot stop a page
    if not isinstance(config, dict):
        return SiteSettings()
    feed = config.get("feed") if isinstance(config.get("feed"), dict) else {}
    atom = config.get("atom_feed") if isinstance(config.get("atom_feed"), dict) else {}
    served = site_path(feed.get("path")) or DEFAULT_FEED_PATH
    advertised = atom.get("path")
    own = site_path(advertised)
    external = advertised.strip() if isinstance(advertised, str) and _is_web_address(advertised.strip()) else ""
    limit = feed.get("posts_limit")
    return SiteSettings(
        # academicpages and minimal-mistakes say `locale`; jekyll-seo-tag and jekyll-feed read `lang`.
        language=language_of(config.get("locale")) or language_of(config.get("lang")),
        title=_text(config.get("title")) or _text(config.get("name")),
        description=_text(config.get("description")),
        feed_paths=tuple(dict.fromkeys((served, own) if own else (served,))),
        feed_link=own or external or served,
        feed_hidden=atom.get("hide") is True,
        posts_limit=min(limit, POSTS_LIMIT_MAX) if isinstance(limit, int) and not isinstance(limit, bool)
        and limit > 0 else POSTS_LIMIT,
    )


def site_path(value) -> str | None:
    """A feed's address on the site, as a path under /<username>/ ('/atom.xml' -> 'atom.xml'), or None for
    anything that is not one: a web address, a folder, '..', characters a path cannot hold."""
    if not isinstance(value, str):
        return None
    path = value.strip().lstrip("/")
    # Not assets.served_file: a folder's own name is refused too, as a feed written there would stand in its place.
    if (not path or path.endswith("/") or "://" in path or any(part in ("", ".", "..") for part in path.split("/"))
            or any(char in path for char in "?#\\\"'<> ") or not path.isprintable()
            or path.split("/", 1)[0] in SERVED_FOLDERS):
        return None
    return path


def _is_web_address(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and value.isprintable() and " " not in value


def _text(value) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def site_language(tenant: User, settings: SiteSettings) -> Language:
    """The dashboard's setting, else the config's `locale`, else English."""
    chosen = language_of(tenant.profile.locale) if tenant.profile and tenant.profile.locale else None
    return chosen or settings.language or ENGLISH


def feed_url(root: str, tenant: User, settings: SiteSettings) -> str | None:
    if settings.feed_hidden:
        return None
    if _is_web_address(settings.feed_link):
        return settings.feed_link
    return f"{root}/{tenant.username}/{quote(settings.feed_link)}"


def feed_title(tenant: User, settings: SiteSettings) -> str:
    name = settings.title or (tenant.profile.display_name if tenant.profile else "") or tenant.username
    return f"{name} Feed"


def site_head(tenant: User, root: str) -> PageHead:
    """A page of the site that is not one of its pages (its 404)."""
    settings = site_settings(tenant)
    return PageHead(site_language(tenant, settings), feed_url(root, tenant, settings), feed_title(tenant, settings))


def page_head(tenant: User, root: str, collection: str | None, front_matter: dict, title: str,
              page_url: str) -> PageHead:
    """A page's head; `collection` is the page's (None for a page that is no collection's item)."""
    settings = site_settings(tenant)
    language = language_of(front_matter.get("lang")) or site_language(tenant, settings)
    scholar = None
    if collection in PUBLICATION_COLLECTIONS or "entry_type" in front_matter:
        scholar = scholar_meta({**front_matter, "title": front_matter.get("title") or title}, page_url,
                               lambda value: own_pdf_url(tenant, root, value))
    return PageHead(language, feed_url(root, tenant, settings), feed_title(tenant, settings), scholar)


def own_pdf_url(tenant: User, root: str, value: str) -> str | None:
    """The absolute address of a PDF the tenant uploaded, for a link to it ('/files/paper.pdf', al-folio's
    '/assets/pdf/paper.pdf', a full address on this host): Google Scholar indexes a citation_pdf_url only on the
    page's own host. Anything else: None."""
    base = f"/{tenant.username}"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        if f"{parts.scheme}://{parts.netloc}".lower() != root.lower():
            return None
        value = parts.path
    path = urlsplit(resolve_url(value, base)).path
    served = served_file(path.removeprefix(base)) if path.startswith(base + "/") else None
    if served is None:
        return None
    asset = sites.public_asset(tenant, unquote(served[1]))
    if asset is None or asset.content_type != "application/pdf":
        return None
    return f"{root}{base}/files/{quote(asset.name)}"
