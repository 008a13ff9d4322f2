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
                          default_permalink="/book/a-book/", collection=filename.split("/")[0].lstrip("_"))


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


ABOUT = """---
layout: page
---
{% if page.profile %}<div class="profile {{ page.profile.align }}">
{% if page.profile.image %}<img src="{{ page.profile.image | prepend: '/assets/img/' }}" alt="">{% endif %}
<div class="address">{{ page.profile.address }}</div></div>{% endif %}
{{ content }}
"""


def test_a_sites_copy_of_al_folios_about_layout_runs_and_the_theme_draws_its_frame():
    rendered = render("---\ntitle: Ada\nlayout: about\nprofile:\n  align: right\n  image: me.jpg\n"
                      "  address: <p>Example University</p>\n---\nHello.\n",
                      layouts={"about": ABOUT, "page": "---\n---\n<p>THE SITE'S OWN PAGE</p>{{ content }}"},
                      filename="_pages/about.md")
    html = rendered.body_html
    assert '<div class="profile right">' in html and 'src="/ada/assets/img/me.jpg"' in html
    assert html.index("Example University") < html.index("Hello.")
    assert "THE SITE'S OWN PAGE" not in html  # 'page' is the theme's: the chain stops there
    assert not rendered.layout_draws_title


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


# A fork's copy of academicpages' single layout: its header adds the authors; its content section the downloads.
SINGLE = """---
layout: default
---
<div id="main">{% include sidebar.html %}
  <header>
    {% if page.title %}<h1 class="page__title" itemprop="headline">{{ page.title }}</h1>{% endif %}
    {% if page.read_time %}<p class="page__meta">{% include read-time.html %}</p>{% endif %}
    {% if page.authors and page.venue %}<p><strong>{{ page.authors }}</strong></p>
    <p>Published in <i>{{ page.venue }}</i>, {{ page.date | date: "%Y" }}</p>{% endif %}
  </header>
  <section class="page__content">
    {{ content }}
    {% if page.paperurl %}<p><a href="{{ page.paperurl }}">Download Paper</a></p>{% endif %}
  </section>
</div>
"""
PAPER = ("---\ntitle: A Paper\nlayout: single\nread_time: true\nauthors: A. Fixture and B. Example\n"
         "venue: Journal of Tests\ndate: 2024-05-01\npaperurl: /files/paper.pdf\n---\nThe abstract.\n")


def test_a_sites_own_single_layout_decides_the_lines_under_the_title_and_after_the_content():
    rendered = render(PAPER, layouts={"single": SINGLE}, filename="_publications/paper.md")
    assert rendered.header_html == ("<p><strong>A. Fixture and B. Example</strong></p>\n"
                                    "    <p>Published in <i>Journal of Tests</i>, 2024</p>")
    assert rendered.after_content_html == '<p><a href="/ada/files/paper.pdf">Download Paper</a></p>'
    assert "The abstract." in rendered.body_html and "Download Paper" not in rendered.body_html
    assert "layout:single" in rendered.reads


def test_without_a_copy_of_the_layout_the_theme_writes_academicpages_lines_itself():
    rendered = render(PAPER, layouts={}, filename="_publications/paper.md")
    assert rendered.header_html is None and rendered.after_content_html is None
    assert "layout:single" in rendered.reads  # a copy uploaded later renders the page again


def test_an_undated_item_is_dated_as_jekyll_dates_it_in_its_layouts_lines():
    dated = SINGLE.replace('{% if page.authors and page.venue %}', '{{ page.date | date: "%Y" }}{% if false %}')
    rendered = render("---\ntitle: T\nlayout: single\n---\nx\n", layouts={"single": dated},
                      filename="_portfolio/2023-01-02-thing.md")
    assert rendered.header_html.startswith("2023")


def test_the_layouts_lines_go_through_the_sanitizer_and_a_hostile_layout_is_read_in_one_pass():
    hostile = SINGLE.replace("<p><strong>", "<script>alert(1)</script><p onclick=alert(2)><strong>")
    rendered = render(PAPER, layouts={"single": hostile}, filename="_publications/paper.md")
    assert "<script" not in rendered.header_html and "onclick" not in rendered.header_html
    for endless in ("<header>" + "<h1" * 300_000, "<header>" + "<h1></h1>" * 100_000 + "</header>",
                    "<header>" + "page__meta" * 100_000 + "</header>"):
        assert render(PAPER, layouts={"single": endless}, filename="_publications/paper.md").body_html


def test_a_layouts_lines_that_cannot_be_read_leave_the_theme_to_write_them_with_a_notice():
    broken = SINGLE.replace("{% if page.authors and page.venue %}", "{% if page.authors %}{% for x in y %}")
    rendered = render(PAPER, layouts={"single": broken}, filename="_publications/paper.md")
    assert rendered.header_html is None
    assert any("_layouts/single.html" in notice for notice in rendered.notices)
