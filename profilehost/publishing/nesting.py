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
# A start or end tag as html5lib's tokenizer reads it: across lines, and to the first '>' outside a quoted
# attribute value. Possessive, so a tag that never ends costs one scan.
TAG = re.compile(r"""<(/?)([A-Za-z][^\s/>]*+)(?:[^>=]++|=\s*+"[^"]*+"|=\s*+'[^']*+'|=)*+>""")
TAG_START = re.compile(r"</?[A-Za-z]")
# Elements that hold nothing, or whose end tag may be left out: they never stack up in the parser.
NOT_NESTING = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "colgroup",
    "caption", "rb", "rt", "rtc", "rp", "html", "head", "body",
})


def check_nesting(body: str, first_line: int, filename: str) -> None:
    """PublishError naming the first line that nests deeper than profilehost renders."""
    for offset, line in enumerate(body.split("\n")):
        quote = QUOTE_RUN.match(line)
        if quote and quote.group(0).count(">") > MAX_QUOTE_DEPTH:
            _refuse(filename, first_line + offset, f"quotes are nested more than {MAX_QUOTE_DEPTH} deep ('>' repeated)")
        item = LIST_MARKER.match(line.expandtabs(4))
        if item and len(item.group(1)) > MAX_LIST_INDENT:
            _refuse(filename, first_line + offset, f"a list item is indented more than {MAX_LIST_INDENT} spaces")
    _check_element_depth(body, first_line, filename)


def _check_element_depth(body: str, first_line: int, filename: str) -> None:
    # The parser's stack of open elements: '<div/>' opens a div as well (html5lib ignores the slash), and an end
    # tag closes only an element that is open.
    open_elements: list[str] = []
    position = 0
    while (start := body.find("<", position)) != -1:
        tag = TAG.match(body, start)
        if tag is None:
            if TAG_START.match(body, start):
                return  # a tag that never ends: the parser reads the rest of the page as its attributes
            position = start + 1
            continue
        position = tag.end()
        closing, name = tag.group(1), tag.group(2).lower()
        if name in NOT_NESTING:
            continue
        if not closing:
            open_elements.append(name)
            if len(open_elements) > MAX_ELEMENT_DEPTH:
                line = first_line + body.count("\n", 0, start)
                _refuse(filename, line, f"HTML elements are nested more than {MAX_ELEMENT_DEPTH} deep "
                                        f"(<{name}> inside <{name}> ...)")
        elif name in open_elements:
            del open_elements[len(open_elements) - 1 - open_elements[::-1].index(name):]


def _refuse(filename: str, line: int, what: str) -> None:
    raise PublishError(f"{filename}, line {line}: {what}. Flatten that part of the page: no page needs it that "
                       "deep, and profilehost refuses it rather than tie up the server.", line=line)
