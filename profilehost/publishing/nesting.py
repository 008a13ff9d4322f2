"""How deeply a page may nest, checked before it is rendered.

Python-Markdown recurses once per blockquote or list level, and html5lib's tree building (the sanitizer's parse)
slows with the square of how deeply elements nest: five kilobytes of '>' overflowed the stack, and 220 KB of
nested <div>s took 14 s of one worker. Real pages stay far below these limits. The whole source is counted,
code included: what looks like code to a line scanner can be raw HTML or a list's content to Markdown.
"""

from __future__ import annotations

import re

from .errors import PublishError

MAX_QUOTE_DEPTH = 32
MAX_LIST_INDENT = 128  # spaces before a list marker: 32 levels of 4
MAX_ELEMENT_DEPTH = 100
QUOTE_RUN = re.compile(r"^(?:[ \t]*>)+")
LIST_MARKER = re.compile(r"^( *)(?:[*+-]|\d{1,9}[.)])(?: |$)")
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?(/?)>")
# Elements that hold nothing, or whose end tag may be left out: they never stack up in the parser.
NOT_NESTING = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "colgroup",
    "caption", "rb", "rt", "rtc", "rp", "html", "head", "body",
})


def check_nesting(body: str, first_line: int, filename: str) -> None:
    """PublishError naming the first line that nests deeper than profilehost renders."""
    depth = 0
    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        quote = QUOTE_RUN.match(line)
        if quote and quote.group(0).count(">") > MAX_QUOTE_DEPTH:
            _refuse(filename, number, f"quotes are nested more than {MAX_QUOTE_DEPTH} deep ('>' repeated)")
        item = LIST_MARKER.match(line.expandtabs(4))
        if item and len(item.group(1)) > MAX_LIST_INDENT:
            _refuse(filename, number, f"a list item is indented more than {MAX_LIST_INDENT} spaces")
        for tag in TAG.finditer(line):
            closing, name, self_closing = tag.groups()
            if name.lower() in NOT_NESTING or self_closing:
                continue
            depth = max(depth - 1, 0) if closing else depth + 1
            if depth > MAX_ELEMENT_DEPTH:
                _refuse(filename, number, f"HTML elements are nested more than {MAX_ELEMENT_DEPTH} deep "
                                          f"(<{name}> inside <{name}> ...)")


def _refuse(filename: str, line: int, what: str) -> None:
    raise PublishError(f"{filename}, line {line}: {what}. Flatten that part of the page: no page needs it that "
                       "deep, and profilehost refuses it rather than tie up the server.", line=line)
