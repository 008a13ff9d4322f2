"""Icons for the public theme, from packages installed with the app (no CDN, no icon file copied into the
repository): the few icons the theme uses are read once, at the first request for them, into one small SVG
sprite, served at /theme/icons.svg, and used as <svg class="icon"><use href="/theme/icons.svg#github"></use></svg>.

Font Awesome Free (`fontawesomefree`) gives the generic icons and most brands. The academic services it lacks
(arXiv, Semantic Scholar, dblp) come from Simple Icons (`simple-icons-pack`, CC0) when that package is
installed, and fall back to a fitting generic Font Awesome icon when it is not.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources

from flask import Flask, Response, request

SPRITE_URL = "/theme/icons.svg"

# Sprite id -> (Font Awesome folder, icon). The ids are the link kinds of services.sites.LINK_KINDS, plus the
# theme's own icons.
FONT_AWESOME = {
    "email": ("solid", "envelope"),
    "homepage": ("solid", "globe"),
    "google_scholar": ("brands", "google-scholar"),
    "orcid": ("brands", "orcid"),
    "github": ("brands", "github"),
    "stackoverflow": ("brands", "stack-overflow"),
    "linkedin": ("brands", "linkedin"),
    "twitter": ("brands", "x-twitter"),
    "bluesky": ("brands", "bluesky"),
    "mastodon": ("brands", "mastodon"),
    "researchgate": ("brands", "researchgate"),
    "semantic_scholar": ("solid", "book-open"),
    "dblp": ("solid", "database"),
    "arxiv": ("solid", "file-lines"),
    "location": ("solid", "location-dot"),
    "employer": ("solid", "building-columns"),
    "moon": ("solid", "moon"),
    "sun": ("solid", "sun"),
    "edit": ("solid", "pen-to-square"),
    "chevron": ("solid", "chevron-down"),
    "link": ("solid", "link"),
}
# Sprite id -> Simple Icons slug: the real marks of academic services Font Awesome does not have.
SIMPLE_ICONS = {"arxiv": "arxiv", "semantic_scholar": "semanticscholar", "dblp": "dblp"}

SVG = re.compile(r"<svg\b[^>]*\bviewBox=\"([^\"]+)\"[^>]*>(.*)</svg>", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
TITLE = re.compile(r"<title>.*?</title>", re.S)
FA_NOTICE = re.compile(r"<!--!\s*(.*?)\s*-->", re.S)
CACHE_CONTROL = "public, max-age=604800, stale-while-revalidate=86400"


def _symbol(sprite_id: str, svg_text: str) -> str:
    match = SVG.search(svg_text)
    if match is None:
        raise ValueError(f"icon {sprite_id!r}: no <svg viewBox> in the package's file")
    view_box, inner = match.groups()
    inner = TITLE.sub("", COMMENT.sub("", inner)).strip()
    return f'<symbol id="{sprite_id}" viewBox="{view_box}">{inner}</symbol>'


def _simple_icons() -> dict[str, str]:
    """Sprite id -> SVG text from Simple Icons, or nothing when the package is not installed."""
    try:
        from simple_icons_pack import get_icon
    except ImportError:
        return {}
    found = {sprite_id: get_icon(slug) for sprite_id, slug in SIMPLE_ICONS.items()}
    return {sprite_id: icon.svg for sprite_id, icon in found.items() if icon is not None}


def build_sprite() -> bytes:
    root = resources.files("fontawesomefree").joinpath("static", "fontawesomefree", "svgs")
    simple = _simple_icons()
    symbols, notice = [], ""
    for sprite_id, (folder, name) in FONT_AWESOME.items():
        if sprite_id in simple:
            symbols.append(_symbol(sprite_id, simple[sprite_id]))
            continue
        text = root.joinpath(folder, f"{name}.svg").read_text(encoding="utf-8")
        if not notice and (match := FA_NOTICE.search(text)):
            notice = match.group(1).replace("--", "-")
        symbols.append(_symbol(sprite_id, text))
    credits = notice + (" Simple Icons (CC0 1.0): " + ", ".join(sorted(simple)) + "." if simple else "")
    return (f'<svg xmlns="http://www.w3.org/2000/svg"><!-- {credits} -->' + "".join(symbols) + "</svg>").encode()


def init_theme_assets(app: Flask) -> None:
    """Serve the sprite at SPRITE_URL (cached for a week by browsers and proxies, revalidated by ETag after that);
    templates reach the URL as the Jinja global `theme_icons_url`. It is built at its first request, not here:
    making an app reads no files."""
    app.jinja_env.globals["theme_icons_url"] = SPRITE_URL

    def theme_icons() -> Response:
        sprite, etag = _sprite_and_etag()
        response = Response(sprite, mimetype="image/svg+xml")
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.set_etag(etag)
        return response.make_conditional(request)

    app.add_url_rule(SPRITE_URL, endpoint="theme_icons", view_func=theme_icons, methods=["GET"])


@cache
def _sprite_and_etag() -> tuple[bytes, str]:
    sprite = build_sprite()
    return sprite, hashlib.sha256(sprite).hexdigest()[:16]
