"""A site's own layouts run around a page's content as Jekyll runs them; the theme's layouts are never run."""

import pytest

from html_invariants import assert_safe_html
from profilehost.publishing import PublishError, SiteContext, publish_source

BOOK = """---
layout: default
shelf: Monographs
---
<article class="page">
  <h1>{{ page.title }}</h1>
  {% if page.publisher %}<p><strong>Publisher:</strong> {{ page.publisher }}</p>{% endif %}
  <p class="shelf">{{ layout.shelf }}</p>
  <hr>
  <div class="page__content">{{ content }}</div>
</article>
"""
PAGE = "---\ntitle: A Book\nlayout: book\npublisher: Small Press\n---\n## Synopsis\n\nIt *begins*.\n"


def render(source: str = PAGE, layouts: dict | None = None, filename: str = "_books/a-book.md"):
    site = SiteContext(layouts={"book": BOOK} if layouts is None else layouts)
    return publish_source(source.encode(), filename=filename, tenant_base="/ada", site=site,
                          default_permalink="/book/a-book/")


def test_a_page_naming_the_sites_own_layout_is_written_inside_it():
    rendered = render()
    html = rendered.body_html
    assert "<h1>A Book</h1>" in html and "<strong>Publisher:</strong> Small Press" in html
    assert '<p class="shelf">Monographs</p>' in html  # the layout's own front matter is `layout`
    content = html.index('<div class="page__content">')
    assert html.index('Synopsis</h2>') > content and "<em>begins</em>" in html
    assert not any("layout" in notice for notice in rendered.notices)


def test_a_layout_framed_by_default_draws_the_title_so_the_theme_draws_neither_title_nor_sidebar():
    rendered = render(PAGE.replace("title: A Book\n", "title: A Book\nauthor_profile: true\n"))
    assert rendered.layout_draws_title and not rendered.meta.author_profile


def test_a_layout_framed_by_single_keeps_the_themes_title_and_sidebar():
    wrapper = "---\nlayout: single\n---\n<div class=\"book\">{{ content }}</div>\n"
    rendered = render(PAGE.replace("title: A Book\n", "title: A Book\nauthor_profile: true\n"),
                      layouts={"book": BOOK.replace("layout: default", "layout: shelf"), "shelf": wrapper})
    assert '<div class="book"><article class="page">' in rendered.body_html.replace("\n", "")
    assert not rendered.layout_draws_title and rendered.meta.author_profile


def test_the_themes_layouts_are_never_run_even_when_the_site_has_a_copy():
    rendered = render("---\ntitle: T\nlayout: single\n---\nBody\n",
                      layouts={"single": "---\n---\n<p>THE SITE'S OWN SINGLE</p>{{ content }}"})
    assert "THE SITE'S OWN SINGLE" not in rendered.body_html and not rendered.layout_draws_title


def test_layouts_that_name_one_another_in_a_loop_are_refused_naming_them():
    with pytest.raises(PublishError) as refused:
        render(layouts={"book": "---\nlayout: shelf\n---\n{{ content }}", "shelf": "---\nlayout: book\n---\nx"})
    assert "_layouts/book.html -> _layouts/shelf.html -> _layouts/book.html" in refused.value.message


def test_what_a_layout_writes_goes_through_the_sanitizer():
    hostile = ('---\nlayout: default\n---\n<script>alert(1)</script><img src=x onerror="alert(2)">'
               '<a href="javascript:alert(3)">x</a>{{ content }}')
    html = render(layouts={"book": hostile}).body_html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert_safe_html(html)


def test_a_page_reads_its_layouts_and_a_layout_it_names_that_is_not_there_yet():
    assert {"layout:book"} <= render().reads
    missing = render(layouts={})
    assert "layout:book" in missing.reads and not missing.layout_draws_title
    assert any("Upload _layouts/book.html" in notice for notice in missing.notices)


def test_a_liquid_error_in_a_layout_names_the_layout_file_and_line():
    with pytest.raises(PublishError) as refused:
        render(layouts={"book": "---\nlayout: default\n---\n<p>\n{% if page.title %}\n"})
    assert "_layouts/book.html" in refused.value.message
