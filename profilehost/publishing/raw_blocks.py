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
# Private-use characters around the number: text Markdown leaves alone. A page that writes one itself may get the
# block of that number in its place (its own HTML, sanitized like the rest), each block once.
_TOKEN = "\ue0f0raw-block-{}\ue0f1"
_PLACED = re.compile(r"(?:<p>)?\ue0f0raw-block-(\d+)\ue0f1(?:</p>)?")


def set_aside(blocks: list[str], html: str) -> str:
    """What the tag writes in place of `html`: a paragraph of its own that `put_back` replaces."""
    blocks.append(html)
    return f"\n\n{_TOKEN.format(len(blocks) - 1)}\n\n"


def put_back(html: str, blocks: Sequence[str]) -> str:
    """Each block in place of its marker, once: a marker the page repeats (or numbers past the blocks) is dropped,
    so what comes back is never more than Liquid's output limit allowed."""
    if not blocks:
        return html
    unused = set(range(len(blocks)))

    def block(found: re.Match) -> str:
        number = int(found[1])
        if number not in unused:
            return ""
        unused.discard(number)
        return blocks[number]

    return _PLACED.sub(block, html)
