"""HTML a Liquid tag makes whole (jekyll-scholar's list of five hundred publications) set aside while Markdown
runs, and put back after it: Markdown would only pass it through (kramdown leaves an HTML block as it is, and so
does Python-Markdown), after parsing every tag of it to find where it ends. The sanitizer sees it like the rest of
the page. Only the page's own Liquid sets blocks aside; elsewhere a tag writes its HTML in place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Render-time global no Liquid path can name (see jekyll_include).
RAW_BLOCKS = "\0raw_blocks"
# Private-use characters around the number: text Markdown leaves alone. A page that writes one itself gets the
# block of that number in its place, its own HTML, sanitized like the rest.
_TOKEN = "\ue0f0raw-block-{}\ue0f1"
_PLACED = re.compile(r"(?:<p>)?\ue0f0raw-block-(\d+)\ue0f1(?:</p>)?")


def set_aside(blocks: list[str], html: str) -> str:
    """What the tag writes in place of `html`: a paragraph of its own that `put_back` replaces."""
    blocks.append(html)
    return f"\n\n{_TOKEN.format(len(blocks) - 1)}\n\n"


def put_back(html: str, blocks: Sequence[str]) -> str:
    if not blocks:
        return html
    return _PLACED.sub(lambda found: blocks[int(found[1])] if int(found[1]) < len(blocks) else "", html)
