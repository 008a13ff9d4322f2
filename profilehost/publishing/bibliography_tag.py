"""al-folio's `{% bibliography %}` (jekyll-scholar's tag): the site's bibliography as a grouped, formatted list.

The entries come from `site.publications` (the services put the bibliography's entries there), so a page that
shows the list is re-rendered when the bibliography changes, like any page that lists a collection. The output
is page text like any other: Markdown and the sanitizer see it after this tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liquid.ast import Node
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG

from .bibliography_html import ListedEntry, list_html
from .jekyll_include import FIRST_LINE, INCLUDE_NOTICES, INCLUDE_READS

if TYPE_CHECKING:
    from liquid.context import RenderContext
    from liquid.token import Token


class BibliographyNode(Node):
    __slots__ = ("arguments",)

    def __init__(self, token: Token, arguments: str) -> None:
        super().__init__(token)
        self.arguments = arguments
        self.blank = False

    def __str__(self) -> str:
        return "{% bibliography %}"

    def render_to_output(self, context: RenderContext, buffer) -> int:
        reads = context.globals.get(INCLUDE_READS)
        if reads is not None:
            reads.add("site.publications")  # also while the site has none: the first .bib renders this page again
        site = context.globals.get("site")
        items = site["publications"] if site is not None and "publications" in site else []
        listed = [found for item in items or () if (found := ListedEntry.of_item(item)) is not None]
        if self.arguments.strip():
            self._notice(context, f"{{% bibliography {self.arguments.strip()[:60]} %}}: profilehost lists the whole "
                                  "bibliography and ignores jekyll-scholar's options (--query, --file...).")
        if not listed:
            self._notice(context, "{% bibliography %}: the site has no bibliography yet. Upload your .bib under "
                                  "Dashboard > Bibliography and this page will list it.")
            return 0
        buffer.write("\n\n" + list_html(listed) + "\n\n")
        return 1

    async def render_to_output_async(self, context: RenderContext, buffer) -> int:
        return self.render_to_output(context, buffer)

    def _notice(self, context: RenderContext, message: str) -> None:
        notices = context.globals.get(INCLUDE_NOTICES)
        if notices is not None:
            line = context.globals.get(FIRST_LINE, 1) + self.token.source.count("\n", 0, max(self.token.start_index, 0))
            notices.append(f"line {line}: {message}")

    def children(self, static_context, *, include_partials: bool = True):
        return []

    def expressions(self):
        return []


class BibliographyTag(Tag):
    name = "bibliography"
    block = False
    node_class = BibliographyNode

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        arguments = stream.current.value if stream.current.kind == TOKEN_EXPRESSION else ""
        return self.node_class(token, arguments)
