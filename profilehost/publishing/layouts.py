"""A site's own layouts: the `_layouts/` files a site adds to its theme (academicpages forks add `book.html`,
`project.html`...), run around a page's content as Jekyll runs them, before the sanitizer sees the result.

The theme's own layouts (academicpages', minimal-mistakes' and al-folio's names) are the one shared theme here and
are never run: a chain of the site's layouts stops at the first theme layout it names. That frame decides what the
theme still draws: a page framed by `single` (or any titled layout) keeps the theme's title, its lines and the
author sidebar; a page framed by `default` (masthead and footer only, as academicpages' default.html) gets neither,
because the site's layout writes its own title and body around the content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import PublishError
from .frontmatter import split_front_matter
from .liquid import render_liquid
from .meta import THEME_LAYOUTS
from .site import SiteContext

# Theme layouts that draw only the masthead and footer around their content: under them the site's layout is the
# whole page, its title included.
UNTITLED_FRAMES = frozenset({"default", "compress", "none", "splash"})
MAX_LAYOUT_CHAIN = 10


@dataclass(frozen=True)
class LaidOut:
    html: str
    layouts: tuple[str, ...]  # the site's layouts that were run, innermost first
    draws_title: bool  # the site's layout writes the title: the theme shows no title, lines or sidebar
    notices: tuple[str, ...] = ()
    reads: frozenset[str] = frozenset()


def is_site_layout(name: object, site: SiteContext) -> bool:
    return isinstance(name, str) and name in site.layouts and name not in THEME_LAYOUTS


def apply_site_layouts(content_html: str, *, layout: object, site: SiteContext, page: Mapping,
                       filename: str) -> LaidOut:
    """The content inside the site's own layout named `layout`, and inside the layout that one names, until a
    theme layout or none; unchanged when `layout` is not one of the site's own."""
    html, names, notices, reads = content_html, [], [], set()
    if isinstance(layout, str) and layout not in THEME_LAYOUTS:
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
        reads |= outcome.reads | ({f"layout:{layout}"} if isinstance(layout, str) and layout not in THEME_LAYOUTS
                                  else set())
    frame = layout if isinstance(layout, str) else "none"
    return LaidOut(html=html, layouts=tuple(names), draws_title=bool(names) and frame in UNTITLED_FRAMES,
                   notices=tuple(notices), reads=frozenset(reads))
