"""The publishing pipeline: bytes -> decode -> front matter -> Liquid -> Markdown -> sanitize -> links.

Plain Python: no Flask, no database. `publish_source` returns a `Rendered` or raises `PublishError` with a
message the author can act on. The site a page's Liquid reads (its config, data files, collections) comes in as
a `SiteContext`; the sanitizer sees every byte of the result, whatever Liquid or an include made of it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from . import budget
from .decode import decode_source
from .errors import PublishError
from .frontmatter import front_matter_after_blank_lines, load_yaml, split_front_matter
from .layouts import apply_site_layouts, item_layout, theme_layout_lines
from .liquid import render_liquid
from .markdown import render_markdown_with_notices
from .meta import PageMeta, read_page_meta
from .nesting import check_nesting
from .raw_blocks import put_back
from .sanitize import sanitize_html
from .site import EMPTY_SITE, SiteContext, document_date, front_matter_defaults

__all__ = ["HTML_SUFFIXES", "PageMeta", "PublishError", "Rendered", "SiteContext", "front_matter_defaults",
           "load_yaml_document", "publish_source"]

FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class Rendered:
    meta: PageMeta
    front_matter: dict  # the page's own, over the site's defaults for it
    source_text: str
    body_html: str
    notices: tuple[str, ...]
    reads: frozenset[str] = frozenset()  # what of the site its Liquid read ('site.data.cv', 'site.talks')
    layout_draws_title: bool = False  # the site's own layout writes the title: the theme draws none
    # What the site's own copy of academicpages' single or talk layout writes under the title and after the
    # content (None: the site has none, and the theme writes academicpages' lines itself).
    header_html: str | None = None
    after_content_html: str | None = None


def publish_source(raw: bytes, *, filename: str, tenant_base: str, default_permalink: str | None = None,
                   site: SiteContext = EMPTY_SITE, defaults: dict | None = None,
                   collection: str | None = None) -> Rendered:
    """`default_permalink` is the address when the front matter gives none (a collection item's
    '/publications/<name>/'); without it the file name decides ('cv.md' -> '/cv/'). `defaults` are the
    _config.yml defaults that apply to this file; its own front matter wins over them. `collection` names the
    collection of an item ('publications'), which its Liquid reads as page.collection."""
    try:
        with budget.cpu_budget(budget.RENDER_CPU_SECONDS):
            return _publish(raw, filename, tenant_base, default_permalink, site, defaults or {}, collection)
    except RecursionError:
        # check_nesting bounds every nesting we know of; this keeps one we do not from becoming a 500.
        raise PublishError(f"{filename}: parts of this page are nested too deeply to render (quotes, lists or "
                           "HTML inside one another). Flatten the deepest part and upload it again.") from None
    except budget.OutOfTime:
        raise PublishError(f"{filename}: this page takes more than {budget.RENDER_CPU_SECONDS:g} s to render, "
                           "which no page of text needs. Look for a long run of '[' or '<', an HTML tag that "
                           "is never closed with '>', or a Liquid loop over a large list, or split the page in "
                           "two.") from None


def _publish(raw: bytes, filename: str, tenant_base: str, default_permalink: str | None, site: SiteContext,
             defaults: dict, collection: str | None) -> Rendered:
    text, notices = decode_source(raw, filename)
    notices += front_matter_after_blank_lines(text, filename)
    front, body, body_line = split_front_matter(text, filename)
    if defaults:
        # A layout from the defaults decides what the theme shows under the title, as in Jekyll; only a layout the
        # file names itself gets a notice (read_page_meta), not every page the defaults cover.
        front = replace(front, values={**defaults, **front.values})
    page = {**front.values, "url": front.values.get("permalink") or default_permalink or "", "path": filename}
    if collection:
        page.update(collection=collection, date=page.get("date") or document_date(filename, site))
    liquid = render_liquid(body, site=site, page=page, filename=filename, first_line=body_line, blocks_aside=True)
    check_nesting(liquid.text, body_line, filename)
    markup, markdown_notices = _render(liquid.text, filename, body_line)
    markup = put_back(markup, liquid.raw_blocks)
    laid_out = apply_site_layouts(markup, layout=front.values.get("layout"), site=site, page=page, filename=filename)
    body_html = sanitize_html(laid_out.html, tenant_base)
    meta, meta_notices = read_page_meta(front, filename, _first_paragraph_text(body_html), default_permalink,
                                        site_layouts=laid_out.layouts)
    if laid_out.draws_title:
        meta = replace(meta, author_profile=False)  # as under academicpages' default layout: no sidebar
    frame = laid_out.frame or (item_layout(collection) if collection else None)
    lines = theme_layout_lines(frame, site=site, page=page)
    return Rendered(meta=meta, front_matter=front.values, source_text=text, body_html=body_html,
                    notices=tuple(notices + meta_notices + list(liquid.notices) + markdown_notices
                                  + list(laid_out.notices) + list(lines.notices)),
                    reads=liquid.reads | laid_out.reads | lines.reads, layout_draws_title=laid_out.draws_title,
                    header_html=_sanitized(lines.header, tenant_base),
                    after_content_html=_sanitized(lines.after_content, tenant_base))


def _sanitized(markup: str | None, tenant_base: str) -> str | None:
    return None if markup is None else sanitize_html(markup, tenant_base).strip()


def _render(body: str, filename: str, first_line: int) -> tuple[str, list[str]]:
    # Jekyll runs only Markdown files through kramdown; an .html page is HTML already.
    if filename.lower().endswith(HTML_SUFFIXES):
        return body, []
    return render_markdown_with_notices(body, first_line)


def load_yaml_document(raw: bytes, filename: str):
    """A whole YAML file (an academicpages _config.yml), decoded and parsed like front matter, within a CPU budget:
    site files are read in requests and import jobs, where nothing else bounds them."""
    try:
        with budget.cpu_budget(budget.YAML_CPU_SECONDS):
            text, _notices = decode_source(raw, filename)
            value, _lines = load_yaml(text, filename)
    except budget.OutOfTime:
        raise PublishError(f"{filename}: reading this file takes more than {budget.YAML_CPU_SECONDS:g} s of CPU, "
                           "which no site file needs. Shorten it, or split it into smaller files.") from None
    return value


def _first_paragraph_text(body_html: str) -> str:
    match = FIRST_PARAGRAPH.search(body_html)
    return html.unescape(TAG.sub("", match.group(1))) if match else ""
