"""What a page's Liquid sees of its site: plain data the services build from the tenant's stored files.

Jekyll's `site` is the `_config.yml` values, `site.data` (the `_data/` files), each collection's documents, and
`site.pages`. Addresses are tenant-relative ('/publications/paper-1/'): `site.url` and `site.baseurl` are empty
here, so `{{ base_path }}{{ post.url }}` is root-relative and the link step puts it inside the tenant, wherever
the site was built for (a GitHub user site, a project site under /webpage, a custom domain).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from .errors import PublishError
from .markdown import render_markdown
from .meta import document_title

# Keys Jekyll computes, which a _config.yml cannot set; url and baseurl are emptied (see above).
COMPUTED_KEYS = frozenset({"data", "pages", "documents", "collections", "time", "html_pages", "static_files",
                           "categories", "tags", "related_posts"})
FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>.*?</p>", re.S)
MAX_EXCERPT_SOURCE = 20_000


@dataclass(frozen=True)
class SiteDocument:
    """A collection item or a page, as `site.publications[i]` or `site.pages[i]` shows it."""
    url: str  # the permalink, tenant-relative
    front_matter: Mapping
    content: str = ""  # the rendered, sanitized body
    collection: str | None = None
    path: str = ""  # '_publications/2024-paper.md'
    source: str = ""  # the Markdown body, from which Jekyll takes the excerpt

    def to_liquid(self, excerpt_separator: str = "\n\n") -> dict:
        values = dict(self.front_matter)
        stem = self.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        values.update(url=self._jekyll_url(), content=self.content, path=self.path, relative_path=self.path,
                      name=self.path.rsplit("/", 1)[-1])
        values["date"] = _as_datetime(values.get("date")) or _date_of_name(stem)
        if self.collection:
            # Only a document has an id, a slug and a title from its name; a page has what its front matter says
            # (academicpages' archive-single.html tells them apart by post.id).
            values.update(id=self.url.rstrip("/") or "/", slug=_slug_of(stem), collection=self.collection)
            values.setdefault("title", document_title(self.path))
            if not isinstance(values.get("excerpt"), str):
                values["excerpt"] = self._excerpt(excerpt_separator)
        return values

    def _excerpt(self, separator: str) -> str:
        """Jekyll's excerpt: the Markdown before the first excerpt_separator (a blank line unless the config says
        otherwise), rendered: a list or a heading with its list when the document starts with one. A head with
        Liquid in it (rendered in the page's context by Jekyll) is the first paragraph of the content instead."""
        head = self.source.lstrip("\n").split(separator, 1)[0] if separator else ""
        if not head.strip() or "{{" in head or "{%" in head or self.path.lower().endswith((".html", ".htm")):
            return excerpt_of(self.content)
        return _rendered_excerpt(head)

    def _jekyll_url(self) -> str:
        """The address as Jekyll writes it in listings: the front matter's permalink as written
        ('/talkmap.html', '/publication/paper-1' without its slash), which profilehost serves as its own
        permalink ('/talkmap/', '/publication/paper-1/')."""
        permalink = self.front_matter.get("permalink")
        if isinstance(permalink, str) and permalink.startswith("/") and ":" not in permalink:
            return permalink.strip()
        return self.url


@dataclass(frozen=True)
class SiteContext:
    config: Mapping = field(default_factory=dict)
    data: Mapping = field(default_factory=dict)
    collections: Mapping[str, Sequence[SiteDocument]] = field(default_factory=dict)
    pages: Sequence[SiteDocument] = ()
    includes: Mapping[str, str] = field(default_factory=dict)  # the site's own _includes/<name> sources
    layouts: Mapping[str, str] = field(default_factory=dict)  # the site's own _layouts/<name>.html sources, by name
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Liquid values made from it (liquid._computed), kept for the pages rendered in the same context.
    memo: dict = field(default_factory=dict, init=False, compare=False, repr=False)


EMPTY_SITE = SiteContext()


def listed_pages(pages: Sequence[SiteDocument], documents: Sequence[SiteDocument],
                 config: Mapping) -> list[SiteDocument]:
    """`site.pages` as Jekyll gives it: every page of the site (two at one address included) by file name, then
    the pages its plugins add: jekyll-redirect-from's for each redirect_from (the documents', then the pages')
    and its redirects.json; jekyll-feed's feed and jekyll-sitemap's sitemap and robots.txt, in the order the
    config lists those plugins."""
    listed = sorted(pages, key=lambda page: page.path.rsplit("/", 1)[-1])
    plugins = _plugins(config)
    if "jekyll-redirect-from" in plugins:
        listed += [SiteDocument(url=source, front_matter={}, path="redirect.html")
                   for document in [*documents, *listed] for source in _redirect_sources(document.front_matter)]
        listed.append(SiteDocument(url="/redirects.json", front_matter={}, path="redirects.json"))
    own = {page.url for page in pages}
    for plugin in plugins:
        if plugin == "jekyll-feed":
            feed = given if isinstance(given := config.get("feed"), Mapping) else {}
            path = str(feed.get("path") or "feed.xml").lstrip("/")
            listed.append(SiteDocument(url="/" + path, front_matter={}, path=path))
        elif plugin == "jekyll-sitemap":
            listed.append(SiteDocument(url="/sitemap.xml", front_matter={}, path="sitemap.xml"))
            if "/robots.txt" not in own:
                listed.append(SiteDocument(url="/robots.txt", front_matter={}, path="robots.txt"))
    return listed


def _plugins(config: Mapping) -> list[str]:
    named = [config.get(key) for key in ("plugins", "gems")]
    return [str(name) for names in named if isinstance(names, list) for name in names]


def _redirect_sources(front_matter: Mapping) -> list[str]:
    value = front_matter.get("redirect_from")
    sources = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return ["/" + source.strip().lstrip("/") for source in sources if isinstance(source, str) and source.strip()]


def _rendered_excerpt(head: str) -> str:
    # Markdown only: what Liquid makes of it is sanitized with the rest of the page that shows it.
    return render_markdown(head[:MAX_EXCERPT_SOURCE])


def excerpt_of(content_html: str) -> str:
    """Jekyll's excerpt: the document's first paragraph, as HTML."""
    match = FIRST_PARAGRAPH.search(content_html)
    return match.group(0) if match else ""


def sorted_documents(documents: Sequence[SiteDocument]) -> list[SiteDocument]:
    """Jekyll's order for a collection: by date, then by path (undated documents by path, first)."""
    def key(document: SiteDocument):
        liquid_date = _as_datetime(document.front_matter.get("date")) or _date_of_name(
            document.path.rsplit("/", 1)[-1])
        return (liquid_date is not None, liquid_date or datetime.min.replace(tzinfo=UTC), document.path)
    return sorted(documents, key=key)


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        text = value.strip().replace(" ", "T", 1)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(text[:10])
            except ValueError:
                return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def document_date(path: str, site: SiteContext) -> datetime:
    """A collection document's date when its front matter gives none, as Jekyll dates it: from its file name
    ('2024-05-01-talk.md'), else the time of the build."""
    return _date_of_name(path.rsplit("/", 1)[-1]) or site.time


def _date_of_name(stem: str) -> datetime | None:
    return _as_datetime(stem[:10]) if re.match(r"\d{4}-\d{2}-\d{2}-", stem) else None


def _slug_of(stem: str) -> str:
    return re.sub(r"^\d{4}-\d{2}-\d{2}-", "", stem)


def front_matter_defaults(config: Mapping, path: str, kind: str) -> dict:
    """The `defaults:` of a _config.yml that apply to the file at `path` ('_pages/cv.md') of `kind` ('pages',
    'posts' or a collection's name), as Jekyll merges them: a more specific path wins, then a later entry."""
    entries = config.get("defaults") if isinstance(config, Mapping) else None
    if not isinstance(entries, list):
        return {}
    matching = []
    for order, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("values"), Mapping):
            continue
        scope = given if isinstance(given := entry.get("scope"), Mapping) else {}
        scope_path = str(scope.get("path") or "").strip("/")
        scope_kind = scope.get("type")
        if scope_path and not (path == scope_path or path.startswith(scope_path + "/")):
            continue
        if scope_kind and str(scope_kind) != kind:
            continue
        matching.append((len(scope_path), bool(scope_kind), order, entry["values"]))
    merged: dict = {}
    for *_specificity, values in sorted(matching, key=lambda found: found[:3]):
        merged.update({str(key): value for key, value in values.items()})
    return merged


SITE_FILE = re.compile(r"^(?:_config\.yml|_data/(?:[\w.-]+/){0,2}[\w.-]+\.(?:ya?ml|json|csv)"
                       r"|_includes/(?:[\w.-]+/){0,2}[\w.-]+|_layouts/[\w.-]+\.html)$")
MAX_SITE_FILE_BYTES = 1024 * 1024


def is_site_file(path: str) -> bool:
    """A file of the site that is not a page: the config, a data file, an include, a layout."""
    return bool(SITE_FILE.match(path)) and ".." not in path and "/." not in path


def read_site_files(files: Mapping[str, bytes], load_yaml) -> tuple[dict, dict, dict, dict]:
    """(config, data, includes, layouts) from the site's files by path, as Jekyll reads them: `_data/cv.yml` is
    `site.data.cv`, `_data/people/ada.yml` is `site.data.people.ada`. `load_yaml(raw, path)` parses a YAML or
    JSON document (JSON is YAML) and raises PublishError naming the file and line."""
    config: dict = {}
    data: dict = {}
    includes: dict = {}
    layouts: dict = {}
    for path, raw in sorted(files.items()):
        if path == "_config.yml":
            document = load_yaml(raw, path)
            config = dict(document) if isinstance(document, Mapping) else {}
        elif path.startswith("_data/"):
            *folders, name = path.removeprefix("_data/").split("/")
            target = data
            for folder in folders:
                target = target.setdefault(folder, {}) if isinstance(target.get(folder, {}), dict) else {}
            stem = name.rsplit(".", 1)[0]
            target[stem] = _read_csv(raw, path) if name.endswith(".csv") else load_yaml(raw, path)
        elif path.startswith("_includes/"):
            includes[path.removeprefix("_includes/")] = raw.decode("utf-8", "replace")
        elif path.startswith("_layouts/"):
            layouts[path.removeprefix("_layouts/").removesuffix(".html")] = raw.decode("utf-8", "replace")
    return config, data, includes, layouts


def _read_csv(raw: bytes, path: str) -> list[dict]:
    """The rows as Jekyll's CSV reader gives them (a mapping per row, keyed by the header), or PublishError
    naming the file and the line the reader stopped at."""
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig", "replace"), newline=""))
    try:
        return list(reader)
    except csv.Error as error:
        line = reader.reader.line_num
        raise PublishError(f"{path}, line {line}: this CSV cannot be read ({error}). Check the quotes on this "
                           "line: a field that holds commas or line breaks is written in double quotes, and a "
                           "quote inside it is doubled (\"\").", line=line) from None
