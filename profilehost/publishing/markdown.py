"""Markdown to HTML with Python-Markdown, configured and pre-processed so that what kramdown (GitHub Pages,
academicpages options: GFM input, auto ids, smart quotes) produces is what we produce."""

from __future__ import annotations

import re
import threading
import unicodedata

import markdown
from markdown.treeprocessors import InlineProcessor, Treeprocessor

FENCE = re.compile(r"^\s*(```+|~~~+)")
LIST_ITEM = re.compile(r"^( *)([*+-]|\d{1,9}[.)])( +|$)")
ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
TOC_MARKER = re.compile(r"^\s*(?:[*+-]|1\.)\s+.*\n\s*\{:\s*toc\s*\}\s*$", re.M)
BLOCKQUOTE = re.compile(r"^ {0,3}> ?")
FONT_SPAN = re.compile(r"(<font\b[^>]*>)(.*?)(</font>)", re.I | re.S)
# Every pattern of the smarty extension consumes one of these: a quote, '--', '...', '<<' or '>>'.
SMARTY_TRIGGER = re.compile(r"""['"]|--|\.\.\.|<<|>>""")
SMARTY_PRIORITY = 6  # where SmartyExtension registers its pass, after the main inline patterns
TOC_PRIORITY = 5  # where TocExtension registers its pass


def kramdown_slug(text: str, separator: str = "-") -> str:
    """kramdown's auto id: letters, digits, spaces and dashes kept, spaces to dashes, lower case, no leading
    non-letters ('2. Results' -> 'results')."""
    text = unicodedata.normalize("NFKC", text)
    kept = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    slug = re.sub(r"^[^a-zA-Z]+", "", kept.strip()).replace(" ", separator).lower()
    return slug or "section"


def _extensions() -> tuple[list, dict]:
    names = ["tables", "fenced_code", "footnotes", "attr_list", "def_list", "abbr", "md_in_html", "sane_lists",
             "smarty", "toc", "pymdownx.tilde"]
    config = {
        "toc": {"slugify": kramdown_slug, "toc_depth": "1-6", "marker": "[TOC]", "toc_class": "toc"},
        # kramdown's entity_output: as_char: typography as characters, not entities.
        "smarty": {"smart_angled_quotes": True, "substitutions": {
            "left-single-quote": "‘", "right-single-quote": "’", "left-double-quote": "“",
            "right-double-quote": "”", "left-angle-quote": "«", "right-angle-quote": "»", "ellipsis": "…",
            "ndash": "–", "mdash": "—"}},
        "footnotes": {"BACKLINK_TEXT": "&#8617;"},
        "pymdownx.tilde": {"subscript": False},
        # align="..." rather than style="text-align: ...", which the strict CSP would refuse to apply.
        "tables": {"use_align_attribute": True},
    }
    return names, config


_local = threading.local()


def _converter() -> markdown.Markdown:
    # Building a converter with its extensions costs more than converting a page; one per thread, reset per use.
    converter = getattr(_local, "converter", None)
    if converter is None:
        names, config = _extensions()
        converter = _local.converter = markdown.Markdown(extensions=names, extension_configs=config,
                                                         output_format="html")
        _skip_text_smarty_cannot_change(converter)
        converter.treeprocessors.register(_OneTableOfContents(converter), "one_toc", TOC_PRIORITY + 0.5)
    return converter


class _OneTableOfContents(Treeprocessor):
    """Only the first [TOC] marker becomes a table of contents; later ones go, whatever holds them (a paragraph,
    a list item, a table cell: the toc pass takes any element whose only text is the marker). Each one repeats
    every heading: 300 markers over 300 headings, 5 KB of Markdown, made 4 MB of HTML and took 9 s."""

    def run(self, root) -> None:
        found = False
        for parent in list(root.iter()):
            if parent.tag in ("pre", "code"):
                continue
            for child in list(parent):
                if len(child) == 0 and child.tag not in ("pre", "code") and (child.text or "").strip() == "[TOC]":
                    if found:
                        parent.remove(child)
                    found = True


class _SmartyWhereItCanMatch(InlineProcessor):
    """The smarty pass, skipping text in which none of its patterns can match.

    Smarty runs its ~20 patterns over every text node of the page, a third of the whole Markdown time; most
    text has no quote, '--', '...', '<<' or '>>', and for such text the result is the text itself. Hooks
    Python-Markdown's private per-text method (pinned; a test fails if the hook stops being called)."""

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if SMARTY_TRIGGER.search(data) is None:
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


def _skip_text_smarty_cannot_change(converter: markdown.Markdown) -> None:
    stock = converter.treeprocessors["smarty"]
    faster = _SmartyWhereItCanMatch(converter)
    faster.inlinePatterns = stock.inlinePatterns
    converter.treeprocessors.register(faster, "smarty", SMARTY_PRIORITY)


def render_markdown(body: str) -> str:
    converter = _converter()
    try:
        html = converter.convert(prepare_kramdown(body))
        converter.reset()
        return html
    except BaseException:
        # Interrupted part-way (the CPU budget, a recursion limit): its state must never reach another page.
        _local.converter = None
        raise


def prepare_kramdown(body: str) -> str:
    """Rewrite the kramdown/GFM habits Python-Markdown reads differently, outside code blocks only."""
    body = TOC_MARKER.sub("[TOC]", body)
    # kramdown shows the content of <font> as written: '[*New*]' stays '[*New*]'.
    body = FONT_SPAN.sub(lambda m: m.group(1) + re.sub(r"([*_`])", r"\\\1", m.group(2)) + m.group(3), body)
    return "\n".join(_prepare_lines(body.split("\n")))


def _prepare_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    stack: list[tuple[int, int]] = []  # per open list item: (original content column, new content column)
    fence = None
    quote: list[str] = []
    for line in lines:
        match = FENCE.match(line)
        if fence is None and BLOCKQUOTE.match(line):
            quote.append(BLOCKQUOTE.sub("", line, count=1))
            continue
        if quote:
            out.extend("> " + inner for inner in _prepare_lines(quote))
            quote = []
        if fence is not None or match:
            if fence is None:
                fence = match.group(1)
            elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(_reindent(line, stack))
            continue
        out.extend(_prepare_line(line, out, stack))
    if quote:
        out.extend("> " + inner for inner in _prepare_lines(quote))
    return out


def _prepare_line(line: str, out: list[str], stack: list[tuple[int, int]]) -> list[str]:
    if not line.strip():
        return [line]
    previous = out[-1] if out else ""
    indent = len(line) - len(line.lstrip(" "))
    item = LIST_ITEM.match(line)
    if line.rstrip().endswith("\\") and not line.rstrip().endswith("\\\\"):
        line = line.rstrip()[:-1] + "  "
    if item:
        while stack and indent < stack[-1][0]:
            stack.pop()
        new_indent = stack[-1][1] if stack else min(indent, 3)
        marker = item.group(2)
        stack.append((indent + len(marker) + max(len(item.group(3)), 1), new_indent + 4))
        rebuilt = " " * new_indent + marker + " " + line[item.end():]
        # kramdown starts a list right after a paragraph line; Python-Markdown needs a blank line first.
        needs_gap = previous.strip() and not stack[:-1] and not LIST_ITEM.match(previous) and not _in_list(out)
        return ["", rebuilt] if needs_gap else [rebuilt]
    if stack and indent < stack[-1][0] and not previous.strip():
        stack.clear()
    if ATX_HEADING.match(line) and previous.strip():
        stack.clear()
        return ["", line]
    return [_reindent(line, stack)]


def _in_list(out: list[str]) -> bool:
    for line in reversed(out):
        if not line.strip():
            return False
        if LIST_ITEM.match(line):
            return True
    return False


def _reindent(line: str, stack: list[tuple[int, int]]) -> str:
    if not stack or not line.strip():
        return line
    indent = len(line) - len(line.lstrip(" "))
    for original, new in reversed(stack):
        if indent >= original:
            return " " * (new + indent - original) + line.lstrip(" ")
    return line
