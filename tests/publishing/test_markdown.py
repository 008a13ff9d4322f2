"""The kramdown constructs academicpages pages use, as Python-Markdown renders them here."""

import pytest

from profilehost.publishing import publish_source


def html(markdown: str) -> str:
    return publish_source(markdown.encode(), filename="p.md", tenant_base="/ada").body_html


@pytest.mark.parametrize(("source", "expected"), [
    ("| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>"),
    ("```bash\nls -la\n```", '<code class="language-bash">ls -la'),
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
