"""The sanitizer's promise, checked on parsed output (html5lib, as a browser parses): no element or attribute
outside the allowlist, no event handler, no URL that can run script; inside <math>, MathML and text only."""

from __future__ import annotations

import re
from urllib.parse import unquote

import html5lib

from profilehost.publishing.sanitize import ATTRIBUTES, GLOBAL_ATTRIBUTES, MATHML_ATTRIBUTE_VALUES, MATHML_TAGS, TAGS

SAFE_SCHEMES = {"http", "https", "mailto"}
DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$")
URL_ATTRIBUTES = {"href", "src"}
FORBIDDEN_CSS = re.compile(r"expression|url\(|javascript|behavior|@import|position|-moz-binding", re.I)
MATHML = "{http://www.w3.org/1998/Math/MathML}"
MATHML_ATTRIBUTES = set(MATHML_ATTRIBUTE_VALUES) | {"encoding"}
NEVER_ON_MATHML = {"href", "src", "style", "class", "id", "xmlns", "definitionurl", "actiontype"}


def _allowed_attributes(tag: str) -> set[str]:
    listed = ATTRIBUTES.get(tag, GLOBAL_ATTRIBUTES)
    return set(GLOBAL_ATTRIBUTES) | ({"color"} if callable(listed) else set(listed))


def _scheme(url: str) -> str | None:
    cleaned = re.sub(r"[\x00-\x20]", "", unquote(url)).lower()
    match = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else None


def assert_safe_html(fragment: str) -> None:
    root = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    for math in root.iter(MATHML + "math"):
        _assert_safe_mathml(math, fragment)
    for element in root.iter():
        if not isinstance(element.tag, str) or element is root or element.tag.startswith(MATHML):
            continue
        tag = element.tag
        assert tag in TAGS, f"element <{tag}> is not allowed: {fragment[:300]!r}"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name} on <{tag}>"
            if name == "tabindex":
                assert tag in ("pre", "table") and value == "0", f"tabindex={value!r} on <{tag}>"
                continue
            assert name in _allowed_attributes(tag), f"attribute {name} on <{tag}> is not allowed"
            if name in URL_ATTRIBUTES:
                scheme = _scheme(value)
                if tag == "img" and name == "src" and scheme == "data":
                    assert DATA_IMAGE.match(value), f"data URL {value[:60]!r} is not an allowed image"
                else:
                    assert scheme in (None, *SAFE_SCHEMES), f"{name}={value!r} uses scheme {scheme}"
            if name == "style":
                assert not FORBIDDEN_CSS.search(value), f"style {value!r} is not colour-only"
                properties = {part.split(":")[0].strip().lower() for part in value.split(";") if ":" in part}
                assert properties <= {"color"}, f"style {value!r} sets more than colour"
            if name in ("id", "name"):
                assert value.startswith("user-content-"), f"{name}={value!r} is not prefixed"


def _assert_safe_mathml(math, fragment: str) -> None:
    for element in math.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag.startswith(MATHML), f"<{element.tag}> inside <math>: {fragment[:300]!r}"
        tag = element.tag.removeprefix(MATHML)
        assert tag in MATHML_TAGS, f"MathML element <{tag}> is not allowed: {fragment[:300]!r}"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name} on <{tag}>"
            assert name.lower() not in NEVER_ON_MATHML and ":" not in name and "}" not in name, \
                f"attribute {name} on MathML <{tag}>"
            assert name in MATHML_ATTRIBUTES, f"attribute {name} on MathML <{tag}> is not allowed"
            assert not re.search(r"[():;\\]|javascript", value, re.I) or name in ("mathcolor", "mathbackground"), \
                f"{name}={value!r} on MathML <{tag}>"
            if name == "encoding":
                assert tag == "annotation" and value == "application/x-tex"
