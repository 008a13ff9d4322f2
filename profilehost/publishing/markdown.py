"""Markdown to HTML with Python-Markdown, configured and pre-processed so that what kramdown (GitHub Pages,
academicpages options: GFM input, auto ids, smart quotes) produces is what we produce."""

from __future__ import annotations

import html
import re
import threading
import unicodedata
import xml.etree.ElementTree as etree
from typing import cast

import markdown
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.smarty import SubstituteTextPattern
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .math import DISPLAY_DELIMITERS, MathExtension
from .memo import BoundedMemo

FENCE = re.compile(r"^\s*(```+|~~~+)")
LIST_ITEM = re.compile(r"^( *)([*+-]|\d{1,9}[.)])( +|$)")
ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
TOC_MARKER = re.compile(r"^\s*(?:[*+-]|1\.)\s+.*\n\s*\{:\s*toc\s*\}\s*$", re.M)
BLOCKQUOTE = re.compile(r"^ {0,3}> ?")
FONT_SPAN = re.compile(r"(<font\b[^>]*>)(.*?)(</font>)", re.I | re.S)
# Every pattern of the smarty extension consumes one of these: a quote, '--', '...', '<<' or '>>'.
SMARTY_TRIGGER = re.compile(r"""['"]|--|\.\.\.|<<|>>""")
PLAIN_FENCE = re.compile(r'<pre><code class="language-([\w#.+-]+)">(.*)</code></pre>', re.S)
# Pygments colours about 500 KB of code a second, but its spans cost the sanitizer about 1 s for each 100 KB of
# code (and no lexer is promised to be linear on every input): beyond these, code is shown plain.
MAX_HIGHLIGHT_CHARS = 50_000  # one block
MAX_HIGHLIGHT_PAGE_CHARS = 200_000  # one page
HIGHLIGHT_STYLES = {"light": "default", "dark": "github-dark"}  # readable (AA) on the theme's code background
DISPLAY_FORMULA_MAX_LINES = 200
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
             "smarty", "toc", "pymdownx.tilde", _HighlightedFencesExtension(), MathExtension()]
    config = {
        "toc": {"slugify": kramdown_slug, "toc_depth": "1-6", "marker": "[TOC]", "toc_class": "toc"},
        # kramdown's entity_output: as_char: typography as characters, not entities.
        "smarty": {"smart_angled_quotes": True, "substitutions": {
            "left-single-quote": "‘", "right-single-quote": "’", "left-double-quote": "“",
            "right-double-quote": "”", "left-angle-quote": "«", "right-angle-quote": "»", "ellipsis": "…",
            "ndash": "–", "mdash": "—"}},
        # kramdown numbers footnotes in the order they are first referenced.
        "footnotes": {"BACKLINK_TEXT": "&#8617;", "USE_DEFINITION_ORDER": False},
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
        converter.treeprocessors.register(_KramdownFootnotes(converter), "kramdown_footnotes", TOC_PRIORITY - 1)
    return converter


class _KramdownFootnotes(Treeprocessor):
    """Footnotes as kramdown writes them: a note nothing refers to is left out (Jekyll hides it), and the second
    and later references to one note are 'fnref:x:1', 'fnref:x:2', each with its own back link (↩², ↩³)."""

    REPEATED = re.compile(r"^fnref(\d+):(.+)$")

    def run(self, root) -> None:
        notes = next((div for div in root.iter("div") if div.get("class") == "footnote"), None)
        if notes is None:
            return
        referenced = {link.get("href", "")[1:] for link in root.iter("a") if link.get("class") == "footnote-ref"}
        for element in root.iter():
            if element.tag == "sup" and (match := self.REPEATED.match(element.get("id", ""))):
                element.set("id", self._kramdown_id(match))
        for note_list in notes.iter("ol"):
            for note in list(note_list):
                if note.get("id") not in referenced:
                    note_list.remove(note)
        for link in list(notes.iter("a")):
            if link.get("class") == "footnote-backref" and (match := self.REPEATED.match(link.get("href", "")[1:])):
                link.set("href", "#" + self._kramdown_id(match))
                etree.SubElement(link, "sup").text = match.group(1)
        if not any(len(note_list) for note_list in notes.iter("ol")):
            _remove(root, notes)

    @staticmethod
    def _kramdown_id(match: re.Match) -> str:
        return f"fnref:{match.group(2)}:{int(match.group(1)) - 1}"


def _remove(root, element) -> None:
    for parent in root.iter():
        if element in list(parent):
            parent.remove(element)
            return


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
        return super()._InlineProcessor__handleInline(data, patternIndex)  # type: ignore[misc]  # the private hook


def _skip_text_smarty_cannot_change(converter: markdown.Markdown) -> None:
    stock = cast(InlineProcessor, converter.treeprocessors["smarty"])
    faster = _SmartyWhereItCanMatch(converter)
    faster.inlinePatterns = stock.inlinePatterns
    _apostrophe_before_digits(converter, faster.inlinePatterns)
    converter.treeprocessors.register(faster, "smarty", SMARTY_PRIORITY)


# Smarty's closing-quote rule stops before a digit, so "UMAP'18" got an opening quote; kramdown (and SmartyPants)
# make a quote after a letter or digit an apostrophe. Registered just before smarty's "all remaining quotes open".
APOSTROPHE_BEFORE_DIGITS = r"(?<=\w)'(?=\d)"


def _apostrophe_before_digits(converter: markdown.Markdown, patterns) -> None:
    # Smarty registers its quote patterns at 30 minus their index: closingSingleQuotesRegex (8) at 22, whose
    # replacement is the apostrophe, and remainingSingleQuotesRegex (10) at 20.
    apostrophe = patterns["smarty-quotes-8"].replace
    patterns.register(SubstituteTextPattern(APOSTROPHE_BEFORE_DIGITS, apostrophe, converter),
                      "apostrophe-before-digits", 20.5)


class _HighlightedFences(FencedBlockPreprocessor):
    """Fenced code that names its language is coloured, as kramdown's Rouge does on GitHub Pages, with Pygments'
    classes only (the CSP allows no style attribute; static/css/code.css colours them). Code without a language,
    or in one Pygments does not know, stays plain."""

    def run(self, lines: list[str]) -> list[str]:
        stash = self.md.htmlStash.rawHtmlBlocks
        first = len(stash)
        lines = super().run(lines)
        budget = MAX_HIGHLIGHT_PAGE_CHARS
        # What this pass stored is exactly the fenced blocks: raw HTML is stashed only after it.
        for index in range(first, len(stash)):
            stored = stash[index]
            match = PLAIN_FENCE.fullmatch(stored) if isinstance(stored, str) else None
            code = html.unescape(match.group(2)) if match else ""
            if match and len(code) <= min(budget, MAX_HIGHLIGHT_CHARS):
                budget -= len(code)
                stash[index] = _highlighted(match.group(1), code) or stash[index]
        return lines


def _highlighted(language: str, code: str) -> str | None:
    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None
    spans = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<div class="highlight"><pre><code class="language-{language}">{spans}</code></pre></div>'


class _HighlightedFencesExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        stock = md.preprocessors["fenced_code_block"]
        # The fenced_code extension's own settings, which its preprocessor keeps (untyped in the stubs).
        md.preprocessors.register(_HighlightedFences(md, stock.config), "fenced_code_block", 25)  # type: ignore[attr-defined]


def highlight_stylesheet() -> str:
    """static/css/code.css: Pygments' rules for its classes, light and dark, following the theme's scheme (the
    system's unless the visitor chose one with the toggle). The theme's code background stays."""
    light, dark = (HtmlFormatter(style=HIGHLIGHT_STYLES[scheme]) for scheme in ("light", "dark"))

    def rules(formatter: HtmlFormatter, selector: str, media: str | None = None) -> str:
        defs = formatter.get_token_style_defs(selector)
        if media:
            return f"@media {media} {{\n" + "".join(f"  {line}\n" for line in defs) + "}\n"
        return "".join(f"{line}\n" for line in defs)

    return ("/* Generated by profilehost.publishing.markdown.highlight_stylesheet() from Pygments' "
            f"{HIGHLIGHT_STYLES['light']!r} and {HIGHLIGHT_STYLES['dark']!r} styles:\n"
            "   .venv/bin/python -c 'from profilehost.publishing.markdown import highlight_stylesheet as s; "
            "print(s(), end=\"\")' > profilehost/static/css/code.css */\n"
            + rules(light, ':root:not([data-scheme="dark"]) .highlight', "not all and (prefers-color-scheme: dark)")
            + rules(light, ':root[data-scheme="light"] .highlight')
            + rules(dark, ':root:not([data-scheme="light"]) .highlight', "(prefers-color-scheme: dark)")
            + rules(dark, ':root[data-scheme="dark"] .highlight'))


def render_markdown(body: str) -> str:
    """The HTML alone, remembered for short texts: a listing renders every item's excerpt (and markdownify
    filters) each time it is built."""
    if len(body) > REMEMBERED_CHARS:
        return render_markdown_with_notices(body)[0]
    return RENDERED.remembered(body, lambda: render_markdown_with_notices(body)[0])


REMEMBERED_CHARS = 4096
RENDERED = BoundedMemo(max_bytes=16 * 1024 * 1024, max_entry_bytes=128 * 1024)


def render_markdown_with_notices(body: str, first_line: int = 1) -> tuple[str, list[str]]:
    """The HTML and what the author should know about it (math shown as TeX, and why), each notice starting with
    'line N: ', counting the body's first line as `first_line`."""
    converter = _converter()
    math = next(ext for ext in converter.registeredExtensions if isinstance(ext, MathExtension))
    math.begin_page(body, first_line)
    try:
        markup = converter.convert(prepare_kramdown(body))
        converter.reset()
        return markup, math.page.all_notices()
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
    formula_end = -1
    for number, line in enumerate(lines):
        match = FENCE.match(line)
        if number <= formula_end or (fence is None and not quote and (not out or not out[-1].strip())
                                     and (formula_end := _display_formula_end(lines, number)) != -1):
            # A display formula goes to the math extension as written: '+ c' or '# 1' on a line of TeX is not
            # a list item or a heading.
            out.append(_reindent(line, stack))
            continue
        if fence is None and BLOCKQUOTE.match(line):
            quote.append(BLOCKQUOTE.sub("", line, count=1))
            continue
        if quote:
            out.extend("> " + inner for inner in _prepare_lines(quote))
            quote = []
        if match and fence is None:
            fence = match.group(1)
        elif match and fence is not None and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            fence = None
        elif fence is None:
            out.extend(_prepare_line(line, out, stack))
            continue
        out.append(_reindent(line, stack))
    if quote:
        out.extend("> " + inner for inner in _prepare_lines(quote))
    return out


def _display_formula_end(lines: list[str], start: int) -> int:
    """The last line of the display formula opening at `start` (kramdown's math block: it opens a block and its
    closing delimiter ends one), or -1."""
    opening = lines[start].lstrip(" ")
    delimiters = next((pair for pair in DISPLAY_DELIMITERS if opening.startswith(pair[0])), None)
    if delimiters is None or len(lines[start]) - len(opening) > 3:
        return -1
    opener, closer = delimiters
    for number in range(start, min(len(lines), start + DISPLAY_FORMULA_MAX_LINES)):
        text = opening[len(opener):] if number == start else lines[number]
        if closer in text:
            after = text[text.index(closer) + len(closer):]
            ends_block = number + 1 == len(lines) or not lines[number + 1].strip()
            return number if not after.strip() and ends_block else -1
    return -1


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
