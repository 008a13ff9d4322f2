"""The one place that decides what HTML may reach a visitor: every tenant's content is hostile until here.

An allowlist for profile pages (bleach), colours as the only CSS, links only http(s), mailto and relative,
ids prefixed, script-like elements dropped with their content; then link resolution, which can only
rewrite values the sanitizer already accepted."""

from __future__ import annotations

import re
import secrets

import bleach
import html5lib
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
PROTOCOLS = frozenset({"http", "https", "mailto"})
# Elements whose content is code or a document, never text to show: dropped whole, before bleach, which would
# otherwise keep their text.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "noscript", "template", "iframe", "textarea", "title",
                                  "xmp", "noembed", "noframes", "object", "embed", "svg", "math", "select",
                                  "option", "plaintext", "frameset", "frame", "applet", "head", "canvas", "audio",
                                  "video", "form"})
DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")
HTML_NAMESPACE = "{http://www.w3.org/1999/xhtml}"


def sanitize_html(html: str, tenant_base: str) -> str:
    fragment, data_images = _drop_dangerous_elements(html)
    cleaner = bleach.Cleaner(
        tags=TAGS, attributes=ATTRIBUTES, protocols=PROTOCOLS, strip=True, strip_comments=True,
        css_sanitizer=CSSSanitizer(allowed_css_properties=["color"]),
        filters=[_link_filter(tenant_base)],
    )
    cleaned = cleaner.clean(fragment)
    for placeholder, data_uri in data_images.items():
        cleaned = cleaned.replace(placeholder, data_uri)
    return cleaned


INLINE_TAGS = frozenset({"i", "em", "b", "strong", "u", "sup", "sub", "small"})


def sanitize_inline(text: str) -> str:
    """A front matter value shown as HTML (an academicpages citation: '<i>Journal</i>, &quot;Title&quot;'):
    emphasis only, no attributes, no links."""
    return bleach.clean(text, tags=INLINE_TAGS, attributes={}, protocols=[], strip=True, strip_comments=True)


def _drop_dangerous_elements(html: str) -> tuple[str, dict[str, str]]:
    """Parse as a browser would, remove script-like elements with their content, and swap valid data: images
    for placeholders (bleach has no per-element protocol rule; data: URLs are refused everywhere else)."""
    root = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=True)
    data_images: dict[str, str] = {}
    _prune(root, data_images)
    return html5lib.serialize(root, tree="etree", omit_optional_tags=False, quote_attr_values="always",
                              resolve_entities=False, alphabetical_attributes=False), data_images


def _prune(element, data_images: dict[str, str]) -> None:
    for child in list(element):
        name = child.tag.rsplit("}", 1)[-1].lower() if isinstance(child.tag, str) else ""
        if not isinstance(child.tag, str) or name in DROPPED_WITH_CONTENT or "}" in child.tag and \
                not child.tag.startswith(HTML_NAMESPACE):
            _remove_keeping_tail(element, child)
            continue
        src = child.get("src", "")
        if name == "img" and src.strip().lower().startswith("data:"):
            if DATA_IMAGE.match(src.strip()):
                placeholder = f"https://data-image.invalid/{secrets.token_hex(8)}"
                data_images[placeholder] = "".join(src.split())
                child.set("src", placeholder)
            else:
                del child.attrib["src"]
        _prune(child, data_images)


def _remove_keeping_tail(parent, child) -> None:
    tail = child.tail or ""
    index = list(parent).index(child)
    if tail:
        if index > 0:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(child)


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
