"""The one place that decides what HTML may reach a visitor: every tenant's content is hostile until here.

An allowlist for profile pages (bleach), colours as the only CSS, links only http(s), mailto and relative,
ids prefixed, script-like elements dropped with their content; then link resolution, which can only
rewrite values the sanitizer already accepted."""

from __future__ import annotations

import re
import secrets
import threading
from collections import Counter, OrderedDict

import bleach
from bleach.css_sanitizer import CSSSanitizer
from html5lib.filters.base import Filter

from .links import is_external, prefix_id, resolve_url

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


ATTRIBUTES = {
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
    cleaner = _Cleaner(tenant_base)
    return "".join(cleaner.clean(block) if len(block) > CACHED_BLOCK_CHARS else _clean_cached(cleaner, block)
                   for block in top_level_blocks(html))


CACHED_BLOCK_CHARS = 8 * 1024
CACHED_BLOCKS = 4096  # at most 32 MiB of sources and their output per process
_cache: OrderedDict[tuple[str, str], str] = OrderedDict()
_cache_lock = threading.Lock()


def _clean_cached(cleaner: _Cleaner, block: str) -> str:
    key = (cleaner.tenant_base, block)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    cleaned = cleaner.clean(block)
    with _cache_lock:
        _cache[key] = cleaned
        if len(_cache) > CACHED_BLOCKS:
            _cache.popitem(last=False)
    return cleaned


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
        self.cleaner.walker = lambda tree: _DropScriptLike(walker(tree), self.data_images)

    def clean(self, html: str) -> str:
        self.data_images.clear()
        cleaned = self.cleaner.clean(html)
        for placeholder, data_uri in self.data_images.items():
            cleaned = cleaned.replace(placeholder, data_uri)
        return cleaned


# Where a block may end: a line break outside every element, before the next tag. Raw-text elements are skipped
# whole; a comment, a tag or a raw-text element that never ends keeps the rest of the text in one block.
_MARKUP = re.compile(r"<!--|<(/?)([A-Za-z][^\s/>]*)|\n(?=<)")
_TAG_END = re.compile(r"""(?:[^>"']|"[^"]*"|'[^']*')*>""")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
                   "source", "track", "wbr"})
_RAW_TEXT_END = {name: re.compile(f"</{name}", re.I) for name in (
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript")}


def top_level_blocks(html: str) -> list[str]:
    """`html` cut where a browser's parser would be outside every element. A wrong guess costs a cache hit or
    a block boundary where the whole-text parse would have nested a stray end tag differently, never safety:
    every block goes through the sanitizer."""
    blocks, open_elements, open_count, start, position = [], [], Counter(), 0, 0
    while (found := _MARKUP.search(html, position)) is not None:
        position = found.end()
        if found.group(0) == "\n":
            if not open_elements:
                blocks.append(html[start:position])
                start = position
            continue
        if found.group(0) == "<!--":
            end = html.find("-->", position)
        else:
            end = _tag_end(html, position)
        if end < 0:
            break
        position = end
        closing, name = found.group(1), (found.group(2) or "").lower()
        if not name or name in _VOID or (html[position - 2] == "/" and "math" in open_elements):
            continue
        if closing:
            while open_count[name]:  # an end tag closes what its element holds, as the parser's does
                open_count[open_elements[-1]] -= 1
                if open_elements.pop() == name:
                    break
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
    return bleach.clean(text, tags=INLINE_TAGS, attributes={}, protocols=[], strip=True, strip_comments=True)


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
    # An address that was only Liquid ('{{ author.googlescholar }}') is gone: keep the text, not a dead link.
    if tag == "a" and not attrs.get((None, "href"), "x").strip():
        del attrs[(None, "href")]
    if tag == "a" and (None, "href") in attrs and is_external(attrs[(None, "href")]):
        attrs[(None, "rel")] = "nofollow ugc noopener"
    elif tag == "a":
        attrs.pop((None, "rel"), None)
