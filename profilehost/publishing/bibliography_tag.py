"""al-folio's `{% bibliography %}` (jekyll-scholar's tag): the site's bibliography as a grouped, formatted list.

The entries come from `site.publications` (the services put the bibliography's entries there), so a page that
shows the list is re-rendered when the bibliography changes, like any page that lists a collection. The output
is set aside while Markdown runs (raw_blocks: an HTML block Markdown would leave as it is) and sanitized
with the rest of the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from liquid.ast import Node
from liquid.stream import TokenStream
from liquid.tag import Tag

from .bibliography_html import ListedEntry, entry_item_html, list_html
from .jekyll_include import FIRST_LINE, INCLUDE_NOTICES, INCLUDE_READS, read_tag
from .raw_blocks import RAW_BLOCKS, set_aside

if TYPE_CHECKING:
    from liquid.context import RenderContext
    from liquid.token import Token


# jekyll-scholar's options as al-folio pages write them: `-f papers -q @*[year={{ y }}]*`.
OPTION = re.compile(r"(?:^|\s)(-f|--file|-q|--query|-\w|--[\w-]+)(?:\s+([^-\s]\S*))?")
QUERY = re.compile(r"^@(?P<type>\w+|\*)(?:\[(?P<conditions>[^\]]*)\])?\*?$")
CONDITION = re.compile(r"^\s*(?P<field>\w+)\s*(?P<op>!=|~=|<=|>=|=|<|>)\s*(?P<value>.*?)\s*$")
VARIABLE = re.compile(r"\{\{-?\s*([\w.]+)\s*-?\}\}")


class BibliographyNode(Node):
    __slots__ = ("arguments",)

    def __init__(self, token: Token, arguments: str) -> None:
        super().__init__(token)
        self.arguments = arguments
        self.blank = False

    def __str__(self) -> str:
        return "{% bibliography %}"

    def render_to_output(self, context: RenderContext, buffer) -> int:
        reads = cast("set[str] | None", context.globals.get(INCLUDE_READS))
        if reads is not None:
            reads.add("site.publications")  # also while the site has none: the first .bib renders this page again
        site = context.globals.get("site")
        items = site["publications"] if isinstance(site, Mapping) and "publications" in site else []
        arguments = VARIABLE.sub(lambda found: str(_resolve(context, found[1])), self.arguments)
        options = dict(OPTION.findall(arguments))
        query = options.pop("-q", None) or options.pop("--query", None)
        options.pop("-f", None), options.pop("--file", None)  # al-folio's one .bib is the site's bibliography
        if options:
            self._notice(context, f"{{% bibliography {arguments.strip()[:60]} %}}: profilehost reads --query and "
                                  f"--file of jekyll-scholar's options and ignores {', '.join(sorted(options))}.")
        entries = [(item, found) for item in items or () if isinstance(item, Mapping) and item.get("bibtex_key")
                   and (found := ListedEntry.of_item(item)) is not None]
        if query:
            matches = _query(query)
            if matches is None:
                self._notice(context, f"{{% bibliography %}}: the query {query[:60]} is not one profilehost reads "
                                      "(it reads @type[field=value, ...]); the whole bibliography is listed.")
            else:
                chosen = sorted((found for item, found in entries if matches(item)),
                                key=lambda found: (-(found.year or 0), -found.month, found.title.lower()))
                _write_block(context, buffer, '<ol class="bibliography">'
                             + "".join(f"<li>{entry_item_html(found)}</li>" for found in chosen) + "</ol>")
                return 1
        listed = [found for _item, found in entries]
        if not listed:
            self._notice(context, "{% bibliography %} (jekyll-scholar's list): the site has no bibliography yet. "
                                  "Upload your .bib under Dashboard > Bibliography and this page will list it.")
            return 0
        _write_block(context, buffer, list_html(listed))
        return 1

    async def render_to_output_async(self, context: RenderContext, buffer) -> int:
        return self.render_to_output(context, buffer)

    def _notice(self, context: RenderContext, message: str) -> None:
        notices = cast("list[str] | None", context.globals.get(INCLUDE_NOTICES))
        if notices is not None:
            first_line = cast(int, context.globals.get(FIRST_LINE, 1))
            line = first_line + self.token.source.count("\n", 0, max(self.token.start_index, 0))
            notices.append(f"line {line}: {message}")

    def children(self, static_context, *, include_partials: bool = True):
        return []

    def expressions(self):
        return []


def _write_block(context: RenderContext, buffer, html: str) -> None:
    aside = cast("list[str] | None", context.globals.get(RAW_BLOCKS))
    buffer.write(set_aside(aside, html) if aside is not None else f"\n\n{html}\n\n")


class BibliographyTag(Tag):
    name = "bibliography"
    block = False
    node_class = BibliographyNode

    def parse(self, stream: TokenStream) -> Node:
        token, arguments = read_tag(stream)
        return self.node_class(token, arguments)


def _resolve(context: RenderContext, path: str) -> object:
    """A `{{ name.key }}` inside the tag's options, as jekyll-scholar renders its options with Liquid first."""
    first, *rest = path.split(".")
    value = context.resolve(first, default="")
    for key in rest:
        value = value.get(key, "") if isinstance(value, Mapping) else ""
    return "" if value is None else value


def _query(query: str):
    """jekyll-scholar's (bibtex-ruby's) `@type[field=value, ...]` as a test of a site.publications item; None
    for a query it does not read."""
    found = QUERY.match(query.strip())
    if found is None:
        return None
    conditions = []
    for condition in filter(str.strip, (found["conditions"] or "").split(",")):
        parsed = CONDITION.match(condition)
        if parsed is None:
            return None
        conditions.append((parsed["field"].lower(), parsed["op"], parsed["value"].strip("'\"")))
    wanted_type = found["type"].lower()

    def matches(item: Mapping) -> bool:
        fields = {**{str(name).lower(): value for name, value in (item.get("bibtex_fields") or {}).items()},
                  **{name: item[name] for name in ("year", "category", "title") if name in item},
                  "key": item.get("bibtex_key")}
        if wanted_type != "*" and str(fields.get("entry_type") or "").lower() != wanted_type:
            return False
        return all(_holds(fields.get(name), op, value) for name, op, value in conditions)

    return matches


def _holds(actual: object, op: str, wanted: str) -> bool:
    text = "" if actual is None else str(actual)
    if op in ("<", ">", "<=", ">="):
        try:
            number, limit = float(text), float(wanted)
        except ValueError:
            return False
        return {"<": number < limit, ">": number > limit, "<=": number <= limit, ">=": number >= limit}[op]
    if op == "~=":
        return wanted.lower() in text.lower()
    return (text.lower() == wanted.lower()) == (op == "=")
