"""The front matter keys profilehost understands, validated and typed; every refusal names file, line and field."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TypeVar
from urllib.parse import unquote

import langcodes

from .errors import PublishError
from .frontmatter import FrontMatter

DESCRIPTION_LIMIT = 300
# The lengths of the columns that hold these values (models.py: Page.permalink and Redirect.path, Page.title and
# Revision.title, Page.nav_title); PostgreSQL refuses a longer value with an error the author never sees.
PATH_LIMIT = 512
TITLE_LIMIT = 300
NAV_TITLE_LIMIT = 120
# Each redirect costs queries when the page is published; a moved page needs a handful.
REDIRECT_LIMIT = 100
KNOWN_KEYS = {"title", "permalink", "redirect_from", "author_profile", "excerpt", "description", "published",
              "nav_order", "nav_title", "date", "layout",
              # shown on collection items and listings
              "venue", "citation", "paperurl", "slidesurl", "bibtexurl", "link", "type", "talk_type", "location",
              "collection", "modified",
              # the page's language (<html lang>, dir, og:locale), Jekyll's and jekyll-feed's key
              "lang",
              # a publication's Google Scholar tags (scholar.py) and its group in the listings
              "authors", "author", "category", "entry_type", "journal", "booktitle", "volume", "issue", "number",
              "pages", "doi", "abstract", "pdf",
              # the feed's <category> terms
              "categories", "tags",
              # a bibliography entry's item, as an export writes it: {% bibliography %} queries and sorts these
              "bibtex_key", "bibtex_fields", "year", "month"}
# academicpages' (minimal-mistakes') switches for parts of its own theme: the shared theme has no such parts.
THEME_SWITCHES = {"comments", "share", "related", "read_time", "toc", "toc_label", "toc_icon", "toc_sticky",
                  "classes", "sidebar", "header"}
# academicpages' layouts whose lines under the title (dates, venue, citation) the shared theme shows as they do.
HEADER_LAYOUTS = ("single", "talk")
# Layouts that draw no lines under the title and need no notice: al-folio's home page, and academicpages'
# archive (its listing pages: the title, then the content, as the shared theme shows any page).
QUIET_LAYOUTS = ("about", "archive")
# The themes' own layouts, which the one shared theme stands in for: never run, even when a site has a copy.
ACADEMICPAGES_LAYOUTS = ("archive", "archive-taxonomy", "compress", "cv-layout", "default", "single", "splash",
                         "talk")
MINIMAL_MISTAKES_LAYOUTS = ("categories", "category", "collection", "home", "posts", "search", "single-portfolio",
                            "tag", "tags")
AL_FOLIO_LAYOUTS = ("about", "archive-category", "archive-tag", "archive-year", "bib", "book-review", "course",
                    "cv", "distill", "none", "page", "post", "profiles", "teachings")
THEME_LAYOUTS = frozenset(ACADEMICPAGES_LAYOUTS + MINIMAL_MISTAKES_LAYOUTS + AL_FOLIO_LAYOUTS)
FORBIDDEN_IN_PATHS = re.compile(r"[\s\\?#<>\"'`]|[\x00-\x1f\x7f]")
DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def check_file_name(name: str) -> None:
    """A source's file name, kept with its history and shown back: refused when it holds control characters
    (a NUL cannot even be stored in PostgreSQL's text)."""
    if CONTROL_CHARACTERS.search(name):
        raise PublishError("The file name has control characters in it. Name the file plainly, such as about.md "
                           "or papers.bib.", field="filename")


@dataclass(frozen=True)
class PageMeta:
    title: str
    permalink: str
    redirect_from: tuple[str, ...]
    author_profile: bool
    description: str
    published: bool
    nav_order: int | None
    nav_title: str | None
    date: str | None


OptionalText = TypeVar("OptionalText", str, str | None)


class _Reader:
    def __init__(self, front: FrontMatter, filename: str) -> None:
        self.values, self.lines, self.filename = front.values, front.lines, filename

    def fail(self, key: str, problem: str) -> PublishError:
        line = self.lines.get(key)
        where = f"{self.filename}, line {line}" if line else self.filename
        return PublishError(f"{where}, field '{key}': {problem}", field=key, line=line)

    def text(self, key: str) -> str | None:
        value = self.values.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(key, f"expected text, found {_kind(value)}. Put the value in quotes.")
        return str(value).strip()

    def plain_text(self, key: str) -> str | None:
        """text() for a value shown as text (a title): academicpages' generators write HTML entities into
        front matter ('Paper &quot;One&quot;') and Jekyll's HTML shows them decoded, so it is stored decoded and
        the templates escape it once."""
        value = self.text(key)
        return None if value is None else html.unescape(value).strip()

    def path(self, key: str, raw: str, *, keep_html: bool = False) -> str:
        try:
            return normalize_path(raw, key, keep_html=keep_html)
        except InvalidPath as refused:
            raise self.fail(key, refused.problem) from None

    def bounded(self, key: str, value: OptionalText, limit: int) -> OptionalText:
        """A text value the database holds in a column of `limit` characters."""
        if value is not None and len(value) > limit:
            raise self.fail(key, f"is {len(value)} characters long; at most {limit} fit. Shorten it.")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, found {value!r}.")
        return value

    def integer(self, key: str) -> int | None:
        value = self.values.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number like 1 or 2, found {value!r}.")
        return value


def _kind(value) -> str:
    return {list: "a list", dict: "a mapping", bool: "true/false"}.get(type(value), type(value).__name__)


class InvalidPath(PublishError):
    """A page address refused by normalize_path; `problem` says why and how to write it, without the field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"field '{field}': {problem}", field=field)
        self.problem = problem


def normalize_path(raw: str, field: str = "permalink", *, keep_html: bool = False) -> str:
    """The one check of a page's address, whoever gives it (front matter, the API's URL, an import's template):
    a path inside the tenant's site, with a leading '/', no '.' or '..' segments, '//', '?', '#', quotes,
    backslashes, whitespace or control characters, at most PATH_LIMIT characters; pages end in '/'
    ('/cv.html' -> '/cv/' unless `keep_html`, as a redirect_from path keeps it). Raises InvalidPath."""
    path = raw.strip()
    if not path:
        raise InvalidPath(field, "is empty. Use '/' for your home page or a path like '/publications/'.")
    if FORBIDDEN_IN_PATHS.search(path):
        raise InvalidPath(field, f"'{_quoted(path)}' contains spaces, quotes, backslashes, '?', '#' or control "
                                 "characters. Use letters, digits, '-' and '/', like '/publications/'.")
    if "://" in path or path.startswith("//"):
        raise InvalidPath(field, f"'{_quoted(path)}' is an address on another site; give a path on yours, "
                                 "like '/about/'.")
    if not path.startswith("/"):
        path = "/" + path
    # '%2e' is a dot too: browsers and crawlers resolve '/%2e%2e/' as '/../' (a sitemap or canonical URL would
    # leave the tenant's site).
    if "//" in path or any(unquote(part) in ("..", ".") for part in path.split("/")):
        raise InvalidPath(field, f"'{_quoted(path)}' contains '//', '.' or '..'. Write the path plainly, like "
                                 "'/talks/2024/'.")
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    elif path.endswith(".html") and not keep_html:
        path = path[: -len(".html")] + "/"
    elif not path.endswith((".html", "/")):
        path += "/"
    if len(path) > PATH_LIMIT:
        raise InvalidPath(field, f"'{_quoted(path)}' is {len(path)} characters long; an address may have at most "
                                 f"{PATH_LIMIT}. Choose a shorter one.")
    return path


def _quoted(text: str, limit: int = 80) -> str:
    """A refused value as a message shows it: control characters visible, and short (messages travel in the
    session cookie)."""
    shown = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def derived_permalink(filename: str) -> str:
    """Where a file without a permalink goes: about.md -> /about/. Raises PublishError when the name gives no
    address ('-.md')."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    if stem.lower() in ("index", "readme", ""):
        return "/"
    slug = re.sub(r"[^\w.-]+", "-", stem).strip("-.")
    if not slug:
        raise PublishError(f"{filename}: the file name gives no address for the page. Add a line like "
                           "'permalink: /about/' to the front matter, or rename the file (about.md -> /about/).",
                           field="permalink")
    return f"/{slug}/"


def document_title(filename: str) -> str:
    """Jekyll's title for a collection item without one: its name, date prefix dropped, each word capitalised
    ('2018-06-01-umap-2018.md' -> 'Umap 2018')."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", stem).split("-")
    # Ruby's String#capitalize, as Jekyll's titleize_slug uses it: 'JWS-review' -> 'Jws Review'.
    return " ".join(word.capitalize() for word in words if word) or "Untitled"


def derived_title(filename: str) -> str:
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = [word for word in re.split(r"[-_ ]+", stem) if word and not word.isdigit()]
    return " ".join(words).capitalize() or "Home"


def read_page_meta(front: FrontMatter, filename: str, first_paragraph: str,
                   default_permalink: str | None = None,
                   site_layouts: tuple[str, ...] = ()) -> tuple[PageMeta, list[str]]:
    """`site_layouts`: the site's own layouts the page was laid out in (a layout it names that is one of them
    needs no notice)."""
    reader = _Reader(front, filename)
    permalink_text = reader.text("permalink")
    permalink = (reader.path("permalink", permalink_text) if permalink_text
                 else _given_permalink(default_permalink or derived_permalink(filename), filename))
    title = reader.plain_text("title") or (document_title(filename) if default_permalink else derived_title(filename))
    meta = PageMeta(
        title=reader.bounded("title", title, TITLE_LIMIT),
        permalink=permalink,
        redirect_from=_redirects(reader, permalink),
        # al-folio's about layout always shows the author's picture and social links: the sidebar here.
        author_profile=reader.boolean("author_profile", front.values.get("layout") == "about"),
        description=_description(reader, first_paragraph),
        published=reader.boolean("published", True),
        nav_order=reader.integer("nav_order"),
        nav_title=reader.bounded("nav_title", reader.plain_text("nav_title") or None, NAV_TITLE_LIMIT),
        date=_date(reader),
    )
    return meta, _notices(front, site_layouts)


def _given_permalink(address: str, filename: str) -> str:
    """The address a page gets without a 'permalink:' line (the API's URL, an item's template, the file name):
    checked as a written one is."""
    try:
        return normalize_path(address)
    except InvalidPath as refused:
        raise PublishError(f"{filename}, field 'permalink' (the address the page would get without one): "
                           f"{refused.problem} Or add a line like 'permalink: /talks/2024/' to its front matter.",
                           field="permalink") from None


def _redirects(reader: _Reader, permalink: str) -> tuple[str, ...]:
    value = reader.values.get("redirect_from")
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise reader.fail("redirect_from", "expected a path or a list of paths, like:\n  - /about/\n  - /about.html")
    if len(items) > REDIRECT_LIMIT:
        raise reader.fail("redirect_from", f"lists {len(items)} paths; a page may have at most {REDIRECT_LIMIT}. "
                                           "Keep the addresses people still use.")
    paths = [reader.path("redirect_from", item, keep_html=True) for item in items]
    return tuple(dict.fromkeys(path for path in paths if path != permalink))


def _description(reader: _Reader, first_paragraph: str) -> str:
    """Plain text: tags and Markdown marks taken out, then entities decoded ('&lt;' is a '<' to show, not a
    tag), like the first paragraph's text it falls back to."""
    for key in ("excerpt", "description"):
        value = reader.values.get(key)
        if isinstance(value, str) and value.strip():
            return shorten(html.unescape(re.sub(r"<[^>]*>|[*_`#>\[\]]", "", value)))
    return shorten(first_paragraph)


def shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    return text[: DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def _date(reader: _Reader) -> str | None:
    value = reader.values.get("date")
    if value is None:
        return None
    text = str(value).strip()
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        raise reader.fail("date", f"'{text}' is not a date. Write it as YYYY-MM-DD, like 2024-09-01.") from None
    return text


def _notices(front: FrontMatter, site_layouts: tuple[str, ...]) -> list[str]:
    notices = []
    layout = front.values.get("layout")
    if (layout is not None and layout not in HEADER_LAYOUTS + QUIET_LAYOUTS + site_layouts
            and "layout" in front.lines):
        own = "" if layout in THEME_LAYOUTS else f" Upload _layouts/{layout}.html to have it run as Jekyll runs it."
        notices.append(f"'layout: {layout}' is not one profilehost knows: the page is shown in the shared theme "
                       f"without the lines that layout adds under the title (single and talk are followed).{own}")
    language = language_notice("lang", front.values.get("lang"))
    if language and "lang" in front.lines:
        notices.append(language)
    # Only the keys the file names itself: the config's defaults would otherwise be noted on every page they cover.
    named = set(front.values) & set(front.lines)
    switches = sorted(named & THEME_SWITCHES)
    if switches:
        notices.append("No effect in profilehost's shared theme (academicpages theme settings): "
                       f"{', '.join(switches)}.")
    unknown = sorted(named - KNOWN_KEYS - THEME_SWITCHES)
    if unknown:
        notices.append(f"Kept but not used by profilehost: {', '.join(unknown)}.")
    return notices


# Scripts written right to left (ISO 15924): a language whose likely script is one of these is laid out rtl.
RTL_SCRIPTS = frozenset({"Adlm", "Arab", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi"})
LANGUAGE_TAG_LIMIT = 35  # Profile.locale's column; RFC 5646 advises 35 characters for any tag worth keeping


@dataclass(frozen=True)
class Language:
    tag: str  # a valid BCP 47 tag in its standard spelling: en-US, de, ar, zh-Hant-TW
    direction: str  # ltr or rtl
    og_locale: str  # OpenGraph's language_TERRITORY: en_US


def language_of(value) -> Language | None:
    """A BCP 47 language tag checked against the IANA subtag registry (langcodes), or None for anything else.

    A regular expression for RFC 5646's grammar would take 'english' (a well-formed 7-letter language subtag) or
    'xx'; the registry knows neither. Underscores (Jekyll's 'en_US') are read as hyphens. The direction and the
    OpenGraph territory come from CLDR's likely subtags (ar -> ar-Arab-EG: rtl, ar_EG)."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > LANGUAGE_TAG_LIMIT:
        return None
    return _language_of_tag(value.strip())


@lru_cache(maxsize=1024)  # every page view of a cache miss asks; a site has a handful of tags
def _language_of_tag(text: str) -> Language | None:
    try:
        if not langcodes.tag_is_valid(text):
            return None
        tag = langcodes.standardize_tag(text)
        parsed = langcodes.Language.get(tag)
        likely = parsed.maximize()
    except (langcodes.LanguageTagError, ValueError):
        return None
    if not parsed.language or parsed.language == "und" or tag.startswith("x-"):
        return None  # private-use or undetermined: nothing a reader or a crawler can act on
    territory = parsed.territory or likely.territory
    og_locale = f"{parsed.language}_{territory}" if territory and territory.isalpha() else parsed.language
    return Language(tag, "rtl" if likely.script in RTL_SCRIPTS else "ltr", og_locale)


ENGLISH = language_of("en")


def language_notice(field: str, value) -> str | None:
    """What to tell the author about a language value that is not a tag (None when it is one, or is absent): the
    value is not used, and the page keeps the site's language (or English)."""
    if value is None or (isinstance(value, str) and not value.strip()) or language_of(value) is not None:
        return None
    shown = _quoted(str(value)) if isinstance(value, str | int | float) else _kind(value)
    return (f"field '{field}': '{shown}' is not a language tag (BCP 47, like en-US, de or ar); it was not used, "
            "and the page says the site's language.")
