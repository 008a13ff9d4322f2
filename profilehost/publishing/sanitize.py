"""The one place that decides what HTML may reach a visitor: every tenant's content is hostile until here.

An allowlist for profile pages (bleach), colours as the only CSS, links only http(s), mailto and relative,
ids prefixed, script-like elements dropped with their content; then link resolution, which can only
rewrite values the sanitizer already accepted."""

from __future__ import annotations

import re
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from typing import cast

import bleach
from bleach.css_sanitizer import CSSSanitizer
from html5lib.filters.base import Filter

from . import budget, cores
from .links import is_external, prefix_id, resolve_url
from .memo import MISSING, BoundedMemo, weight

TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "br", "hr", "blockquote", "pre", "code", "ul", "ol", "li",
    "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "details", "summary",
    "figure", "figcaption", "a", "em", "strong", "b", "i", "u", "s", "del", "ins", "sub", "sup", "mark", "small",
    "kbd", "abbr", "span", "cite", "q", "img", "font", "center", "section", "article", "aside", "header",
    "footer", "nav", "time", "var", "samp", "big", "tt", "strike",
})
GLOBAL_ATTRIBUTES = ["id", "class", "title", "lang", "dir", "style"]
COLOR = re.compile(r"^\s*(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\(\s*[\d.%\s,]+\))\s*$")


def _font_attribute(tag: str, name: str, value: str) -> bool:
    return name in GLOBAL_ATTRIBUTES or (name == "color" and bool(COLOR.match(value)))


ATTRIBUTES: dict[str, list[str] | Callable[[str, str, str], bool]] = {
    "*": GLOBAL_ATTRIBUTES,
    "a": GLOBAL_ATTRIBUTES + ["href", "name", "rel"],
    "img": GLOBAL_ATTRIBUTES + ["src", "alt", "width", "height"],
    "td": GLOBAL_ATTRIBUTES + ["align", "colspan", "rowspan"],
    "th": GLOBAL_ATTRIBUTES + ["align", "colspan", "rowspan", "scope"],
    "ol": GLOBAL_ATTRIBUTES + ["start", "type", "reversed"],
    "li": GLOBAL_ATTRIBUTES + ["value"],
    "abbr": GLOBAL_ATTRIBUTES,
    "time": GLOBAL_ATTRIBUTES + ["datetime"],
    "details": GLOBAL_ATTRIBUTES + ["open"],
    "font": _font_attribute,
}

# MathML: presentation elements only (what publishing.math writes, and what an author may write by hand), their
# attributes by value. No href, no style, no class, no annotation-xml (an HTML integration point) and no element
# that is not MathML inside <math>: everything in a formula is text or MathML.
MATHML_TAGS = frozenset({
    "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot", "msub", "msup",
    "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom",
    "menclose", "semantics", "annotation",
})
_LENGTH = (r"\+?(?:\d{1,2}(?:\.\d{1,4})?|\.\d{1,4})(?:em|ex|px|pt|mu|%)?"
           r"|(?:negative)?(?:(?:very){0,2}(?:thin|thick)|medium)mathspace")
_LENGTHS = rf"(?:{_LENGTH})(?: (?:{_LENGTH}))*"
_BOOLEAN = "true|false"
MATHML_ATTRIBUTE_VALUES = {name: re.compile(rf"(?:{pattern})") for name, pattern in {
    "display": "block|inline", "mathvariant": "[a-z-]{1,24}", "displaystyle": _BOOLEAN, "scriptlevel": r"[+-]?\d",
    "stretchy": _BOOLEAN, "fence": _BOOLEAN, "separator": _BOOLEAN, "accent": _BOOLEAN, "accentunder": _BOOLEAN,
    "movablelimits": _BOOLEAN, "largeop": _BOOLEAN, "form": "prefix|infix|postfix",
    "lspace": _LENGTH, "rspace": _LENGTH, "width": _LENGTH, "height": _LENGTH, "depth": _LENGTH,
    "minsize": _LENGTH, "maxsize": _LENGTH, "mathsize": _LENGTH, "linethickness": rf"{_LENGTH}|thin|medium|thick",
    "columnalign": "(?:left|center|right)(?: (?:left|center|right))*", "rowspacing": _LENGTHS,
    "columnspacing": _LENGTHS, "rowlines": "(?:none|solid|dashed)(?: (?:none|solid|dashed))*",
    "columnlines": "(?:none|solid|dashed)(?: (?:none|solid|dashed))*", "linebreak": "newline",
    "notation": "[a-z]{1,24}(?: [a-z]{1,24})*", "mathcolor": COLOR.pattern, "mathbackground": COLOR.pattern,
}.items()}


def _mathml_attribute(tag: str, name: str, value: str) -> bool:
    if name == "encoding":
        return tag == "annotation" and value == "application/x-tex"
    pattern = MATHML_ATTRIBUTE_VALUES.get(name)
    return pattern is not None and pattern.fullmatch(value) is not None


ATTRIBUTES.update(dict.fromkeys(MATHML_TAGS, _mathml_attribute))
PROTOCOLS = frozenset({"http", "https", "mailto"})
# Elements whose content is code or a document, never text to show: dropped whole, before bleach, which would
# otherwise keep their text.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "noscript", "template", "iframe", "textarea", "title",
                                  "xmp", "noembed", "noframes", "object", "embed", "svg", "select",
                                  "option", "plaintext", "frameset", "frame", "applet", "head", "canvas", "audio",
                                  "video", "form"})
DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")
HTML_NAMESPACE_URI = "http://www.w3.org/1999/xhtml"
MATHML_NAMESPACE_URI = "http://www.w3.org/1998/Math/MathML"


def sanitize_html(html: str, tenant_base: str) -> str:
    """The page as visitors may see it. Each top-level block is sanitized on its own and remembered: a listing
    is dozens of blocks of which an edit changes one, and re-rendering it should cost what changed. Every byte
    returned is still the sanitizer's output: a sanitized block is balanced, so blocks side by side parse as they
    did apart (as comments on a forum page do)."""
    return sanitize_each([html], tenant_base)[0]


def sanitize_each(documents: Sequence[str], tenant_base: str) -> list[str]:
    """sanitize_html of each document, with the blocks none of them has had before sanitized together: on
    several cores when they are long enough to be worth it (a list of five hundred publications).

    What the sanitizer writes for a block is remembered as its own sanitized form too: HTML that was sanitized
    once and then put into a page (a bibliography entry's block, saved and then listed by `{% bibliography %}`)
    is not sanitized a second time. That is sound because the output depends only on the block and the tenant's
    base (the key), every caller shows it as a page's top-level block, and nothing else writes BLOCKS: every byte
    is still the sanitizer's output for this tenant. (For the few inputs on which bleach is not idempotent, such
    as a paragraph it leaves inside a paragraph, sanitizing the output again would write the same elements
    differently; browsers read both alike, and what the sanitizer wrote for such a block itself is kept.)"""
    split = [_keyed_blocks(html) for html in documents]
    unique = list(dict.fromkeys(body for blocks in split for body, _lines in blocks))
    known: dict[str, str] = {}
    for block in unique:
        found = BLOCKS.get((tenant_base, block)) if len(block) <= CACHED_BLOCK_CHARS else MISSING
        if found is not MISSING:
            known[block] = cast(str, found)
    new = [block for block in unique if block not in known]
    work = sum(len(block) + CHARS_A_BLOCK_COSTS for block in new)
    per_process = max(1, len(new) * PARALLEL_CHARS_PER_PROCESS // work) if work else 1
    cleaned = cores.map_on_cores(partial(_clean_block, tenant_base), new, cpu_seconds=budget.RENDER_CPU_SECONDS,
                                 min_items=per_process)
    for block, output in zip(new, cleaned, strict=True):
        known[block] = output
        if len(block) <= CACHED_BLOCK_CHARS:
            BLOCKS.put((tenant_base, block), output, weight(tenant_base, block, output))
        if output != block and len(output) <= CACHED_BLOCK_CHARS and BLOCKS.get((tenant_base, output)) is MISSING:
            BLOCKS.put((tenant_base, output), output, weight(tenant_base, output))
    return ["".join(known[body] + lines for body, lines in blocks) for blocks in split]


def _keyed_blocks(html: str) -> list[tuple[str, str]]:
    """The page's blocks, each apart from the line breaks that end it: the same element is remembered wherever
    it stands. Those line breaks are text outside every element (the cut was made there), which the sanitizer
    keeps as it is; the last block's may be inside an element that never ends, so they stay with it."""
    blocks = top_level_blocks(html)
    keyed = []
    for block in blocks[:-1]:
        body = block.rstrip("\n")
        keyed.append((body, block[len(body):]))
    return keyed + [(block, "") for block in blocks[-1:]]


CACHED_BLOCK_CHARS = 8 * 1024
BLOCKS = BoundedMemo(max_bytes=32 * 1024 * 1024, max_entry_bytes=256 * 1024)
# Blocks are sanitized in a process of their own only when each process gets about this much HTML (some 50 ms
# at 1.5 us a character), each block counted with what starting one costs (0.1 ms, as much as 70 characters).
PARALLEL_CHARS_PER_PROCESS = 32 * 1024
CHARS_A_BLOCK_COSTS = 70
_CLEANERS = threading.local()


def _clean_block(tenant_base: str, block: str) -> str:
    """One block through this thread's cleaner for the tenant (a cleaner cleans one block at a time)."""
    cleaners = _CLEANERS.__dict__.setdefault("by_base", {})
    cleaner = cleaners.get(tenant_base)
    if cleaner is None:
        if len(cleaners) > 16:
            cleaners.clear()
        cleaner = cleaners[tenant_base] = _Cleaner(tenant_base)
    return cleaner.clean(block)


class _Cleaner:
    def __init__(self, tenant_base: str) -> None:
        self.tenant_base = tenant_base
        self.data_images: dict[str, str] = {}
        self.cleaner = bleach.Cleaner(
            tags=TAGS | MATHML_TAGS, attributes=ATTRIBUTES, protocols=PROTOCOLS, strip=True, strip_comments=True,
            css_sanitizer=CSSSanitizer(allowed_css_properties=["color"]),
            filters=[_link_filter(tenant_base)],
        )
        # One parse, as a browser would: bleach's parser would otherwise turn disallowed elements into text while
        # tokenizing, before any filter could drop a <script> with its content. Script-like elements go first,
        # then bleach's allowlist sees the rest.
        self.cleaner.parser.tags = None
        walker = self.cleaner.walker
        # bleach's stubs type the walker as an instance; bleach calls it with the tree, as html5lib's class.
        self.cleaner.walker = lambda tree: _DropScriptLike(walker(tree), self.data_images)  # type: ignore[assignment, operator]

    def clean(self, html: str) -> str:
        self.data_images.clear()
        cleaned = self.cleaner.clean(html)
        for placeholder, data_uri in self.data_images.items():
            cleaned = cleaned.replace(placeholder, data_uri)
        return cleaned


# Where a block may end: a line break outside every element, before the next tag. Raw-text elements and comments
# (bogus ones too: '<?xml ...>', '<!DOCTYPE ...>', '</ x>') are skipped whole; anything that never ends keeps the
# rest of the text in one block.
_MARKUP = re.compile(r"<!--|<[!?]|</(?![A-Za-z])|<(/?)([A-Za-z][^\s/>]*)|\n(?=<)")
_TAG_END = re.compile(r"""(?:[^>"']|"[^"]*"|'[^']*')*>""")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
                   "source", "track", "wbr"})
_RAW_TEXT_END = {name: re.compile(f"</{name}", re.I) for name in (
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript")}
# An end tag is ignored by the parser when one of these stands between it and its element: the scope boundaries
# for every end tag, and the "special" elements for an end tag of an element that is not special itself.
_SCOPE_BOUNDARIES = frozenset({"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
                               "math", "svg", "mi", "mo", "mn", "ms", "mtext", "annotation-xml", "foreignobject",
                               "desc"})
_SPECIAL = _SCOPE_BOUNDARIES | frozenset({
    "address", "article", "aside", "blockquote", "body", "button", "center", "dd", "details", "dir", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "li", "listing", "main", "menu", "nav", "ol", "p", "pre", "search", "section", "select", "summary",
    "tbody", "tfoot", "thead", "tr", "ul"})
_MAX_END_TAG_SEARCH = 256


def top_level_blocks(html: str) -> list[str]:
    """`html` cut where a browser's parser would be outside every element. Where the parser's rules are more than
    this scan follows, it keeps elements open longer than the parser would (fewer cuts), never shorter. A wrong
    guess would cost fidelity, never safety: every block goes through the sanitizer on its own."""
    blocks: list[str] = []
    open_elements: list[str] = []
    open_count: Counter[str] = Counter()
    start = position = 0
    while (found := _MARKUP.search(html, position)) is not None:
        position = found.end()
        text = found.group(0)
        if text == "\n":
            if not open_elements:
                blocks.append(html[start:position])
                start = position
            continue
        if found.group(2) is None:  # a comment, or what a browser reads as one
            closer = "-->" if text == "<!--" else ">"
            end = html.find(closer, position)
            if end < 0:
                break
            position = end + len(closer)
            continue
        end = _tag_end(html, position)
        if end < 0:
            break
        position = end
        closing, name = found.group(1), found.group(2).lower()
        if name in _VOID or (html[position - 2] == "/" and open_count["math"]):
            continue
        if closing:
            closes = _elements_closed_by(open_elements, open_count, name)
            if closes is None:
                break
            for _ in range(closes):
                open_count[open_elements.pop()] -= 1
        elif name == "plaintext":
            break
        elif name in _RAW_TEXT_END:
            ended = _RAW_TEXT_END[name].search(html, position)
            if ended is None:
                break
            position = ended.start()
        else:
            open_elements.append(name)
            open_count[name] += 1
    blocks.append(html[start:])
    return blocks


def _elements_closed_by(open_elements: list[str], open_count: Counter, name: str) -> int | None:
    """How many open elements the end tag `name` closes (0 when the parser ignores it), or None when finding out
    would take longer than a page deserves (the rest then stays one block)."""
    if not open_count[name]:
        return 0
    barriers = _SCOPE_BOUNDARIES if name in _SPECIAL else _SPECIAL
    for depth, element in enumerate(reversed(open_elements), start=1):
        if element == name:
            return depth
        if element in barriers or depth >= _MAX_END_TAG_SEARCH:
            return 0 if element in barriers else None
    return 0


def _tag_end(html: str, position: int) -> int:
    match = _TAG_END.match(html, position)
    return match.end() if match else -1


class _DropScriptLike(Filter):
    """Removes script-like and foreign elements (SVG, MathML outside its allowlist, anything but MathML inside
    <math>) with everything inside them, and swaps valid data: images for placeholders (bleach has no
    per-element protocol rule; data: URLs are refused elsewhere).

    Elements are told apart by the namespace html5lib gives them, parsing as a browser does: '<mtext><img>' puts
    an HTML <img> inside MathML, which goes; an <mi> outside <math> is HTML, and only its text stays."""

    def __init__(self, source, data_images: dict[str, str]) -> None:
        super().__init__(source)
        self.data_images = data_images

    def __iter__(self):
        depth = 0
        in_math = 0  # open <math> elements
        for token in Filter.__iter__(self):
            kind = token["type"]
            if depth:
                depth += 1 if kind == "StartTag" else -1 if kind == "EndTag" else 0
                continue
            if kind not in ("StartTag", "EmptyTag", "EndTag"):
                yield token
                continue
            mathml = token.get("namespace") == MATHML_NAMESPACE_URI
            if _dropped(token, in_math > 0):
                depth = 1 if kind == "StartTag" else 0
                continue
            if token["name"] in MATHML_TAGS and not mathml:
                continue
            if mathml and token["name"] == "math":
                in_math += 1 if kind == "StartTag" else -1 if kind == "EndTag" else 0
            if kind in ("StartTag", "EmptyTag") and token["name"].lower() == "img":
                self._swap_data_image(token.setdefault("data", {}))
            yield token

    def _swap_data_image(self, attrs: dict) -> None:
        src = attrs.get((None, "src"), "").strip()
        if not src.lower().startswith("data:"):
            return
        if DATA_IMAGE.match(src):
            placeholder = f"https://data-image.invalid/{secrets.token_hex(8)}"
            self.data_images[placeholder] = "".join(src.split())
            attrs[(None, "src")] = placeholder
        else:
            del attrs[(None, "src")]


def _dropped(token: dict, in_math: bool) -> bool:
    namespace = token.get("namespace")
    if namespace == MATHML_NAMESPACE_URI:
        return token["name"] not in MATHML_TAGS or (token["name"] != "math" and not in_math)
    return in_math or token["name"].lower() in DROPPED_WITH_CONTENT or namespace not in (None, HTML_NAMESPACE_URI)


INLINE_TAGS = frozenset({"i", "em", "b", "strong", "u", "sup", "sub", "small"})


def sanitize_inline(text: str) -> str:
    """A front matter value shown as HTML (an academicpages citation: '<i>Journal</i>, &quot;Title&quot;'):
    emphasis only, no attributes, no links."""
    cleaner = _CLEANERS.__dict__.get("inline")
    if cleaner is None:
        cleaner = _CLEANERS.__dict__["inline"] = bleach.Cleaner(
            tags=INLINE_TAGS, attributes={}, protocols=[], strip=True, strip_comments=True)
    return cleaner.clean(text)


def _link_filter(tenant_base: str) -> type[Filter]:
    class LinkFilter(Filter):
        def __iter__(self):
            for token in Filter.__iter__(self):
                if token["type"] in ("StartTag", "EmptyTag"):
                    token.setdefault("data", {})
                    _rewrite_attributes(token["name"], token["data"], tenant_base)
                yield token

    return LinkFilter


# The theme lets these scroll sideways on small screens; keyboard users must be able to scroll them too.
FOCUSABLE_SCROLLERS = frozenset({"pre", "table"})


def _rewrite_attributes(tag: str, attrs: dict, tenant_base: str) -> None:
    if tag in FOCUSABLE_SCROLLERS:
        attrs[(None, "tabindex")] = "0"
    for key in ((None, "id"), (None, "name")):
        if key in attrs:
            attrs[key] = prefix_id(attrs[key])
    for key in ((None, "href"), (None, "src")):
        if key in attrs and not attrs[key].startswith("https://data-image.invalid/"):
            attrs[key] = resolve_url(attrs[key], tenant_base)
    if tag == "a" and (None, "href") in attrs and is_external(attrs[(None, "href")]):
        attrs[(None, "rel")] = "nofollow ugc noopener"
    elif tag == "a":
        attrs.pop((None, "rel"), None)
