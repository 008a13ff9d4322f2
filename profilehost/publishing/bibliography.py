"""A researcher's BibTeX file read into entries: bibtexparser for the syntax, pylatexenc for the LaTeX in values.

Plain Python, no Flask: what the dashboard, the API and an import hand in is bytes, and what comes out is
entries of decoded text (every value still tenant text, escaped wherever it is shown), notices for what was
kept with a doubt (a key or a DOI twice), or a PublishError naming the malformed entry's key and line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.middlewares.parsestack import default_unparse_stack
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, Field, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import get_default_latex_context_db

from . import budget
from .decode import decode_source
from .errors import PublishError

MAX_BIB_BYTES = 1024 * 1024  # decode_source's limit for any upload
MAX_ENTRIES = 1500
MAX_FIELD_CHARS = 20_000
MAX_AUTHORS = 500
# A 500-entry file parses in well under a second; this bounds what a hostile one can make the CPU do.
PARSE_CPU_SECONDS = 10.0
CATEGORIES = ("journal", "conference", "preprint", "thesis", "talk", "other")
# What a `category` (or `keywords`) value may say for each group: ours, and academicpages' own category names.
CATEGORY_ALIASES = {
    "journal": "journal", "journals": "journal", "article": "journal", "articles": "journal",
    "manuscripts": "journal", "manuscript": "journal",
    "conference": "conference", "conferences": "conference", "proceedings": "conference",
    "preprint": "preprint", "preprints": "preprint", "working paper": "preprint", "workingpapers": "preprint",
    "thesis": "thesis", "theses": "thesis", "dissertation": "thesis",
    "talk": "talk", "talks": "talk", "presentation": "talk", "presentations": "talk",
    "poster": "talk", "posters": "talk",
    "other": "other", "books": "other", "book": "other",
}
URL_FIELDS = ("pdf", "code", "slides", "poster", "video", "html", "url", "website", "supp", "blog")
# al-folio's filtered_bibtex_keys: what its pages use and a citing reader's .bib should not carry.
DISPLAY_FIELDS = frozenset({"abbr", "bibtex_show", "html", "pdf", "selected", "supp", "blog", "code", "poster",
                            "slides", "website", "preview", "video", "category"})
# What reference managers keep for their owner alone: Zotero's and Mendeley's `file` (a path on the researcher's
# computer), JabRef's owner and groups, BibDesk's file links, notes. Never listed, never in a published .bib.
PRIVATE_FIELDS = frozenset({"file", "localfile", "annote", "annotation", "owner", "groups", "mendeley-groups",
                            "mendeley-tags", "date-added", "date-modified", "timestamp", "read", "printed"})
PRIVATE_FIELD_PREFIXES = ("bdsk-file-",)
VERBATIM_FIELDS = frozenset({*URL_FIELDS, "doi", "arxiv", "eprint", "isbn", "issn"})
# A value that runs into a field of its own (`title={A}` then `author={B}` on the next line, without a comma):
# bibtexparser reads both as one value. What follows the value's closing brace or quote is a field's name and '='.
RUNS_INTO_FIELD = re.compile(
    r"[}\"]\s*\n?\s*(author|editor|title|journal|booktitle|year|month|volume|number|pages|publisher|school|"
    r"institution|address|doi|url|note|howpublished|abstract|eprint|archiveprefix|keywords|isbn|issn|series|"
    r"edition|organization|chapter|type|pdf|code|slides|html|arxiv)\s*=\s*[{\"\d]", re.IGNORECASE)
KEY_OF_BLOCK = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()]*)")
SLUG_JUNK = re.compile(r"[^a-z0-9_]+")  # al-folio keys keep their underscores
LATEX = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
# pylatexenc builds its default macro table for every value it reads unless given one.
LATEX_CONTEXT = get_default_latex_context_db()
LATEX_SPECIALS = re.compile(r"[\\$~%&]|--|``|''")


@dataclass(frozen=True)
class BibEntry:
    key: str
    entry_type: str  # lowercase: 'article', 'inproceedings', 'misc'
    fields: Mapping[str, str]  # lowercase names, decoded text (URLs and DOIs as written, braces dropped)
    authors: tuple[str, ...]  # 'Family, Given' in the file's order
    raw: str  # the entry as the file has it, for its .bib download
    line: int
    slug: str

    @property
    def title(self) -> str:
        return self.fields.get("title", "")

    @property
    def year(self) -> int | None:
        found = re.search(r"\d{4}", self.fields.get("year", "") or self.fields.get("date", ""))
        return int(found.group(0)) if found else None

    @property
    def month(self) -> int | None:
        return _month(self.fields.get("month", "")) or _month_of_date(self.fields.get("date", ""))

    @property
    def date(self) -> str:
        """'YYYY' or 'YYYY-MM-DD' (the first of the month when only the month is known), '' without a year."""
        if self.year is None:
            return ""
        full = re.match(r"(\d{4})-(\d{2})-(\d{2})", self.fields.get("date", ""))
        if full:
            return full.group(0)
        return f"{self.year}-{self.month:02d}-01" if self.month else str(self.year)

    @property
    def missing(self) -> tuple[str, ...]:
        """What a listing and Google Scholar need and the entry lacks."""
        wanted = (("title", bool(self.title)), ("author", bool(self.authors)), ("year", self.year is not None))
        return tuple(name for name, present in wanted if not present)


@dataclass(frozen=True)
class ParsedBibliography:
    entries: tuple[BibEntry, ...]
    notices: tuple[str, ...] = field(default=())


def parse_bibliography(raw: bytes, filename: str = "bibliography.bib") -> ParsedBibliography:
    """The file's entries in its order, or PublishError naming the malformed entries by key and line."""
    if len(raw) > MAX_BIB_BYTES:
        raise PublishError(f"{filename}: {len(raw) / 1048576:.1f} MiB is over the {MAX_BIB_BYTES // 1048576} MiB "
                           "limit for a bibliography. Split it, or leave out the abstracts.")
    text, notices = decode_source(raw, filename)
    try:
        with budget.cpu_budget(PARSE_CPU_SECONDS):
            return _parse(text, filename, list(notices))
    except (budget.OutOfTime, RecursionError):
        raise PublishError(f"{filename}: this file takes more than {PARSE_CPU_SECONDS:g} s to read, which no "
                           "bibliography needs. Look for braces that are never closed, or split the file.") from None


def _parse(text: str, filename: str, notices: list[str]) -> ParsedBibliography:
    library = bibtexparser.parse_string(text)
    _refuse_failed_blocks(library.failed_blocks, filename, notices)
    if len(library.entries) > MAX_ENTRIES:
        raise PublishError(f"{filename}: {len(library.entries):,} entries is more than the {MAX_ENTRIES:,} a "
                           "bibliography may hold here. Keep your own publications in it.")
    _refuse_entries_without_key(library.entries, filename)
    entries: list[BibEntry] = []
    slugs: set[str] = set()
    for parsed in library.entries:
        entry = _entry(parsed, filename, slugs)
        slugs.add(entry.slug)
        entries.append(entry)
    notices.extend(_duplicate_doi_notices(entries, filename))
    return ParsedBibliography(tuple(entries), tuple(notices))


def _refuse_failed_blocks(blocks, filename: str, notices: list[str]) -> None:
    refused = []
    for block in blocks:
        line = block.start_line + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            notices.append(f"{filename}: line {line}: the key '{block.key}' is used again; only its first entry "
                           "is listed. Give each entry a key of its own.")
        elif isinstance(block, ParsingFailedBlock):
            found = KEY_OF_BLOCK.search(block.raw or "")
            name = f"@{found.group(1)}{{{found.group(2)}}}" if found and found.group(2) else "an entry"
            refused.append(f"line {line}: {name} is malformed ({_first_line(block.error)})")
    if refused:
        shown = "; ".join(refused[:5]) + (f"; and {len(refused) - 5} more" if len(refused) > 5 else "")
        raise PublishError(f"{filename}: {shown}. Check its braces, quotes and the commas between fields, then "
                           "save again; nothing was saved.", line=blocks[0].start_line + 1)


def _refuse_entries_without_key(parsed_entries, filename: str) -> None:
    lines = [parsed.start_line + 1 for parsed in parsed_entries if not parsed.key.strip()]
    if lines:
        which = (f"the entry at line {lines[0]} has" if len(lines) == 1 else
                 f"the entries at lines {', '.join(map(str, lines[:5]))}{' and more' if len(lines) > 5 else ''} have")
        raise PublishError(f"{filename}: {which} no key. Write one after the opening brace "
                           "(@article{lovelace2021, ...}), then save again; nothing was saved.", line=lines[0])


def is_private_field(name: str) -> bool:
    return name in PRIVATE_FIELDS or name.startswith(PRIVATE_FIELD_PREFIXES)


def _first_line(error: Exception | None) -> str:
    text = str(getattr(error, "abort_reason", "") or error or "").strip()
    return text.split("\n", 1)[0][:200] or "it cannot be read"


def _entry(parsed, filename: str, slugs: set[str]) -> BibEntry:
    line = parsed.start_line + 1
    values: dict[str, str] = {}
    authors: tuple[str, ...] = ()
    for found in parsed.fields:
        name = found.key.lower()
        if is_private_field(name):
            continue
        value = found.value if isinstance(found.value, str) else str(found.value)
        _refuse_run_on_value(value, name, getattr(found, "start_line", None) or parsed.start_line, parsed.key,
                             filename)
        if len(value) > MAX_FIELD_CHARS:
            raise PublishError(f"{filename}: line {line}: the {name} of '{parsed.key}' is {len(value):,} "
                               f"characters long, more than the {MAX_FIELD_CHARS:,} a field may hold.", line=line)
        if name in ("author", "editor"):
            people = _people(value, filename, parsed.key, line)
            if name == "author":
                authors = people
            values[name] = "; ".join(people)
        else:
            values[name] = _verbatim(value) if name in VERBATIM_FIELDS else _decoded(value)
    return BibEntry(key=parsed.key, entry_type=parsed.entry_type.lower(), fields=values, authors=authors,
                    raw=_raw_entry(parsed), line=line, slug=_unique_slug(parsed.key, slugs))


def _refuse_run_on_value(value: str, name: str, start_line: int, key: str, filename: str) -> None:
    """bibtexparser takes the enclosing braces or quotes off a value; a value that still has them ran on past
    them. Only what follows that first closing brace or quote is read: a quote or an '=' inside a value is text."""
    end = _first_group_end(value)
    runs_into = RUNS_INTO_FIELD.match(value, end) if end is not None else None
    if runs_into:
        line = start_line + 1 + value.count("\n", 0, runs_into.start(1))
        raise PublishError(f"{filename}: line {line}: in '{key}', the {name} runs into '{runs_into.group(1)} = ...': "
                           "a comma is missing between the two fields. Add it, then save again; nothing was saved.",
                           line=line)


def _first_group_end(value: str) -> int | None:
    """Where the brace group or quoted text that `value` starts with ends (its closing character), or None."""
    if not value.startswith(("{", '"')):
        return None
    depth = 0
    for position, character in enumerate(value):
        if character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
            if depth == 0 and value[0] == "{":
                return position
        elif character == '"' and position and depth == 0:
            return position
    return None


def _people(value: str, filename: str, key: str, line: int) -> tuple[str, ...]:
    names = split_multiple_persons_names(value)
    if len(names) > MAX_AUTHORS:
        raise PublishError(f"{filename}: line {line}: '{key}' names {len(names):,} people; profilehost lists up "
                           f"to {MAX_AUTHORS}. Shorten the list and end it with 'and others'.", line=line)
    people = []
    for name in names:
        if name.strip().lower() == "others":
            continue
        try:
            parts = parse_single_name_into_parts(name, strict=False)
        except Exception:  # bibtexparser's InvalidNameError and what its splitter raises on odd braces
            people.append(_decoded(name))
            continue
        family = _decoded(" ".join([*parts.von, *parts.last]))
        given = _decoded(" ".join(parts.first))
        suffix = _decoded(" ".join(parts.jr))
        people.append(", ".join(part for part in (family, given if not suffix else f"{given}, {suffix}") if part))
    return tuple(person for person in people if person)


def _decoded(value: str) -> str:
    if not LATEX_SPECIALS.search(value):
        # Most values are plain text with case-protecting braces: no LaTeX to read.
        return " ".join(value.replace("{", "").replace("}", "").split())
    pieces = _braced_pieces(value)
    if pieces is None:
        return " ".join((_latex_text(value) if len(value) <= MAX_REMEMBERED_CHARS
                         else _latex_text.__wrapped__(value)).split())
    return " ".join("".join(_latex_text(piece) if LATEX_SPECIALS.search(piece) else piece.replace("{", "")
                            .replace("}", "") for piece in pieces).split())


MAX_REMEMBERED_CHARS = 200  # names and venues, which recur in every entry; never a whole abstract
# What LaTeX reads in the text between brace groups (besides LATEX_SPECIALS), and what can carry LaTeX across a
# group's end or hide a brace from the count (a comment, \verb, an escaped brace): a value with any of it is
# read whole.
LATEX_OUTSIDE = re.compile(r"[\\$~%&^_#{}]|--|``|''|[!?]`")
LATEX_ACROSS_GROUPS = re.compile(r"%|\\verb|\\[{}]")


def _braced_pieces(value: str) -> list[str] | None:
    """`value` cut into its top-level brace groups and the text between them when that text holds no LaTeX, else
    None. Exports write an accent in braces of its own ('{\\'E}tudes', 'M{\\"u}ller'), which LaTeX reads apart
    from what surrounds it: each group is read (and remembered) once for the whole file, not once in every title."""
    if LATEX_ACROSS_GROUPS.search(value):
        return None
    pieces, depth, start = [], 0, 0
    for position, character in enumerate(value):
        if character == "{":
            if depth == 0:
                pieces.append(value[start:position])
                start = position
            depth += 1
        elif character == "}":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                pieces.append(value[start:position + 1])
                start = position + 1
    if depth:
        return None
    pieces.append(value[start:])
    return None if any(LATEX_OUTSIDE.search(text) for text in pieces[0::2]) else pieces


@lru_cache(maxsize=4096)
def _latex_text(value: str) -> str:
    """The text of `value` with its spaces as LaTeX reads them (the caller squeezes them)."""
    try:
        return LATEX.latex_to_text(value, latex_context=LATEX_CONTEXT)
    except Exception:  # pylatexenc refuses some malformed LaTeX: the value is shown as written
        return value.replace("{", "").replace("}", "")


def _verbatim(value: str) -> str:
    value = re.sub(r"\\url\{([^{}]*)\}", r"\1", value)
    return " ".join(value.replace("{", "").replace("}", "").replace("\\_", "_").replace("\\%", "%").split())


def _raw_entry(parsed) -> str:
    """The entry as BibTeX for citing: its own LaTeX, without the fields al-folio uses only for display and those
    a reference manager keeps for its owner."""
    kept = [Field(found.key, found.value, enclosing=found.enclosing) for found in parsed.fields
            if found.key.lower() not in DISPLAY_FIELDS and not is_private_field(found.key.lower())]
    library = bibtexparser.Library([Entry(parsed.entry_type, parsed.key, kept)])
    return bibtexparser.write_string(library, unparse_stack=UNPARSE_STACK).strip()


# The writer's default stack deep-copies the library it is given, a fifth of the time a file takes to read; each
# entry is written from a library of its own, made of copies of its fields, which the stack may change in place.
UNPARSE_STACK = default_unparse_stack(allow_inplace_modification=True)


def _unique_slug(key: str, taken: set[str]) -> str:
    base = SLUG_JUNK.sub("-", unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode().lower())
    base = base.strip("-")[:80] or "entry"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _duplicate_doi_notices(entries: list[BibEntry], filename: str) -> list[str]:
    first_with: dict[str, BibEntry] = {}
    notices = []
    for entry in entries:
        doi = entry.fields.get("doi", "").strip().lower().removeprefix("https://doi.org/")
        if not doi:
            continue
        if doi in first_with:
            notices.append(f"{filename}: line {entry.line}: '{entry.key}' has the DOI of '{first_with[doi].key}' "
                           f"(line {first_with[doi].line}), {doi}. Is it the same publication twice?")
        else:
            first_with[doi] = entry
    return notices


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return MONTHS.index(value[:3]) + 1 if value[:3] in MONTHS else None


def _month_of_date(value: str) -> int | None:
    found = re.match(r"\d{4}-(\d{2})", value.strip())
    return _month(found.group(1)) if found else None


def category_of(entry: BibEntry, config_categories: Mapping[str, str] | None = None) -> str:
    """The group an entry is listed under: its `category` (or a `keywords` word) when it names one, academicpages'
    `publication_category` names mapped through `config_categories`, else what its type says."""
    for value in (entry.fields.get("category", ""), *re.split(r"[,;]", entry.fields.get("keywords", ""))):
        named = value.strip().lower()
        if config_categories and named in config_categories:
            return config_categories[named]
        if named in CATEGORY_ALIASES:
            return CATEGORY_ALIASES[named]
    return _category_of_type(entry)


def _category_of_type(entry: BibEntry) -> str:
    kind = entry.entry_type
    if kind in ("inproceedings", "conference", "proceedings"):
        return "conference"
    if kind in ("phdthesis", "mastersthesis", "thesis"):
        return "thesis"
    if kind == "unpublished" or is_preprint(entry):
        return "preprint"
    if kind == "article":
        return "journal"
    if "talk" in entry.fields.get("type", "").lower() or kind in ("talk", "presentation"):
        return "talk"
    return "other"


def is_preprint(entry: BibEntry) -> bool:
    said = " ".join(entry.fields.get(name, "") for name in ("archiveprefix", "journal", "howpublished", "publisher"))
    # DBLP files arXiv papers as @article in the journal CoRR.
    return bool(arxiv_id(entry)) and (entry.entry_type in ("misc", "article", "online", "techreport")
                                      and ("arxiv" in said.lower() or "corr" == said.strip().lower()
                                           or entry.entry_type == "misc"))


def arxiv_id(entry: BibEntry) -> str:
    given = entry.fields.get("arxiv") or ""
    if not given and "arxiv" in (entry.fields.get("archiveprefix", "") + entry.fields.get("eprinttype", "")).lower():
        given = entry.fields.get("eprint", "")
    if not given:
        found = re.search(r"arxiv[:\s]*(\d{4}\.\d{4,5}(v\d+)?)", " ".join(
            entry.fields.get(name, "") for name in ("journal", "howpublished", "note", "volume")), re.I)
        given = found.group(1) if found else ""
    return given.strip() if re.fullmatch(r"[\w./-]{4,40}", given.strip()) else ""


def config_category_map(config: Mapping) -> dict[str, str]:
    """academicpages' `publication_category` from _config.yml ({manuscripts: {title: 'Journal Articles'}}): each of
    its names, with the group its title or name says."""
    given = config.get("publication_category")
    if not isinstance(given, Mapping):
        return {}
    found = {}
    for name, settings in given.items():
        title = str(settings.get("title", "")) if isinstance(settings, Mapping) else ""
        for word in (str(name).lower(), *title.lower().split()):
            if word in CATEGORY_ALIASES:
                found[str(name).lower()] = CATEGORY_ALIASES[word]
                break
    return found
