"""HTML a tag makes whole is set aside while Markdown runs and put back after it: the page is what it would be
had Markdown passed the block through (but for the tabs it keeps), and the sanitizer still sees every byte."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from html_invariants import assert_safe_html
from profilehost.publishing import PublishError, publish_source
from profilehost.publishing.bibliography import parse_bibliography
from profilehost.publishing.bibliography_html import entry_html, format_entries, publication_front_matter
from profilehost.publishing.liquid import render_liquid
from profilehost.publishing.markdown import render_markdown_with_notices
from profilehost.publishing.raw_blocks import put_back
from profilehost.publishing.sanitize import sanitize_html
from profilehost.publishing.site import SiteContext, SiteDocument

BIB = Path(__file__).resolve().parents[1] / "fixtures" / "bib"


def site_of(*files: str) -> SiteContext:
    entries = [entry for name in files for entry in parse_bibliography((BIB / name).read_bytes(), name).entries]
    documents = []
    for found in format_entries(entries, own_names=["Ada Lovelace"]):
        front = publication_front_matter(found)
        documents.append(SiteDocument(url=front["permalink"], collection="publications", front_matter=front,
                                      content=sanitize_html(entry_html(found), "/ada"),
                                      path=f"_publications/{found.entry.slug}.md"))
    return SiteContext(collections={"publications": documents})


def between_blocks(html: str) -> str:
    return re.sub(r">\n+<", ">\n<", html)


def through_markdown(source: str, site: SiteContext) -> str:
    """The page as it was made before blocks were set aside: the tag's HTML inside the text Markdown reads."""
    liquid = render_liquid(source, site=site, filename="p.md")
    markup, _notices = render_markdown_with_notices(liquid.text, 1)
    return sanitize_html(markup, "/ada")


@pytest.mark.parametrize("source", [
    "# Publications\n\nIntro *text*.\n\n{% bibliography %}\n\nAfter the list.\n",
    "{% bibliography --query @article %}\n",
    "Before\n{% bibliography %}\n* a list item after it\n",
])
def test_a_page_with_the_list_is_what_markdown_passing_it_through_made(source):
    site = site_of("zotero.bib", "scholar.bib", "dblp.bib", "hostile.bib")
    body = publish_source(source.encode(), filename="p.md", tenant_base="/ada", site=site).body_html
    # Python-Markdown turns every tab of the text it reads into spaces, a .bib's in <pre> too; set aside, they stay.
    # It also leaves a blank line after an HTML block, where the page now has a line break.
    assert "\t" in body and between_blocks(body.expandtabs(4)) == between_blocks(through_markdown(source, site))
    assert body.count('class="bibliography-entry"') > 0
    assert_safe_html(body)


def test_the_block_is_not_read_as_markdown_and_what_it_holds_is_still_sanitized():
    hostile = SiteDocument(url="/publication/x/", collection="publications", path="_publications/x.md",
                           front_matter={"title": "A *starred* title", "bibtex_key": "x", "year": 2020,
                                         "category": "journal", "permalink": "/publication/x/",
                                         "citation": "Lovelace, A."},
                           content='<div class="bibliography-entry"><p>Lovelace, A. <script>alert(1)</script>'
                                   '_under_</p><img src=x onerror="alert(1)"></div>')
    body = publish_source(b"{% bibliography %}\n", filename="p.md", tenant_base="/ada",
                          site=SiteContext(collections={"publications": [hostile]})).body_html
    assert "A *starred* title" in body and "_under_" in body  # no emphasis made of it
    assert "<script" not in body and "onerror" not in body
    assert_safe_html(body)


def test_a_marker_a_page_writes_itself_is_harmless():
    marker = "\ue0f0raw-block-0\ue0f1 and \ue0f0raw-block-7\ue0f1"
    body = publish_source(f"Text {marker}\n".encode(), filename="p.md", tenant_base="/ada").body_html
    assert body == f"<p>Text {marker}</p>"  # nothing set aside: the text as written
    assert put_back(f"<p>{marker}</p>", ["<b>mine</b>"]) == "<b>mine</b> and "


def test_a_marker_repeated_by_the_page_gets_its_block_once():
    site = site_of("zotero.bib")
    copies = "\n\n".join(["\ue0f0raw-block-0\ue0f1"] * 2000)
    body = publish_source(f"{{% bibliography %}}\n\n{copies}\n".encode(), filename="p.md", tenant_base="/ada",
                          site=site).body_html
    alone = publish_source(b"{% bibliography %}\n", filename="p.md", tenant_base="/ada", site=site).body_html
    assert body.count('class="bibliography-entry"') == alone.count('class="bibliography-entry"')
    assert len(body) < 2 * len(alone)


def test_what_is_set_aside_counts_toward_the_limit_on_what_liquid_makes(monkeypatch):
    from profilehost.publishing import liquid

    site = site_of("zotero.bib", "scholar.bib", "dblp.bib", "hostile.bib")
    monkeypatch.setattr(liquid, "MIN_OUTPUT_CHARS", 2000)
    with pytest.raises(PublishError, match="characters of page"):
        publish_source(b"{% bibliography %}\n", filename="p.md", tenant_base="/ada", site=site)
