"""A publication's page carries Google Scholar's citation_* tags and ScholarlyArticle JSON-LD, checked here as
a crawler reads them: parsed from the served HTML against Scholar's inclusion guidelines (a title, at least one
author, a publication date; the PDF on the page's own host; no tag without a value), with hostile values kept
as text."""

import json
import re

import lxml.html
import pytest

from factories import PDF, PNG, store_file
from profilehost.services import bibliography, pages

ROOT = "http://localhost"
ENGINES = """---
title: "Notes on the Analytical Engine"
collection: publications
permalink: /publication/engines/
excerpt: 'Translator''s notes on the engine.'
date: 1843-09-01
venue: 'Scientific Memoirs'
category: manuscripts
paperurl: '/files/engines.pdf'
citation: 'Lovelace, Ada. (1843). &quot;Notes.&quot; <i>Scientific Memoirs</i>. 3.'
authors:
  - Lovelace, Ada
  - Babbage, Charles
---

The abstract, as academicpages items write it.
"""


def publish_item(tenant, source: str, name: str = "engines") -> str:
    outcome = pages.publish_upload(tenant, source.encode(), f"_publications/{name}.md", collection="publications")
    return f"/{tenant.username}{outcome.page.permalink}"


def scholar_tags(client, url: str) -> list[tuple[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    document = lxml.html.fromstring(response.data)
    return [(meta.get("name"), meta.get("content")) for meta in document.iter("meta")
            if (meta.get("name") or "").startswith("citation_")]


def json_ld(client, url: str) -> list[dict]:
    document = lxml.html.fromstring(client.get(url).data)
    return [json.loads(script.text) for script in document.iter("script")
            if script.get("type") == "application/ld+json"]


def assert_meets_inclusion_guidelines(tags: list[tuple[str, str]]) -> None:
    names = [name for name, _ in tags]
    assert names.count("citation_title") == 1 and names.count("citation_publication_date") == 1
    assert "citation_author" in names
    assert re.fullmatch(r"\d{4}(/\d{2}/\d{2})?", dict(tags)["citation_publication_date"])
    assert all(content and content.strip() for _, content in tags), tags
    for name, content in tags:
        if name in ("citation_pdf_url", "citation_abstract_html_url"):
            assert content.startswith(f"{ROOT}/alice/")


def test_an_academicpages_publication_has_the_tags_scholar_needs(make_user, client):
    alice = make_user("alice")
    store_file(alice, "engines.pdf")
    url = publish_item(alice, ENGINES)

    tags = scholar_tags(client, url)

    assert_meets_inclusion_guidelines(tags)
    assert tags == [
        ("citation_title", "Notes on the Analytical Engine"),
        ("citation_author", "Lovelace, Ada"), ("citation_author", "Babbage, Charles"),
        ("citation_publication_date", "1843/09/01"),
        ("citation_journal_title", "Scientific Memoirs"),
        ("citation_abstract_html_url", f"{ROOT}{url}"),
        ("citation_pdf_url", f"{ROOT}/alice/files/engines.pdf"),
    ]
    pdf = client.get(dict(tags)["citation_pdf_url"].removeprefix(ROOT))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data == PDF


def test_the_scholarly_article_json_ld_stands_beside_the_person(make_user, client):
    alice = make_user("alice")
    url = publish_item(alice, ENGINES)
    blocks = json_ld(client, url)
    assert [block["@type"] for block in blocks] == ["Person", "ScholarlyArticle"]
    article = blocks[1]
    assert article["name"] == "Notes on the Analytical Engine" and article["url"] == f"{ROOT}{url}"
    assert [author["name"] for author in article["author"]] == ["Lovelace, Ada", "Babbage, Charles"]


@pytest.mark.parametrize("paperurl", ["https://arxiv.org/pdf/1234.5678.pdf", "/files/never-uploaded.pdf",
                                      "//evil.example/files/engines.pdf", "https://evil.example/alice/files/e.pdf"])
def test_a_pdf_not_served_by_this_host_is_never_the_citation_pdf_url(make_user, client, paperurl):
    alice = make_user("alice")
    store_file(alice, "engines.pdf")
    url = publish_item(alice, ENGINES.replace("'/files/engines.pdf'", f"'{paperurl}'"))
    tags = scholar_tags(client, url)
    assert_meets_inclusion_guidelines(tags)
    assert "citation_pdf_url" not in dict(tags)


# Every path the site answers with the file (assets.served_file); a doubled slash is answered with a 308 to it.
@pytest.mark.parametrize("paperurl", ["/assets/engines.pdf", "/alice//files/engines.pdf"])
def test_a_pdf_linked_by_any_path_that_serves_it_is_the_citation_pdf_url(make_user, client, paperurl):
    alice = make_user("alice")
    store_file(alice, "engines.pdf")
    url = publish_item(alice, ENGINES.replace("'/files/engines.pdf'", f"'{paperurl}'"))
    assert dict(scholar_tags(client, url))["citation_pdf_url"] == f"{ROOT}/alice/files/engines.pdf"
    linked = paperurl if paperurl.startswith("/alice/") else "/alice" + paperurl
    assert client.get(linked, follow_redirects=True).data == PDF


def test_an_image_named_like_a_pdf_is_not_a_citation_pdf_url(make_user, client):
    alice = make_user("alice")
    store_file(alice, "figure.png", PNG)
    url = publish_item(alice, ENGINES.replace("'/files/engines.pdf'", "'/images/figure.png'"))
    assert "citation_pdf_url" not in dict(scholar_tags(client, url))


def test_an_item_without_authors_has_no_tags_rather_than_a_wrong_author(make_user, client):
    alice = make_user("alice")
    url = publish_item(alice, ENGINES.replace("authors:\n  - Lovelace, Ada\n  - Babbage, Charles\n", ""))
    assert scholar_tags(client, url) == []
    assert [block["@type"] for block in json_ld(client, url)] == ["Person"]


def test_pages_that_are_not_publications_have_no_tags(make_user, client):
    alice = make_user("alice")
    pages.publish_upload(alice, b"---\ntitle: Home\npermalink: /\nauthors: [Lovelace, Ada]\ndate: 2024-01-01\n---\n\n"
                              b"Hello.\n", "index.md")
    talk = ENGINES.replace("collection: publications", "collection: talks").replace("/publication/", "/talks/")
    outcome = pages.publish_upload(alice, talk.encode(), "_talks/engines.md", collection="talks")
    assert scholar_tags(client, "/alice/") == []
    assert scholar_tags(client, f"/alice{outcome.page.permalink}") == []


# Markup is dropped from a citation value (a title's <i>), so what could end a script block is a bare '</script'.
HOSTILE = "Quotes \" ' & ]]> -- a </script"


def test_hostile_values_stay_text_in_tags_and_json_ld(make_user, client):
    alice = make_user("alice")
    source = ENGINES.replace('title: "Notes on the Analytical Engine"', "title: " + json.dumps(HOSTILE)).replace(
        "  - Babbage, Charles", "  - " + json.dumps(HOSTILE))
    url = publish_item(alice, source)
    response = client.get(url)
    html = response.get_data(as_text=True)

    tags = scholar_tags(client, url)
    assert tags[0] == ("citation_title", HOSTILE) and ("citation_author", HOSTILE) in tags
    article = json_ld(client, url)[1]
    assert article["name"] == HOSTILE and article["author"][1]["name"] == HOSTILE
    # No value ends a script block or starts one: every <script in the page is the theme's own.
    document = lxml.html.fromstring(response.data)
    assert html.lower().count("<script") == len(list(document.iter("script")))
    assert all(script.get("src") or script.get("type") == "application/ld+json" for script in document.iter("script"))
    assert html.count("</script") == len(list(document.iter("script")))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_markup_in_a_title_is_dropped_from_the_tags(make_user, client):
    alice = make_user("alice")
    url = publish_item(alice, ENGINES.replace('"Notes on the Analytical Engine"',
                                              "'Notes on the <i>Analytical</i> Engine <script>x()</script>'"))
    assert scholar_tags(client, url)[0] == ("citation_title", "Notes on the Analytical Engine x()")


ZOTERO_BIB = rb"""@article{lovelace1843notes,
  title = {Notes on the {A}nalytical {E}ngine},
  author = {Lovelace, Ada and Babbage, Charles},
  journal = {Scientific Memoirs},
  volume = {3},
  number = {7},
  pages = {666--731},
  year = {1843},
  doi = {10.1000/notes-1843},
  pdf = {engines.pdf},
  abstract = {Translator's notes.}
}

@inproceedings{babbage1837,
  title = {On the Mathematical Powers of the Calculating Engine},
  author = {Babbage, Charles},
  booktitle = {Proceedings of the Example Society},
  year = {1837},
  pdf = {https://example.org/elsewhere.pdf}
}

@misc{untitled,
  author = {Nobody, Some},
  year = {2020}
}
"""


def test_bibliography_entry_pages_carry_the_tags_their_entries_support(make_user, client):
    alice = make_user("alice")
    store_file(alice, "pdf/engines.pdf")
    bibliography.save_bibliography(alice, ZOTERO_BIB, source_name="zotero.bib")

    article = scholar_tags(client, "/alice/publication/lovelace1843notes/")
    assert_meets_inclusion_guidelines(article)
    assert article == [
        ("citation_title", "Notes on the Analytical Engine"),
        ("citation_author", "Lovelace, Ada"), ("citation_author", "Babbage, Charles"),
        ("citation_publication_date", "1843"),
        ("citation_journal_title", "Scientific Memoirs"),
        ("citation_volume", "3"), ("citation_issue", "7"),
        ("citation_firstpage", "666"), ("citation_lastpage", "731"),
        ("citation_doi", "10.1000/notes-1843"),
        ("citation_abstract_html_url", f"{ROOT}/alice/publication/lovelace1843notes/"),
        ("citation_pdf_url", f"{ROOT}/alice/files/pdf/engines.pdf"),
    ]
    paper = scholar_tags(client, "/alice/publication/babbage1837/")
    assert_meets_inclusion_guidelines(paper)
    assert ("citation_conference_title", "Proceedings of the Example Society") in paper
    assert "citation_pdf_url" not in dict(paper)
    assert scholar_tags(client, "/alice/publication/untitled/") == []
