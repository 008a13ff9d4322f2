"""Jekyll's include tag: `{% include archive-single.html type="grid" post=item %}`.

Unlike Shopify's, its parameters are `name=value` and reach the include as `include.name`; the file name is a
bare word and may hold `{{ }}`. The include's source is the site's own `_includes/<name>` when the site has one,
else profilehost's own version of academicpages' include; either way its output is page text for Markdown and
the sanitizer, never trusted markup. A few names are always ours: `base_path` (addresses are tenant-relative)
and `toc` (the page's table of contents, made by Markdown).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, cast

from liquid.ast import Node
from liquid.builtin.expressions import FilteredExpression
from liquid.builtin.expressions._tokenize import tokenize
from liquid.exceptions import LiquidSyntaxError
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG

if TYPE_CHECKING:
    from liquid.context import RenderContext
    from liquid.token import Token

# Render-time globals no Liquid path can name (a path segment cannot hold a NUL).
INCLUDE_SOURCES = "\0includes"
INCLUDE_NOTICES = "\0notices"
FIRST_LINE = "\0first_line"
INCLUDE_READS = "\0reads"
ALWAYS_OURS = frozenset({"base_path", "toc", "toc.html"})
PARAMETER = re.compile(r"""\s*([\w-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"']+)""")
NAME = re.compile(r"""\s*("[^"]*"|'[^']*'|(?:\{\{.*?\}\}|[^\s{])+)""")
MAX_INCLUDE_NAME = 200


class IncludeNotFound(Exception):
    pass


class JekyllIncludeNode(Node):
    __slots__ = ("name", "parameters")

    def __init__(self, token: Token, name: str, parameters: list[tuple[str, object]]) -> None:
        super().__init__(token)
        self.name = name
        self.parameters = parameters
        self.blank = False

    def __str__(self) -> str:
        return f"{{% include {self.name} %}}"

    def render_to_output(self, context: RenderContext, buffer) -> int:
        name = _interpolated(self.name, context)
        sources = cast("Mapping[str, str]", context.globals.get(INCLUDE_SOURCES) or {})
        source = None if name in ALWAYS_OURS else sources.get(name)
        reads = cast("set[str] | None", context.globals.get(INCLUDE_READS))
        if reads is not None:
            reads.add(f"include:{name}")
        if source is None:
            source = our_include(name)
        if source is None:
            notices = _notices(context)
            if notices is not None:
                line = cast(int, context.globals.get(FIRST_LINE, 1)) + self.token.source.count(
                    "\n", 0, max(self.token.start_index, 0))
                notices.append(f"line {line}: {{% include {name[:80]} %}}: your site has no _includes/"
                               f"{name[:80]} and profilehost has none by that name; it was left out.")
            return 0
        template = _readable(context, source, name)
        include = {key: value.evaluate(context) if isinstance(value, FilteredExpression) else value
                   for key, value in self.parameters}
        with context.extend({"include": include}, template=template):
            template.render_with_context(context, buffer, partial=True)
        return 1

    async def render_to_output_async(self, context: RenderContext, buffer) -> int:
        return self.render_to_output(context, buffer)

    def children(self, static_context, *, include_partials: bool = True):
        return []

    def expressions(self):
        return [value for _key, value in self.parameters if isinstance(value, FilteredExpression)]


def read_tag(stream: TokenStream) -> tuple[Token, str]:
    """A tag's token and the text of its expression ('' when it has none), the stream left on the tag's last token:
    the parser steps past that, so a tag without an expression must not step onto the text that follows it."""
    token = stream.expect(TOKEN_TAG)
    if stream.peek.kind != TOKEN_EXPRESSION:
        return token, ""
    next(stream)
    return token, stream.current.value


class JekyllIncludeTag(Tag):
    name = "include"
    block = False
    node_class = JekyllIncludeNode

    def parse(self, stream: TokenStream) -> Node:
        token, expression = read_tag(stream)
        match = NAME.match(expression)
        name = match.group(1).strip("\"'") if match else ""
        parameters: list[tuple[str, object]] = []
        for parameter in PARAMETER.finditer(expression, match.end() if match else 0):
            key, value = parameter.groups()
            if value[:1] in "\"'":
                parameters.append((key, value[1:-1]))
            else:
                parameters.append((key, FilteredExpression.parse(self.env, TokenStream(tokenize(value, token)))))
        return self.node_class(token, name[:MAX_INCLUDE_NAME], parameters)


def _notices(context: RenderContext) -> list[str] | None:
    """The list of the page's notices, carried in the render's globals (which Liquid types as objects)."""
    return cast("list[str] | None", context.globals.get(INCLUDE_NOTICES))


def _readable(context: RenderContext, source: str, name: str):
    """The include compiled strictly; else profilehost's own by that name; else read loosely as Jekyll does."""
    try:
        return _compiled(context.env, source, name)
    except LiquidSyntaxError as error:
        ours = our_include(name)
        if ours is not None and ours != source:
            return _compiled(context.env, ours, name)
        notices = _notices(context)
        if notices is not None and not any(notice.startswith(f"_includes/{name}:") for notice in notices):
            notices.append(f"_includes/{name}: {error.message}; Jekyll reads this Liquid loosely, and so does "
                           "profilehost, skipping what it cannot read.")
        return _compiled(_lax(context.env), source, name)


def _lax(env):
    from .liquid import LAX_ENVIRONMENT
    return LAX_ENVIRONMENT


def _interpolated(name: str, context: RenderContext) -> str:
    if "{{" not in name:
        return name
    buffer = io.StringIO()
    _compiled(context.env, name, "include name").render_with_context(context, buffer, partial=True)
    return buffer.getvalue().strip()[:MAX_INCLUDE_NAME]


@lru_cache(maxsize=512)
def _compiled(env, source: str, name: str):
    return env.from_string(source, name=name)


@lru_cache(maxsize=64)
def our_include(name: str) -> str | None:
    """The source of profilehost's own version of an academicpages include, or None."""
    if not re.fullmatch(r"[\w.-]{1,100}", name) or name.startswith("."):
        return None
    resource = resources.files(__package__).joinpath("includes", name)
    return resource.read_text(encoding="utf-8") if resource.is_file() else None
