"""The kramdown constructs academicpages pages use, as Python-Markdown renders them here."""

import re
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilehost.publishing import markdown as markdown_module
from profilehost.publishing import publish_source


def html(markdown: str) -> str:
    return publish_source(markdown.encode(), filename="p.md", tenant_base="/ada").body_html


@pytest.mark.parametrize(("source", "expected"), [
    ("| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>"),
    ("```bash\nls -la\n```", '<div class="highlight"><pre tabindex="0"><code class="language-bash">ls<span class="w">'),
    ("Text.[^1]\n\n[^1]: Note.", 'href="#user-content-fn:1"'),
    ("## Selected Papers", '<h2 id="user-content-selected-papers">'),
    ("Para\n{: .notice}", '<p class="notice">'),
    ("[x](https://a.example){:style=\"color: red\"}", 'style="color: red;"'),
    ('<div class="box" markdown="1">\n**bold**\n</div>', '<div class="box">\n<p><strong>bold</strong></p>'),
    ("* a\n  * b\n  * c", "<li>a<ul>\n<li>b</li>"),
    ("1. a\n   1. b", "<li>a<ol>\n<li>b</li>"),
    ("Intro line\n- item", "<p>Intro line</p>\n<ul>\n<li>item</li>"),
    ("Intro line\n## Heading", "<p>Intro line</p>\n<h2"),
    ("line one  \nline two", "line one<br>\nline two"),
    ("line one\\\nline two", "line one<br>\nline two"),
    ("a <br /> b <u>under</u> <sup>1</sup>", "<u>under</u>"),
    ('<font color="red">**[New]**</font>', '<font color="red">'),
    ("* TOC\n{:toc}\n\n## One\n\n## Two", 'href="#user-content-one"'),
    ('"Quotes" -- and --- dashes...', "“Quotes” – and — dashes…"),
    ("~~gone~~", "<del>gone</del>"),
    ("Setext\n======", "<h1"),
    ("> 1. quoted list\n> 2. second", "<blockquote>\n<ol>"),
])
def test_construct(source, expected):
    assert expected in html(source)


def test_font_content_is_shown_as_written():
    assert "[*New*]" in html("<font color='red'>[*New*]</font> paper")


def test_nested_markdown_in_html_blocks():
    rendered = html('<div markdown="1">\n<div markdown="1">\n*inner*\n</div>\n</div>')
    assert "<em>inner</em>" in rendered


def _stock_smarty_render(source: str) -> str:
    names, config = markdown_module._extensions()
    stock = markdown.Markdown(extensions=names, extension_configs=config, output_format="html")
    return stock.convert(markdown_module.prepare_kramdown(source))


SMARTY_SAMPLES = st.text(alphabet=st.sampled_from(list("ab '\"-.<>*_`\n#[]()1:&;")), max_size=120)


@given(SMARTY_SAMPLES)
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
def test_skipping_text_without_quotes_dashes_or_dots_changes_nothing(source):
    assert markdown_module.render_markdown(source) == _stock_smarty_render(source)


def test_the_fixture_pages_render_as_with_the_stock_smarty_pass():
    for page in (Path(__file__).parent.parent / "fixtures" / "pages").glob("*.md"):
        body = page.read_text().split("---", 2)[-1]
        assert markdown_module.render_markdown(body) == _stock_smarty_render(body), page.name


def test_the_smarty_skip_is_in_effect(monkeypatch):
    # If Python-Markdown renamed the hooked method, quotes would still be curled here.
    assert "‘quoted’" in markdown_module.render_markdown_with_notices("A 'quoted' word.")[0]
    monkeypatch.setattr(markdown_module, "SMARTY_TRIGGER", re.compile("(?!)"))
    assert "'quoted'" in markdown_module.render_markdown_with_notices("A 'quoted' word.")[0]


def test_only_the_first_table_of_contents_marker_makes_one():
    # Every marker repeats every heading: markers times headings would grow a short page into megabytes.
    source = "".join(f"## Part {number}\n\n" for number in range(50)) + "[TOC]\n\n" * 50 + "```\n[TOC]\n```\n"
    rendered = markdown_module.render_markdown(source)
    assert rendered.count('<div class="toc">') == 1 and rendered.count('href="#part-49"') == 1
    assert "<code>[TOC]\n</code>" in rendered


@pytest.mark.parametrize("holder", ["- [TOC]\n", "Term\n:   [TOC]\n\n", "| a |\n|---|\n| [TOC] |\n\n"])
def test_later_table_of_contents_markers_go_whatever_holds_them(holder):
    source = "[TOC]\n\n" + "".join(f"## Part {number}\n\n" for number in range(50)) + holder * 20
    assert markdown_module.render_markdown(source).count('href="#part-49"') == 1


@pytest.mark.parametrize(("source", "shown"), [
    ("[UMAP'18](https://example.org/)", ">UMAP’18</a>"),   # kramdown: a quote after a letter is an apostrophe
    ("in 2019'20 and it's 'quoted'", "2019’20 and it’s ‘quoted’"),
])
def test_a_quote_after_a_letter_or_digit_before_digits_is_an_apostrophe(source, shown):
    assert shown in markdown_module.render_markdown(source)


def test_footnotes_are_numbered_and_linked_as_kramdown_does_and_a_note_nothing_cites_is_left_out():
    html = markdown_module.render_markdown("First[^b], then[^a], again[^b].\n\n"
                                           "[^a]: Note A.\n[^b]: Note B.\n[^c]: Never cited.\n")
    assert '<sup id="fnref:b"><a class="footnote-ref" href="#fn:b">1</a>' in html
    assert '<sup id="fnref:a"><a class="footnote-ref" href="#fn:a">2</a>' in html
    assert '<sup id="fnref:b:1">' in html  # kramdown's id for a second reference to one note
    assert 'href="#fnref:b:1" title="Jump back to footnote 1 in the text">&#8617;<sup>2</sup></a>' in html
    assert html.index('id="fn:b"') < html.index('id="fn:a"') and "Never cited" not in html


def test_footnotes_that_nothing_cites_leave_no_empty_notes_section():
    assert markdown_module.render_markdown("No citation here.\n\n[^a]: An orphan.\n") == "<p>No citation here.</p>"
