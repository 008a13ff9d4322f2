"""Icons for the theme, from the Font Awesome Free package installed with the app (no CDN, nothing copied
into the repository): the few the sidebar uses are read once at start into one SVG sprite."""

from __future__ import annotations

import re
from importlib import resources

from flask import Flask, Response

# Our name -> (Font Awesome folder, icon). Academic services Font Awesome lacks get a fitting generic icon.
ICONS = {
    "email": ("solid", "envelope"),
    "homepage": ("solid", "globe"),
    "google_scholar": ("brands", "google-scholar"),
    "orcid": ("brands", "orcid"),
    "github": ("brands", "github"),
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
    "menu": ("solid", "bars"),
}
SVG = re.compile(r'<svg[^>]*viewBox="([^"]+)"[^>]*>(.*)</svg>', re.S)
LICENSE = re.compile(r"<!--!(.*?)-->", re.S)


def build_sprite() -> bytes:
    root = resources.files("fontawesomefree").joinpath("static", "fontawesomefree", "svgs")
    symbols, notice = [], ""
    for name, (folder, icon) in ICONS.items():
        text = root.joinpath(folder, f"{icon}.svg").read_text()
        notice = notice or (LICENSE.search(text).group(1).strip() if LICENSE.search(text) else "")
        view_box, inner = SVG.search(text).groups()
        symbols.append(f'<symbol id="{name}" viewBox="{view_box}">{LICENSE.sub("", inner).strip()}</symbol>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg"><!-- {notice} -->' + "".join(symbols) + "</svg>").encode()


def init_theme_assets(app: Flask) -> None:
    sprite = build_sprite()

    @app.get("/theme/icons.svg")
    def theme_icons():
        response = Response(sprite, mimetype="image/svg+xml")
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response
