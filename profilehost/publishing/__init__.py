"""The publishing pipeline: bytes -> decode -> front matter -> Liquid shims -> Markdown -> sanitize -> links.

Plain Python: no Flask, no database. `publish_source` returns a `Rendered` or raises `PublishError` with a
message the author can act on.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from . import budget
from .decode import decode_source
from .errors import PublishError
from .frontmatter import load_yaml, split_front_matter
from .liquid import apply_liquid_shims, extract_collection_loops, insert_listing_elements, listings_in
from .markdown import render_markdown
from .meta import PageMeta, read_page_meta
from .nesting import check_nesting
from .sanitize import sanitize_html

__all__ = ["HTML_SUFFIXES", "PageMeta", "PublishError", "Rendered", "load_yaml_document", "publish_source"]

FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class Rendered:
    meta: PageMeta
    front_matter: dict
    source_text: str
    body_html: str
    notices: tuple[str, ...]
    listings: tuple[str, ...] = ()  # the collections whose items the served page lists


def publish_source(raw: bytes, *, filename: str, tenant_base: str, default_permalink: str | None = None) -> Rendered:
    """`default_permalink` is the address when the front matter gives none (a collection item's
    '/publications/<name>/'); without it the file name decides ('cv.md' -> '/cv/')."""
    text, notices = decode_source(raw, filename)
    front, body, body_line = split_front_matter(text, filename)
    body, listing_tokens, loop_notices = extract_collection_loops(body, body_line)
    body, liquid_notices = apply_liquid_shims(body, body_line)
    check_nesting(body, body_line, filename)
    body_html = insert_listing_elements(_render(body, filename, tenant_base), listing_tokens)
    meta, meta_notices = read_page_meta(front, filename, _first_paragraph_text(body_html), default_permalink)
    return Rendered(meta=meta, front_matter=front.values, source_text=text, body_html=body_html,
                    notices=tuple(notices + meta_notices + loop_notices + liquid_notices),
                    listings=tuple(listing.collection for _element, listing in listings_in(body_html)))


def _render(body: str, filename: str, tenant_base: str) -> str:
    try:
        with budget.cpu_budget(budget.RENDER_CPU_SECONDS):
            # Jekyll runs only Markdown files through kramdown; an .html page is HTML already.
            markup = body if filename.lower().endswith(HTML_SUFFIXES) else render_markdown(body)
            return sanitize_html(markup, tenant_base)
    except RecursionError:
        # check_nesting bounds every nesting we know of; this keeps one we do not from becoming a 500.
        raise PublishError(f"{filename}: parts of this page are nested too deeply to render (quotes, lists or "
                           "HTML inside one another). Flatten the deepest part and upload it again.") from None
    except budget.OutOfTime:
        raise PublishError(f"{filename}: this page takes more than {budget.RENDER_CPU_SECONDS:g} s to render, "
                           "which no page of text needs. Look for a long run of '[' or '<', or an HTML tag that "
                           "is never closed with '>', or split the page in two.") from None


def load_yaml_document(raw: bytes, filename: str):
    """A whole YAML file (an academicpages _config.yml), decoded and parsed like front matter."""
    text, _notices = decode_source(raw, filename)
    value, _lines = load_yaml(text, filename)
    return value


def _first_paragraph_text(body_html: str) -> str:
    match = FIRST_PARAGRAPH.search(body_html)
    return html.unescape(TAG.sub("", match.group(1))) if match else ""
