"""publish_source end to end: what an author gets back for a whole page."""

import re
from pathlib import Path

import pytest

from html_invariants import assert_safe_html
from profilehost.publishing import PublishError, publish_source

FIXTURES = Path(__file__).parent.parent / "fixtures" / "pages"


def render(text: str, filename: str = "page.md", base: str = "/ada"):
    return publish_source(text.encode(), filename=filename, tenant_base=base)


def test_a_whole_academicpages_page():
    rendered = publish_source((FIXTURES / "about.md").read_bytes(), filename="about.md", tenant_base="/ada")
    meta = rendered.meta
    assert (meta.title, meta.permalink, meta.author_profile) == ("Ada Fixture 艾达", "/", True)
    assert meta.redirect_from == ("/about/", "/about.html")
    assert meta.description.startswith("Ada Fixture studies how small models")
    html = rendered.body_html
    assert '<font color="red"><strong>[11/2026]</strong></font>' in html or '<font color="red">' in html
    assert 'href="/ada/files/cv.pdf"' in html and 'href="/ada/publications/"' in html
    assert '<table tabindex="0">' in html and "<sup>best paper</sup>" in html
    assert_safe_html(html)


def test_rendering_is_deterministic():
    source = (FIXTURES / "about.md").read_bytes()
    assert publish_source(source, filename="a.md", tenant_base="/x") == publish_source(source, filename="a.md",
                                                                                          tenant_base="/x")


def test_front_matter_is_kept_whole_and_json_ready():
    rendered = render("---\ntitle: T\ndate: 2024-05-01\ncustom:\n  nested: [1, 2]\n---\nBody\n")
    assert rendered.front_matter == {"title": "T", "date": "2024-05-01", "custom": {"nested": [1, 2]}}
    assert any("custom" in notice for notice in rendered.notices)


def test_a_page_without_front_matter_is_all_body():
    rendered = render("# Hello\n\nJust text.\n", filename="notes.md")
    assert rendered.meta.permalink == "/notes/" and rendered.meta.title == "Notes"
    assert "<h1" in rendered.body_html


@pytest.mark.parametrize(("filename", "permalink"), [("Talks 2024.md", "/Talks-2024/"), ("readme.md", "/"),
                                                    ("a..md", "/a/"), ("cv.v2.md", "/cv.v2/")])
def test_a_file_name_gives_the_address_of_a_page_without_permalink(filename, permalink):
    assert render("Text.\n", filename=filename).meta.permalink == permalink


@pytest.mark.parametrize("filename", ["-.md", "...md", "!!.md"])
def test_a_file_name_that_gives_no_address_asks_for_a_permalink(filename):
    with pytest.raises(PublishError, match=f"{re.escape(filename)}: .*'permalink: /about/'"):
        render("Text.\n", filename=filename)


def test_a_default_permalink_wins_over_the_file_name_but_not_over_the_front_matter():
    rendered = publish_source(b"Text.\n", filename="-.md", tenant_base="/x", default_permalink="/talks/")
    assert rendered.meta.permalink == "/talks/"
    explicit = publish_source(b"---\npermalink: /cv/\n---\nText.\n", filename="a.md", tenant_base="/x",
                              default_permalink="/talks/")
    assert explicit.meta.permalink == "/cv/"


@pytest.mark.parametrize("raw", [b"", b"   \n", b"\x00\x01\x02binary\x00", bytes(range(256)) * 10])
def test_non_text_is_refused_naming_the_file(raw):
    with pytest.raises(PublishError, match="upload.md"):
        publish_source(raw, filename="upload.md", tenant_base="/x")
