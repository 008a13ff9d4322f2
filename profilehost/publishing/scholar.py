"""Google Scholar's `citation_*` meta tags and schema.org `ScholarlyArticle` JSON-LD for a publication's page.

Built from a plain mapping, so an academicpages `_publications` item's front matter (title, date, venue, paperurl,
citation, excerpt, authors) and a bibliography entry (title, authors, date, entry_type, journal or booktitle,
volume, issue, pages, doi, pdf, abstract) go through the same rules. Google Scholar's inclusion guidelines need a
title, at least one author and a publication date: without all three no tag is written, and any other tag whose
value is missing or not what the tag means is left out rather than filled with a guess. Values are the author's
plain text; the template engine escapes them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

JOURNAL_TYPES = frozenset({"article"})
CONFERENCE_TYPES = frozenset({"inproceedings", "conference", "proceedings", "conference-paper"})
# academicpages' newer _publications carry a category; these two say which kind of venue it is.
JOURNAL_CATEGORIES = frozenset({"manuscripts", "journal", "journals", "articles"})
CONFERENCE_CATEGORIES = frozenset({"conferences", "conference", "proceedings"})
CONFERENCE_WORDS = re.compile(r"\b(conference|proceedings|symposium|workshop|congress|meeting)\b|^proc\.", re.I)
JOURNAL_WORDS = re.compile(r"\b(journal|transactions|letters|review|magazine|annals|bulletin)\b", re.I)
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
PAGES = re.compile(r"^\s*([A-Za-z]?\d+[A-Za-z]?)\s*(?:[-\u2010-\u2015]+\s*([A-Za-z]?\d+[A-Za-z]?))?\s*$")
SHORT_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
HEADLINE_LIMIT = 110  # schema.org Article headlines Google shows; a longer title still goes in `name`


@dataclass(frozen=True)
class ScholarMeta:
    tags: tuple[tuple[str, str], ...]  # (name, content) in the order Google Scholar's examples give them
    json_ld: dict


def scholar_meta(entry: Mapping, page_url: str, own_pdf: Callable[[str], str | None]) -> ScholarMeta | None:
    """The tags of one publication, or None when it lacks a title, an author or a date.

    `page_url`: the item page's absolute URL. `own_pdf(value)`: the absolute URL of a PDF this site serves for a
    `pdf` or `paperurl` value, or None (an external address, a missing file): Google Scholar wants the PDF on the
    page's own host."""
    title = plain_text(entry.get("title"))
    authors = author_names(entry.get("authors", entry.get("author")))
    published = publication_date(entry.get("date", entry.get("year")))
    if not (title and authors and published):
        return None
    tags: list[tuple[str, str]] = [("citation_title", title)]
    tags += [("citation_author", name) for name in authors]
    tags.append(("citation_publication_date", published.replace("-", "/")))
    kind, venue = venue_of(entry)
    if venue:
        tags.append((f"citation_{kind}_title", venue))
    volume, issue = plain_text(entry.get("volume")), plain_text(entry.get("issue", entry.get("number")))
    first, last = page_range(entry.get("pages"))
    doi = doi_of(entry.get("doi"))
    tags += [(name, value) for name, value in (("citation_volume", volume), ("citation_issue", issue),
                                               ("citation_firstpage", first), ("citation_lastpage", last),
                                               ("citation_doi", doi)) if value]
    abstract = plain_text(entry.get("abstract") or entry.get("excerpt"))
    if abstract:
        tags.append(("citation_abstract_html_url", page_url))
    pdf = next((url for url in map(_pdf_candidate(own_pdf), (entry.get("pdf"), entry.get("paperurl"))) if url),
               None)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    article = _json_ld(title, authors, published, page_url, kind, venue, (first, last), doi, abstract)
    return ScholarMeta(tuple(tags), article)


def _pdf_candidate(own_pdf: Callable[[str], str | None]) -> Callable[[object], str | None]:
    return lambda value: own_pdf(value.strip()) if isinstance(value, str) and value.strip() else None


def plain_text(value) -> str:
    """The author's text without markup, entities decoded and whitespace collapsed; "" for a mapping, a list or
    nothing. (Numbers are text here: a volume of 12.)"""
    if value is None or isinstance(value, bool | dict | list | tuple | set):
        return ""
    text = html.unescape(re.sub(r"<[^>]*>", "", str(value)))
    # BibTeX's protective braces ({DNA}) and academicpages' Markdown bold (**Me**) are not part of the text.
    return " ".join(re.sub(r"[{}]|\*\*", "", text).split())


def author_names(value) -> tuple[str, ...]:
    """Authors in order: a list (of names, or of {name} / {family, given} mappings), or one text joined by ' and '
    (BibTeX) or ';'. One text of comma-separated full names ('Ada Lovelace, Charles Babbage') is split at its
    commas only when every part has two words or more: 'Lovelace, Ada' stays one author."""
    if isinstance(value, list | tuple):
        names = [_one_author(item) for item in value]
    elif isinstance(value, str):
        names = []
        for part in re.split(r"\s+and\s+|;", value):
            pieces = [piece.strip() for piece in part.split(",")]
            if len(pieces) > 1 and all(len(piece.split()) >= 2 for piece in pieces):
                names += pieces
            else:
                names.append(part)
        names = [plain_text(name) for name in names]
    else:
        names = []
    return tuple(name for name in names if name and name.lower() not in ("others", "et al.", "et al"))


def _one_author(item) -> str:
    if isinstance(item, Mapping):
        if item.get("name"):
            return plain_text(item.get("name"))
        family, given = plain_text(item.get("family")), plain_text(item.get("given"))
        return f"{family}, {given}" if family and given else family
    return plain_text(item)


def publication_date(value) -> str | None:
    """ISO 'YYYY-MM-DD' for a full date, 'YYYY' for a year (or a year and month: Google Scholar takes a full date
    or a year alone); None when the value is not a date."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    match = SHORT_DATE.match(str(value).strip())
    if match is None or not 1000 <= int(match.group(1)) <= 2999:
        return None
    year, month, day = match.groups()
    if month and day:
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            return None
    return year


def venue_of(entry: Mapping) -> tuple[str, str]:
    """('journal' | 'conference', its name), or ('', '') when the entry does not say which kind its venue is."""
    entry_type = plain_text(entry.get("entry_type")).lower()
    journal, booktitle = plain_text(entry.get("journal")), plain_text(entry.get("booktitle"))
    if journal and entry_type in JOURNAL_TYPES | {""}:
        return "journal", journal
    if booktitle and entry_type in CONFERENCE_TYPES | {""}:
        return "conference", booktitle
    venue = plain_text(entry.get("venue"))
    if not venue or (entry_type and entry_type not in JOURNAL_TYPES | CONFERENCE_TYPES):
        return "", ""
    category = plain_text(entry.get("category")).lower()
    if entry_type in CONFERENCE_TYPES or category in CONFERENCE_CATEGORIES:
        return "conference", venue
    if entry_type in JOURNAL_TYPES or category in JOURNAL_CATEGORIES:
        return "journal", venue
    if CONFERENCE_WORDS.search(venue):
        return "conference", venue
    if JOURNAL_WORDS.search(venue):
        return "journal", venue
    return "", ""


def page_range(value) -> tuple[str, str]:
    """('12', '34') for '12--34', '12-34' or '12–34'; ('e1234', '') for one page; ('', '') for anything else."""
    match = PAGES.match(plain_text(value)) if value is not None else None
    if match is None:
        return "", ""
    return match.group(1), match.group(2) or ""


def doi_of(value) -> str:
    """A DOI ('10.1000/xyz'), from itself or its https://doi.org/ or doi: form; "" for anything else."""
    text = DOI_PREFIX.sub("", plain_text(value))
    return text if DOI.match(text) else ""


def _json_ld(title: str, authors: tuple[str, ...], published: str, page_url: str, kind: str, venue: str,
             pages: tuple[str, str], doi: str, abstract: str) -> dict:
    article: dict = {"@context": "https://schema.org", "@type": "ScholarlyArticle", "name": title,
                     "author": [{"@type": "Person", "name": name} for name in authors],
                     "datePublished": published, "url": page_url}
    if len(title) <= HEADLINE_LIMIT:
        article["headline"] = title
    if kind == "journal":
        article["isPartOf"] = {"@type": "Periodical", "name": venue}
    elif kind == "conference":
        article["publication"] = {"@type": "PublicationEvent", "name": venue}
    if pages[0]:
        article["pageStart"] = pages[0]
    if pages[1]:
        article["pageEnd"] = pages[1]
    if doi:
        article["sameAs"] = f"https://doi.org/{doi}"
        article["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": doi}
    if abstract:
        article["abstract"] = abstract
    return article
