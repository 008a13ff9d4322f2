"""A site's own layouts: the `_layouts/` files a site adds to its theme (academicpages forks add `book.html`,
`project.html`...), run around a page's content as Jekyll runs them, before the sanitizer sees the result.

The theme's own layouts (academicpages', minimal-mistakes' and al-folio's names) are the one shared theme here and
are never run: a chain of the site's layouts stops at the first theme layout it names. That frame decides what the
theme still draws: a page framed by `single` (or any titled layout) keeps the theme's title, its lines and the
author sidebar; a page framed by `default` (masthead and footer only, as academicpages' default.html) gets neither,
because the site's layout writes its own title and body around the content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeGuard

from .errors import PublishError
from .frontmatter import split_front_matter
from .liquid import render_liquid
from .meta import THEME_LAYOUTS
from .site import SiteContext

# Theme layouts that draw only the masthead and footer around their content: under them the site's layout is the
# whole page, its title included.
UNTITLED_FRAMES = frozenset({"default", "compress", "none", "splash"})
MAX_LAYOUT_CHAIN = 10
# academicpages' layouts whose header lines (venue, dates, a citation) and lines after the content (download links)
# a site's own copy decides; the theme draws the rest of the page.
LINED_LAYOUTS = ("single", "talk")
# Theme layouts that only wrap a page's content and hand it on to a theme frame (al-folio's about.html writes the
# profile picture and address of `page.profile` before the content, then names 'page'): a site's copy runs like
# the site's own layouts, and the theme draws the frame.
WRAPPING_LAYOUTS = ("about",)


@dataclass(frozen=True)
class LaidOut:
    html: str
    layouts: tuple[str, ...]  # the site's layouts that were run, innermost first
    draws_title: bool  # the site's layout writes the title: the theme shows no title, lines or sidebar
    frame: str | None = None  # the theme layout the page ends in ('single'), or the unknown name it gives
    notices: tuple[str, ...] = ()
    reads: frozenset[str] = frozenset()


def item_layout(collection: str) -> str:
    """An item's layout when neither its front matter nor the config's defaults name one: academicpages'
    defaults ('talk' for talks, 'single' for everything else)."""
    return "talk" if collection == "talks" else "single"


def is_kept_layout(name: str) -> bool:
    """A layout file profilehost keeps: the site's own, and its copies of the theme layouts it reads or runs."""
    return _is_run(name) or name in LINED_LAYOUTS


def is_site_layout(name: object, site: SiteContext) -> TypeGuard[str]:
    return isinstance(name, str) and name in site.layouts and _is_run(name)


def _is_run(name: str) -> bool:
    return name not in THEME_LAYOUTS or name in WRAPPING_LAYOUTS


def apply_site_layouts(content_html: str, *, layout: object, site: SiteContext, page: Mapping,
                       filename: str) -> LaidOut:
    """The content inside the site's own layout named `layout`, and inside the layout that one names, until a
    theme layout or none; unchanged when `layout` is not one of the site's own."""
    html = content_html
    names: list[str] = []
    notices: list[str] = []
    reads: set[str] = set()
    if isinstance(layout, str) and _is_run(layout):
        reads.add(f"layout:{layout}")  # a layout uploaded later renders this page again
    while is_site_layout(layout, site):
        if layout in names or len(names) == MAX_LAYOUT_CHAIN:
            chain = " -> ".join(f"_layouts/{name}.html" for name in [*names, layout])
            raise PublishError(f"{filename}: its layouts name one another in a loop or go deeper than "
                               f"{MAX_LAYOUT_CHAIN} ({chain}). Give the last one a theme layout, like "
                               "'layout: default'.", field="layout")
        path = f"_layouts/{layout}.html"
        front, body, first_line = split_front_matter(site.layouts[layout], path)
        outcome = render_liquid(body, site=site, page=page, filename=path, first_line=first_line,
                                values={"content": html, "layout": front.values})
        html = outcome.text
        names.append(layout)
        notices.extend(outcome.notices)
        layout = front.values.get("layout")
        reads |= outcome.reads | ({f"layout:{layout}"} if isinstance(layout, str) and _is_run(layout) else set())
    frame = layout if isinstance(layout, str) else None
    return LaidOut(html=html, layouts=tuple(names), draws_title=bool(names) and (frame or "none") in UNTITLED_FRAMES,
                   frame=frame, notices=tuple(notices), reads=frozenset(reads))


@dataclass(frozen=True)
class LayoutLines:
    header: str | None = None  # unsanitized; None: the site has no copy of the layout
    after_content: str | None = None
    notices: tuple[str, ...] = ()
    reads: frozenset[str] = frozenset()


CONTENT_TAG = re.compile(r"\{\{-?\s*content\s*-?\}\}")


def theme_layout_lines(frame: str | None, *, site: SiteContext, page: Mapping) -> LayoutLines:
    """What the site's own copy of academicpages' single or talk layout writes in its <header> under the title,
    and between the content and the end of its content section, run for this page: forks change these lines
    (an authors line, a citation placed otherwise) and keep the rest of the layout."""
    if frame not in LINED_LAYOUTS:
        return LayoutLines()
    reads = frozenset({f"layout:{frame}"})  # a copy uploaded later renders this page again
    if frame not in site.layouts:
        return LayoutLines(reads=reads)
    path = f"_layouts/{frame}.html"
    header, after_content = _line_sources(site.layouts[frame])
    try:
        front, _body, _line = split_front_matter(site.layouts[frame], path)
        values = {"layout": front.values, "content": ""}
        rendered = [None if source is None else render_liquid(source, site=site, page=page, filename=path,
                                                              values=values)
                    for source in (header, after_content)]
    except PublishError as refused:
        return LayoutLines(notices=(f"The lines {path} writes under the title could not be read, so the theme "
                                    f"writes academicpages' own: {refused.message}",), reads=reads)
    notices = [notice for outcome in rendered if outcome is not None for notice in outcome.notices]
    more = frozenset(read for outcome in rendered if outcome is not None for read in outcome.reads)
    return LayoutLines(header=rendered[0].text if rendered[0] else "",
                       after_content=rendered[1].text if rendered[1] else "",
                       notices=tuple(notices), reads=reads | more)


def _without_theme_parts(header: str) -> str:
    """The header without its title (<h1>) and reading time (<p class="page__meta">): the theme draws those."""
    return _without_blocks(_without_blocks(header, "<h1", "<h1", "</h1>"), "page__meta", "<p", "</p>")


def _without_blocks(text: str, mark: str, opening: str, closing: str) -> str:
    """`text` without each block from the `opening` at or before a `mark` to the `closing` after it; one pass."""
    kept, position = [], 0
    while (found := text.find(mark, position)) >= 0:
        start = text.rfind(opening, position, found + len(opening))
        end = text.find(closing, found)
        if end < 0:
            break
        if start < 0:
            kept.append(text[position:end + len(closing)])
        else:
            kept.append(text[position:start])
        position = end + len(closing)
    return "".join(kept) + text[position:]


def _line_sources(layout: str) -> tuple[str | None, str | None]:
    """The Liquid of the layout's <header> (without the title and reading time) and of what follows
    {{ content }} up to </section>; found with plain searches, linear in the layout's size."""
    header = None
    start = layout.find("<header")
    opened = layout.find(">", start) if start >= 0 else -1
    end = layout.find("</header>", opened) if opened >= 0 else -1
    if end >= 0:
        header = _without_theme_parts(layout[opened + 1:end])
    after_content = None
    content = CONTENT_TAG.search(layout)
    if content is not None:
        close = layout.find("</section>", content.end())
        after_content = layout[content.end():close] if close >= 0 else None
    return header, after_content
