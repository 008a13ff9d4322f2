"""The filters Jekyll adds to Liquid, as real pages use them.

Addresses stay tenant-relative (`relative_url` and `absolute_url` both give '/path/'): the link step puts them
inside the tenant. What a filter returns is page text, sanitized with the rest of the page.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import quote, quote_plus

from liquid.builtin.expressions.primitive import Blank, Empty
from liquid.builtin.filters.misc import default as liquid_default
from liquid.filter import with_context
from liquid.undefined import is_undefined

from .markdown import render_markdown
from .site import _as_datetime

ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def register(env) -> None:
    for name, function in FILTERS.items():
        env.filters[name] = function


def relative_url(value) -> str:
    if is_undefined(value) or value is None:
        return "/"
    text = str(value)
    if re.match(r"^[a-z][a-z0-9+.-]*:", text, re.I) or text.startswith("//"):
        return text
    return "/" + text.lstrip("/")


def default(value, default_value="", *, allow_false=False):
    """Liquid's default; `default: empty` (or blank) gives an empty list, so what follows (sort, a for loop,
    `== empty`) reads it as nothing rather than as one odd item."""
    if isinstance(default_value, Empty | Blank):
        default_value = []
    return liquid_default(value, default_value, allow_false=allow_false)


def _items(value) -> list:
    if is_undefined(value) or value is None:
        return []
    if isinstance(value, Mapping):
        return list(value.values())
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _property(item, name):
    if isinstance(item, Mapping):
        return item.get(name)
    return None


def _as_text(value) -> str:
    if value is None or is_undefined(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def where(value, name, target=None) -> list:
    """Jekyll's where: the items whose property, as text, is the target (or, for a list, holds it)."""
    wanted = _as_text(target)
    found = []
    for item in _items(value):
        actual = _property(item, _as_text(name))
        if isinstance(actual, list | tuple):
            if wanted in [_as_text(element) for element in actual]:
                found.append(item)
        elif _as_text(actual) == wanted:
            found.append(item)
    return found


@with_context
def where_exp(value, variable, expression, *, context) -> list:
    return [item for item in _items(value) if _holds(context, _as_text(variable), _as_text(expression), item)]


@with_context
def find_exp(value, variable, expression, *, context):
    for item in _items(value):
        if _holds(context, _as_text(variable), _as_text(expression), item):
            return item
    return None


def find(value, name, target=None):
    matches = where(value, name, target)
    return matches[0] if matches else None


def _holds(context, variable: str, expression: str, item) -> bool:
    template = _condition(context.env, expression)
    buffer = io.StringIO()
    with context.extend({variable: item}):
        template.render_with_context(context, buffer, partial=True)
    return buffer.getvalue() == "1"


@lru_cache(maxsize=256)
def _condition(env, expression: str):
    return env.from_string(f"{{% if {expression} %}}1{{% endif %}}")


def group_by(value, name) -> list[dict]:
    groups: dict[str, list] = {}
    for item in _items(value):
        groups.setdefault(_as_text(_property(item, _as_text(name))), []).append(item)
    return [{"name": key, "items": items, "size": len(items)} for key, items in groups.items()]


def group_by_array(value, name) -> list[dict]:
    """The documents by each value of a list field ('categories', 'tags'), names sorted: academicpages'
    group-by-array include as one filter."""
    groups: dict[str, list] = {}
    for item in _items(value):
        field = _property(item, _as_text(name))
        for key in field if isinstance(field, list | tuple) else [field] if field else []:
            groups.setdefault(_as_text(key), []).append(item)
    return [{"name": key, "items": groups[key]} for key in sorted(groups)]


@with_context
def group_by_exp(value, variable, expression, *, context) -> list[dict]:
    template = context.env.from_string(f"{{{{ {_as_text(expression)} }}}}")
    groups: dict[str, list] = {}
    for item in _items(value):
        buffer = io.StringIO()
        with context.extend({_as_text(variable): item}):
            template.render_with_context(context, buffer, partial=True)
        groups.setdefault(buffer.getvalue(), []).append(item)
    return [{"name": key, "items": items, "size": len(items)} for key, items in groups.items()]


def _date(value) -> datetime | None:
    if isinstance(value, datetime | date) or isinstance(value, str):
        return _as_datetime(value)
    return None


def date_to_string(value, kind=None, style=None) -> str:
    return _formatted(value, "%b", kind, style)


def date_to_long_string(value, kind=None, style=None) -> str:
    return _formatted(value, "%B", kind, style)


def _formatted(value, month: str, kind, style) -> str:
    moment = _date(value)
    if moment is None:
        return _as_text(value)
    if _as_text(kind) == "ordinal":
        day = moment.day
        suffix = "th" if 10 <= day % 100 <= 20 else ORDINAL_SUFFIXES.get(day % 10, "th")
        if _as_text(style) == "US":
            return moment.strftime(f"{month} ") + f"{day}{suffix}, {moment.year}"
        return f"{day}{suffix} " + moment.strftime(f"{month} %Y")
    return moment.strftime(f"%d {month} %Y")


def date_to_xmlschema(value) -> str:
    moment = _date(value)
    return moment.isoformat() if moment else _as_text(value)


def date_to_rfc822(value) -> str:
    moment = _date(value)
    return moment.strftime("%a, %d %b %Y %H:%M:%S %z") if moment else _as_text(value)


def markdownify(value) -> str:
    return render_markdown(_as_text(value))


def slugify(value, mode="default") -> str:
    text = _as_text(value)
    mode = _as_text(mode) or "default"
    if mode == "none":
        return text
    pattern = {"raw": r"\s+", "pretty": r"[^\w._~!$&'()+,;=@]+", "ascii": r"[^a-zA-Z0-9]+"}.get(mode, r"[^\w]+")
    return re.sub(pattern, "-", text).strip("-").lower()


def xml_escape(value) -> str:
    return html.escape(_as_text(value))


def cgi_escape(value) -> str:
    return quote_plus(_as_text(value))


def uri_escape(value) -> str:
    return quote(_as_text(value), safe="/:?#[]@!$&'()*+,;=-._~%")


def jsonify(value) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, default=str)


def _plain(value):
    if is_undefined(value):
        return None
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def number_of_words(value, mode=None) -> int:
    return len(_as_text(value).split())


def array_to_sentence_string(value, connector="and") -> str:
    words = [_as_text(item) for item in _items(value)]
    if len(words) <= 2:
        return f" {_as_text(connector)} ".join(words)
    return f"{', '.join(words[:-1])}, {_as_text(connector)} {words[-1]}"


def normalize_whitespace(value) -> str:
    return " ".join(_as_text(value).split())


def to_integer(value) -> int:
    try:
        return int(float(_as_text(value)))
    except ValueError:
        return 0


def push(value, item) -> list:
    return [*_items(value), item]


def unshift(value, item) -> list:
    return [item, *_items(value)]


def pop(value, count=1) -> list:
    items = _items(value)
    return items[: max(len(items) - to_integer(count), 0)]


def shift(value, count=1) -> list:
    return _items(value)[to_integer(count):]


def sample(value, count=None):
    items = _items(value)
    # Deterministic: a page renders the same for every visitor and every rebuild.
    return items[: to_integer(count)] if count is not None else (items[0] if items else None)


def inspect(value) -> str:
    return html.escape(jsonify(value))


def smartify(value) -> str:
    return _as_text(value)


FILTERS = {
    "default": default, "relative_url": relative_url, "absolute_url": relative_url, "where": where,
    "where_exp": where_exp, "find": find, "find_exp": find_exp, "group_by": group_by, "group_by_array": group_by_array,
    "group_by_exp": group_by_exp,
    "date_to_string": date_to_string, "date_to_long_string": date_to_long_string,
    "date_to_xmlschema": date_to_xmlschema, "date_to_rfc822": date_to_rfc822, "markdownify": markdownify,
    "slugify": slugify, "xml_escape": xml_escape, "cgi_escape": cgi_escape, "uri_escape": uri_escape,
    "jsonify": jsonify, "number_of_words": number_of_words, "array_to_sentence_string": array_to_sentence_string,
    "normalize_whitespace": normalize_whitespace, "to_integer": to_integer, "push": push, "pop": pop,
    "shift": shift, "unshift": unshift, "sample": sample, "inspect": inspect, "smartify": smartify,
}
