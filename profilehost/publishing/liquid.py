"""Liquid, as Jekyll runs it on a page: python-liquid with Jekyll's context, filters and include tag.

The output is text for Markdown, which then goes through the sanitizer like every other byte of a page, so an
include, a data file or a collection item can add no markup the author could not have typed. Every render is
bounded: loop iterations, include depth, output size and the length of one tag, and the lexer never sees input
it would scan with the square of its size.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from liquid import Environment, Mode
from liquid.builtin.expressions import filtered
from liquid.exceptions import (
    ContextDepthError,
    LiquidError,
    LiquidSyntaxError,
    LocalNamespaceLimitError,
    LoopIterationLimitError,
    OutputStreamLimitError,
)
from liquid.token import TOKEN_BLANK, TOKEN_EMPTY

from . import jekyll_filters
from .bibliography_tag import BibliographyTag
from .errors import PublishError
from .jekyll_include import (
    FIRST_LINE,
    INCLUDE_NOTICES,
    INCLUDE_READS,
    INCLUDE_SOURCES,
    IncludeNotFound,
    JekyllIncludeTag,
)
from .raw_blocks import RAW_BLOCKS
from .site import COMPUTED_KEYS, EMPTY_SITE, SiteContext

COLLECTIONS = ("publications", "talks", "teaching", "portfolio", "posts")
MAX_TAG_CHARS = 4000  # one {{ }} or {% %}; python-liquid's lexer backtracks over a long one
MAX_LOOP_ITERATIONS = 50_000
MAX_OUTPUT_CHARS = 8 * 1024 * 1024
# What a page's Liquid may make of its source: generous for a CV over a data file, bounded for 35 KB of loops.
OUTPUT_PER_SOURCE_CHAR = 400
MIN_OUTPUT_CHARS = 2 * 1024 * 1024
MAX_UNKNOWN_TAGS = 50
DELIMITER = re.compile(r"\{[{%]")
RAW_END = re.compile(r"\{%-?\s*endraw\s*-?%\}")
RAW_START = re.compile(r"\{%-?\s*raw\s*-?%\}")
UNEXPECTED_TAG = re.compile(r"unexpected tag '([^']*)'")
UNCLOSED_BLOCK = re.compile(r"expected tag (end\w+)")
# Plugins GitHub Pages runs for some sites, which profilehost does not: their tags are named in a notice.
PLUGIN_TAGS = {"cite": "jekyll-scholar", "reference": "jekyll-scholar",
               "katexmm": "jekyll-katex", "endkatexmm": "jekyll-katex", "katex": "jekyll-katex",
               "endkatex": "jekyll-katex", "seo": "jekyll-seo-tag", "feed_meta": "jekyll-feed",
               "gist": "jekyll-gist", "github_edit_link": "jekyll-github-metadata", "twitter": "jekyll-twitter-plugin",
               "include_cached": "jekyll-include-cache", "link": "Jekyll's link tag", "post_url": "Jekyll's post_url",
               "highlight": "Jekyll's highlight tag", "endhighlight": "Jekyll's highlight tag",
               "details": "a plugin", "enddetails": "a plugin", "scholar": "a plugin"}


# Ruby Liquid reads `empty` and `blank` as literals wherever a value may stand, so `site.talks | default: empty`
# (a common guard in listing pages) is valid there; python-liquid takes them only in conditions, and would read
# the whole page loosely, dropping that assign. The set is python-liquid's own list of filter-argument tokens.
filtered.FILTER_TOKENS.update({TOKEN_EMPTY, TOKEN_BLANK})


class JekyllEnvironment(Environment):
    context_depth_limit = 30
    loop_iteration_limit = MAX_LOOP_ITERATIONS
    local_namespace_limit = 4 * 1024 * 1024
    output_stream_limit = MAX_OUTPUT_CHARS

    def setup_tags_and_filters(self, *, extra: bool = False) -> None:
        super().setup_tags_and_filters(extra=extra)
        self.add_tag(JekyllIncludeTag)
        self.add_tag(BibliographyTag)
        jekyll_filters.register(self)


ENVIRONMENT = JekyllEnvironment(strict_filters=False)
# Jekyll runs Liquid in lax mode, where a tag with junk in it (`{% for x in list | sort %}`, academicpages' own
# group-by-array) renders as far as it can be read. A page that python-liquid cannot read strictly is read this
# way, with a notice naming the line.
LAX_ENVIRONMENT = JekyllEnvironment(strict_filters=False, tolerance=Mode.LAX)


@dataclass(frozen=True)
class LiquidOutcome:
    text: str
    notices: tuple[str, ...]
    reads: frozenset[str]  # what of the site the page read: 'site.data.cv', 'site.publications', 'include:x.html'
    raw_blocks: tuple[str, ...] = ()  # HTML its tags set aside from Markdown (raw_blocks.put_back)


def render_liquid(body: str, *, site: SiteContext = EMPTY_SITE, page: Mapping | None = None,
                  filename: str = "page.md", first_line: int = 1,
                  values: Mapping[str, object] | None = None, blocks_aside: bool = False) -> LiquidOutcome:
    """The page body with its Liquid run, or PublishError naming the line of what Jekyll would refuse too.
    `values` are more variables (a layout's `content` and `layout`). With `blocks_aside`, the HTML blocks tags
    make whole are left out of the text, for `raw_blocks.put_back` after Markdown."""
    if "{{" not in body and "{%" not in body:
        return LiquidOutcome(body, (), frozenset())
    _check_lexable(body, filename, first_line)
    notices: list[str] = []
    template = _parse(body, filename, first_line, notices)
    reads: set[str] = set()
    tracked = TrackedSite(site, reads)
    context = {"site": tracked, "page": dict(page or {}),
               "jekyll": {"environment": "production"}, "paginator": _paginator(tracked, site.config, page or {}),
               INCLUDE_SOURCES: site.includes, INCLUDE_NOTICES: notices, FIRST_LINE: first_line,
               INCLUDE_READS: reads, **(values or {})}
    aside: list[str] = []
    if blocks_aside:
        context[RAW_BLOCKS] = aside
    try:
        text = template.render(**context)
    except IncludeNotFound as missing:
        raise PublishError(f"{filename}: {missing}") from None
    except LiquidError as error:
        raise PublishError(_render_error(error, filename, first_line)) from None
    given = sum(len(value) for value in (values or {}).values() if isinstance(value, str))
    limit = max(MIN_OUTPUT_CHARS, OUTPUT_PER_SOURCE_CHAR * len(body)) + given
    made = len(text) + sum(map(len, aside))
    if made > limit:
        raise PublishError(f"{filename}: its Liquid makes {made:,} characters of page from "
                           f"{len(body):,} of source, more than the {limit:,} profilehost renders for a page this "
                           "size. Look for a loop that repeats more than it should.")
    return LiquidOutcome(text, tuple(notices), frozenset(reads), tuple(aside))


def _paginator(tracked: TrackedSite, config: Mapping, page: Mapping) -> dict:
    """jekyll-paginate's `paginator` on the first page of the index it paginates (an index.html in the folder of
    `paginate_path`, `paginate` posts a page); its later pages (/blog/page2/) are not made here."""
    per_page = config.get("paginate")
    path = str(page.get("path") or "")
    folder, _, name = path.rpartition("/")
    pattern = str(config.get("paginate_path") or "/page:num/")
    if (not isinstance(per_page, int) or isinstance(per_page, bool) or per_page <= 0 or name != "index.html"
            or folder.strip("/") != pattern.strip("/").rpartition("/")[0]):
        return {}
    posts = list(tracked["posts"] or [])
    total_pages = max(1, math.ceil(len(posts) / per_page))
    more = total_pages > 1
    return {"page": 1, "per_page": per_page, "posts": posts[:per_page], "total_posts": len(posts),
            "total_pages": total_pages, "previous_page": None, "previous_page_path": None,
            "next_page": 2 if more else None, "next_page_path": pattern.replace(":num", "2") if more else None}


def _check_lexable(body: str, filename: str, first_line: int) -> None:
    """Refuse, in one linear pass, what Jekyll refuses too and python-liquid's lexer would take quadratic time
    over: a '{{' or '{%' never closed, a {% raw %} never ended, a tag thousands of characters long."""
    position = 0
    while (match := DELIMITER.search(body, position)) is not None:
        start = match.start()
        closer = "}}" if match.group(0) == "{{" else "%}"
        end = body.find(closer, start + 2)
        line = first_line + body.count("\n", 0, start)
        if end == -1:
            raise PublishError(f"{filename}: line {line}: '{match.group(0)}' is never closed with '{closer}'. "
                               f"Close it, or write it as {{% raw %}}{match.group(0)}{{% endraw %}} to show it.",
                               line=line)
        if end - start > MAX_TAG_CHARS:
            raise PublishError(f"{filename}: line {line}: a Liquid tag runs for {end - start:,} characters before "
                               f"its '{closer}'; profilehost reads tags of up to {MAX_TAG_CHARS:,}. Check that the "
                               f"'{match.group(0)}' is closed where you meant.", line=line)
        position = end + 2
        if RAW_START.fullmatch(body, start, position):
            raw_end = RAW_END.search(body, position)
            if raw_end is None:
                raise PublishError(f"{filename}: line {line}: {{% raw %}} is never ended with {{% endraw %}}.",
                                   line=line)
            position = raw_end.end()


def _parse(body: str, filename: str, first_line: int, notices: list[str]):
    """The parsed template. A tag Liquid does not know (a plugin's) is blanked and named in a notice, as many
    times as it takes, up to MAX_UNKNOWN_TAGS."""
    for _attempt in range(MAX_UNKNOWN_TAGS + 1):
        try:
            return _parsed(body)
        except LiquidSyntaxError as error:
            unknown = UNEXPECTED_TAG.search(str(error.message or ""))
            token = error.token
            if UNCLOSED_BLOCK.search(str(error.message or "")):
                raise PublishError(_syntax_error(error, body, filename, first_line)) from None
            if unknown is None or token is None or token.start_index < 0:
                notices.append(f"{_where(error, first_line)}{error.message}: Jekyll reads this Liquid loosely, "
                               "and so does profilehost, skipping what it cannot read. Check that the page shows "
                               "what you expect.")
                return LAX_ENVIRONMENT.from_string(body)
            start, end = _tag_span(body, token.start_index)
            line = first_line + body.count("\n", 0, start)
            notices.append(_unknown_tag_notice(unknown.group(1), body[start:end], line))
            body = body[:start] + re.sub(r"[^\n]", " ", body[start:end]) + body[end:]
        except LiquidError as error:  # nesting deeper than block_nesting_limit, and the like
            raise PublishError(f"{filename}: {_where(error, first_line)}{error.message}: Liquid blocks (for, if, "
                               "capture) nest deeper than 30 here. Close them where they should end.") from None
    raise PublishError(f"{filename}: more than {MAX_UNKNOWN_TAGS} Liquid tags that profilehost does not know. "
                       "Remove the plugin tags, or write that content out in Markdown.")


def _parsed(body: str):
    return ENVIRONMENT.from_string(body)


def _tag_span(body: str, index: int) -> tuple[int, int]:
    start = body.rfind("{%", 0, index + 1)
    end = body.find("%}", index)
    return start, (end + 2 if end != -1 else len(body))


def _unknown_tag_notice(name: str, tag: str, line: int) -> str:
    shown = " ".join(tag.split())[:80]
    plugin = PLUGIN_TAGS.get(name)
    if plugin:
        return f"line {line}: {shown} belongs to {plugin}, which profilehost does not run; it was left out."
    if name.startswith("end"):
        return f"line {line}: {shown} closes nothing that is open; it was left out."
    return f"line {line}: {shown} is not a Liquid tag profilehost knows; it was left out."


def _syntax_error(error: LiquidSyntaxError, body: str, filename: str, first_line: int) -> str:
    message = str(error.message or "a Liquid syntax error")
    unclosed = UNCLOSED_BLOCK.search(message)
    if unclosed:
        opener = unclosed.group(1).removeprefix("end")
        line = _last_unclosed_line(body, opener)
        where = f"line {first_line + line - 1}: " if line else ""
        return (f"{filename}: {where}{{% {opener} %}} is never closed with {{% end{opener} %}}. Add it where the "
                "block should end.")
    return f"{filename}: {_where(error, first_line)}{message}. Fix the Liquid there, as Jekyll would refuse it too."


def _last_unclosed_line(body: str, opener: str) -> int | None:
    opened: list[int] = []
    for tag in re.finditer(rf"\{{%-?\s*(end)?{opener}\b", body):
        if tag.group(1):
            if opened:
                opened.pop()
        else:
            opened.append(body.count("\n", 0, tag.start()) + 1)
    return opened[-1] if opened else None


def _where(error: LiquidError, first_line: int) -> str:
    token = error.token
    if token is None or token.start_index < 0 or not token.source:
        return ""
    if error.template_name:
        line = 1 + token.source.count("\n", 0, token.start_index)
        return f"_includes/{error.template_name}, line {line}: "
    return f"line {first_line + token.source.count(chr(10), 0, token.start_index)}: "


def _render_error(error: LiquidError, filename: str, first_line: int) -> str:
    where = _where(error, first_line)
    if isinstance(error, LoopIterationLimitError):
        return (f"{filename}: {where}its loops run more than {MAX_LOOP_ITERATIONS:,} times in all, which no page "
                "needs. Look for a loop inside a loop over a large list.")
    if isinstance(error, OutputStreamLimitError):
        return f"{filename}: {where}its Liquid makes more than {MAX_OUTPUT_CHARS // 1048576} MiB of page."
    if isinstance(error, ContextDepthError):
        return f"{filename}: {where}includes inside includes go deeper than 30: does an include include itself?"
    if isinstance(error, LocalNamespaceLimitError):
        return f"{filename}: {where}its assign and capture tags hold more than 4 MiB."
    return f"{filename}: {where}{error.message}. Fix the Liquid there, as Jekyll would refuse it too."


def _site_values(site: SiteContext) -> dict:
    """What `site` holds before anything is read: the config and the values that cost nothing to give."""
    values = {key: value for key, value in site.config.items() if key not in COMPUTED_KEYS}
    values.update(url="", baseurl="", github={"url": ""}, time=site.time, data=site.data)
    return values


def _computed_keys(site: SiteContext) -> set[str]:
    return {*site.collections, "posts", "pages", "html_pages", "documents", "collections", "categories", "tags"}


def _computed(site: SiteContext, key: str):
    """A value of `site` made from the documents and pages, once per SiteContext: an import renders every page
    in one context, and most pages read none of these."""
    if key not in site.memo:
        site.memo[key] = _compute(site, key)
    return site.memo[key]


def _compute(site: SiteContext, key: str):
    if key == "posts":
        return list(reversed(_documents(site, "posts")))  # Jekyll's site.posts is newest first
    if key in site.collections:
        return _documents(site, key)
    if key == "documents":
        return [document for name in site.collections for document in _documents(site, name)]
    if key == "collections":
        return [{"label": name, "docs": _documents(site, name)} for name in site.collections]
    if key == "pages":
        return [page.to_liquid() for page in site.pages]
    if key == "html_pages":
        return [page for page in _computed(site, "pages") if page["url"].endswith(("/", ".html", ".htm"))]
    return _grouped(_computed(site, "posts"), key)  # categories, tags


def _documents(site: SiteContext, name: str) -> list[dict]:
    key = ("documents", name)
    if key not in site.memo:
        separator = site.config.get("excerpt_separator", "\n\n")
        separator = separator if isinstance(separator, str) else "\n\n"
        site.memo[key] = [_dated(document.to_liquid(separator), site) for document in site.collections.get(name, ())]
    return site.memo[key]


def _dated(document: dict, site: SiteContext) -> dict:
    # Jekyll dates an undated document at the time of the build, and its listings show that date; the day
    # alone, so that building the same site twice in a day gives the same page.
    if document.get("date") is None:
        document["date"] = site.time.replace(hour=0, minute=0, second=0, microsecond=0)
    return document


def _grouped(posts: list[dict], field: str) -> dict[str, list[dict]]:
    """site.categories / site.tags: each name with its posts, as `{% for category in site.categories %}` reads
    them (category[0] the name, category[1] the posts)."""
    groups: dict[str, list[dict]] = {}
    for post in posts:
        names = post.get(field)
        for name in names.split() if isinstance(names, str) else names if isinstance(names, list) else ():
            groups.setdefault(str(name), []).append(post)
    return groups


class TrackedSite(dict):
    """`site`, remembering what a page reads of it, so a change to a data file or a collection re-renders
    exactly the pages that read it. The documents and pages are made into Liquid values when first read."""

    def __init__(self, site: SiteContext, reads: set[str]) -> None:
        super().__init__(_site_values(site))
        self.site = site
        self.reads = reads
        self.pending = _computed_keys(site)

    def _make(self, key) -> None:
        if key in self.pending:
            self.pending.discard(key)
            dict.__setitem__(self, key, _computed(self.site, key))

    def _make_all(self) -> None:
        for key in list(self.pending):
            self._make(key)

    def __getitem__(self, key):
        self.reads.add(f"site.{key}")
        self._make(key)
        value = super().__getitem__(key)
        if key == "data" and isinstance(value, Mapping):
            return TrackedData(value, self.reads)
        return value

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __contains__(self, key) -> bool:
        return key in self.pending or super().__contains__(key)

    def __iter__(self):
        self._make_all()
        return super().__iter__()

    def __len__(self) -> int:
        self._make_all()
        return super().__len__()

    def keys(self):
        self._make_all()
        return super().keys()

    def items(self):
        self._make_all()
        return super().items()

    def values(self):
        self._make_all()
        return super().values()


class TrackedData(dict):
    def __init__(self, values: Mapping, reads: set[str]) -> None:
        super().__init__(values)
        self.reads = reads

    def __getitem__(self, key):
        self.reads.add(f"site.data.{key}")
        return super().__getitem__(key)

