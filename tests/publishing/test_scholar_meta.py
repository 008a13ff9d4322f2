"""Google Scholar's citation_* tags from a plain mapping (an academicpages item's front matter or a bibliography
entry's metadata): only what the entry says, never a guess, and nothing at all without title, author and date."""

from datetime import date

import pytest

from profilehost.publishing.scholar import (
    author_names,
    doi_of,
    page_range,
    publication_date,
    scholar_meta,
    venue_of,
)

PAGE = "https://profiles.example.org/ada/publication/engines/"


def own_pdf(value: str) -> str | None:
    return "https://profiles.example.org/ada/files/engines.pdf" if value == "/files/engines.pdf" else None


def tags_of(entry: dict) -> list[tuple[str, str]]:
    found = scholar_meta(entry, PAGE, own_pdf)
    return list(found.tags) if found else []


BIB_ENTRY = {"title": "Notes on the {Analytical} Engine", "authors": ["Lovelace, Ada", "Babbage, Charles"],
             "date": "1843-09-01", "entry_type": "article", "journal": "Scientific Memoirs", "volume": "3",
             "issue": "7", "pages": "666--731", "doi": "https://doi.org/10.1000/xyz-123",
             "pdf": "/files/engines.pdf", "abstract": "On the engine."}


def test_a_bibliography_entry_gives_every_tag_in_order():
    assert tags_of(BIB_ENTRY) == [
        ("citation_title", "Notes on the Analytical Engine"),
        ("citation_author", "Lovelace, Ada"), ("citation_author", "Babbage, Charles"),
        ("citation_publication_date", "1843/09/01"),
        ("citation_journal_title", "Scientific Memoirs"),
        ("citation_volume", "3"), ("citation_issue", "7"),
        ("citation_firstpage", "666"), ("citation_lastpage", "731"),
        ("citation_doi", "10.1000/xyz-123"),
        ("citation_abstract_html_url", PAGE),
        ("citation_pdf_url", "https://profiles.example.org/ada/files/engines.pdf"),
    ]


@pytest.mark.parametrize("missing", ["title", "authors", "date"])
def test_without_title_author_or_date_there_are_no_tags(missing):
    entry = {key: value for key, value in BIB_ENTRY.items() if key != missing}
    assert scholar_meta(entry, PAGE, own_pdf) is None


def test_an_academicpages_item_gives_what_its_front_matter_says():
    front = {"title": "Paper Title Number 1", "collection": "publications", "date": "2009-10-01",
             "venue": "Journal 1", "category": "manuscripts", "paperurl": "http://academicpages.github.io/x.pdf",
             "citation": "Your Name, You. (2009). &quot;Paper Title Number 1.&quot; <i>Journal 1</i>. 1(1).",
             "excerpt": "This paper is about the number 1.", "authors": "Your Name and Other Person"}
    assert tags_of(front) == [
        ("citation_title", "Paper Title Number 1"),
        ("citation_author", "Your Name"), ("citation_author", "Other Person"),
        ("citation_publication_date", "2009/10/01"),
        ("citation_journal_title", "Journal 1"),
        ("citation_abstract_html_url", PAGE),
    ]  # the PDF is on another host: no citation_pdf_url


@pytest.mark.parametrize(("entry", "expected"), [
    ({"entry_type": "inproceedings", "booktitle": "Proc. of Examples"}, ("conference", "Proc. of Examples")),
    ({"entry_type": "article", "journal": "J. Ex."}, ("journal", "J. Ex.")),
    ({"entry_type": "misc", "venue": "arXiv"}, ("", "")),  # a preprint has neither
    ({"entry_type": "phdthesis", "venue": "Example University"}, ("", "")),
    ({"venue": "Journal 1", "category": "conferences"}, ("conference", "Journal 1")),
    ({"venue": "International Conference on Examples"}, ("conference", "International Conference on Examples")),
    ({"venue": "IEEE Transactions on Examples"}, ("journal", "IEEE Transactions on Examples")),
    ({"venue": "Nature"}, ("", "")),  # nothing says which kind: left out rather than guessed
    ({"venue": "<i>Journal of Examples</i>"}, ("journal", "Journal of Examples")),
])
def test_the_venue_is_a_journal_or_a_conference_only_when_the_entry_says_which(entry, expected):
    assert venue_of(entry) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-03-05", "2024-03-05"), ("2024-03", "2024"), ("2024", "2024"), (2024, "2024"),
    (date(2024, 3, 5), "2024-03-05"), ("2024-03-05T10:00:00", "2024-03-05"), ("2024-02-30", None),
    ("soon", None), ("", None), (None, None), (True, None), ("0099", None),
])
def test_publication_dates_are_a_full_date_or_a_year(value, expected):
    assert publication_date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (["Lovelace, Ada", {"family": "Babbage", "given": "Charles"}, {"name": "Menabrea, Luigi"}],
     ("Lovelace, Ada", "Babbage, Charles", "Menabrea, Luigi")),
    ("Lovelace, Ada and Babbage, Charles", ("Lovelace, Ada", "Babbage, Charles")),
    ("Lovelace, Ada", ("Lovelace, Ada",)),
    ("Ada Lovelace, Charles Babbage", ("Ada Lovelace", "Charles Babbage")),
    ("Ada Lovelace; **Charles Babbage**", ("Ada Lovelace", "Charles Babbage")),
    ("Lovelace, Ada and others", ("Lovelace, Ada",)),
    ({"name": "not a list"}, ()), (None, ()), (["", None], ()),
])
def test_authors_keep_their_order_and_only_their_names(value, expected):
    assert author_names(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("12--34", ("12", "34")), ("12-34", ("12", "34")), ("12\u201334", ("12", "34")), ("e1234", ("e1234", "")),
    ("12+", ("", "")), ("pp. 12", ("", "")), (None, ("", "")),
])
def test_pages_split_into_first_and_last(value, expected):
    assert page_range(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("10.1000/xyz", "10.1000/xyz"), ("doi:10.1000/xyz", "10.1000/xyz"),
    ("https://dx.doi.org/10.1000/xyz", "10.1000/xyz"),
    ("not a doi", ""), ("https://example.org/10.1000/xyz", ""), (None, ""),
])
def test_dois_are_recognized_in_their_usual_forms(value, expected):
    assert doi_of(value) == expected


def test_no_tag_is_written_with_an_empty_value():
    entry = {**BIB_ENTRY, "volume": "  ", "issue": None, "pages": "", "doi": "", "pdf": "", "abstract": "",
             "journal": "{}"}
    for _name, content in tags_of(entry):
        assert content.strip()
    names = [name for name, _ in tags_of(entry)]
    assert "citation_volume" not in names and "citation_journal_title" not in names


def test_an_external_or_unknown_pdf_is_never_a_citation_pdf_url():
    for pdf in ("https://arxiv.org/pdf/1234.pdf", "/files/other.pdf", "javascript:alert(1)"):
        assert "citation_pdf_url" not in dict(tags_of({**BIB_ENTRY, "pdf": pdf}))


def test_the_json_ld_is_a_scholarly_article_with_the_same_facts():
    article = scholar_meta(BIB_ENTRY, PAGE, own_pdf).json_ld
    assert article["@type"] == "ScholarlyArticle" and article["name"] == "Notes on the Analytical Engine"
    assert [author["name"] for author in article["author"]] == ["Lovelace, Ada", "Babbage, Charles"]
    assert article["datePublished"] == "1843-09-01" and article["url"] == PAGE
    assert article["isPartOf"] == {"@type": "Periodical", "name": "Scientific Memoirs"}
    assert article["sameAs"] == "https://doi.org/10.1000/xyz-123"
    assert (article["pageStart"], article["pageEnd"]) == ("666", "731")
