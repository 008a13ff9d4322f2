"""The Liquid engine: Jekyll's context, includes, filters and limits, as a page's author sees them."""

import re
import time

import pytest

from profilehost.publishing import PublishError, publish_source
from profilehost.publishing.liquid import render_liquid
from profilehost.publishing.site import SiteContext, SiteDocument, front_matter_defaults

PAPER = SiteDocument(url="/publications/p1/", collection="publications", path="_publications/2020-01-02-p1.md",
                     front_matter={"title": "Paper One", "venue": "Nature", "date": "2020-01-02",
                                   "category": "manuscripts"}, content="<p>Abstract.</p>")
SITE = SiteContext(config={"talkmap_link": False, "publication_category": {"manuscripts": {"title": "Articles"}}},
                   data={"cv": {"education": [{"degree": "PhD", "institution": "MIT"}]}},
                   collections={"publications": [PAPER]})


def render(body: str, site: SiteContext = SITE) -> str:
    return publish_source(body.encode(), filename="page.md", tenant_base="/ada", site=site).body_html


def test_a_loop_over_a_data_file_renders_its_entries():
    html = render("{% for edu in site.data.cv.education %}\n* **{{ edu.degree }}**, {{ edu.institution }}\n"
                  "{% endfor %}")
    assert "<strong>PhD</strong>, MIT" in html


def test_an_if_is_evaluated_and_hides_its_body_when_false():
    assert "HIDDEN" not in render("{% if site.talkmap_link == true %}HIDDEN{% endif %}shown")


def test_a_collection_loop_lists_each_item_through_the_archive_include_at_the_tenants_address():
    html = render("{% for post in site.publications reversed %}{% include archive-single.html %}{% endfor %}")
    assert 'href="/ada/publications/p1/"' in html and "Published in <i>Nature</i>, 2020" in html


def test_academicpages_grouping_by_publication_category_puts_each_item_under_its_heading():
    html = render("{% for category in site.publication_category %}\n## {{ category[1].title }}\n\n"
                  "{% for post in site.publications %}{% if post.category != category[0] %}{% continue %}"
                  "{% endif %}\n* {{ post.title }}\n{% endfor %}{% endfor %}")
    assert html.index("Articles</h2>") < html.index("Paper One")


@pytest.mark.parametrize("literal", ["empty", "blank"])
def test_empty_and_blank_are_values_a_filter_can_take_as_in_jekyll(literal):
    listing = (f"{{% assign items = site.publications | default: {literal} | sort: 'date' | reverse %}}"
               "{% for post in items %}* {{ post.title }}{% endfor %}")
    assert render_liquid(listing, site=SITE) == render_liquid(listing.replace(f"default: {literal} | ", ""),
                                                              site=SITE)
    assert "Paper One" in render_liquid(listing, site=SITE).text


def test_default_empty_on_a_missing_collection_is_an_empty_list():
    outcome = render_liquid("{% assign items = site.books | default: empty | sort: 'date' %}"
                            "{% if items == empty %}none{% endif %}{% for b in items %}[{{ b }}]{% endfor %}")
    assert outcome.text == "none" and outcome.notices == ()


def test_the_page_records_what_of_the_site_it_read():
    outcome = render_liquid("{{ site.data.cv.education.size }} {% for p in site.publications %}{% endfor %}",
                            site=SITE)
    assert {"site.data.cv", "site.publications"} <= outcome.reads


def test_a_plugin_tag_is_left_out_with_a_notice_naming_its_line():
    rendered = publish_source(b"---\ntitle: T\n---\nText\n\n{% bibliography -f papers %}\n", filename="p.md",
                              tenant_base="/ada")
    assert "bibliography" not in rendered.body_html
    assert any("line 6" in notice and "jekyll-scholar" in notice for notice in rendered.notices)


@pytest.mark.parametrize("tag", ["{% bibliography %}", "{% bibliography -f papers %}", "{% include %}"])
def test_the_text_after_a_tag_is_kept_whether_or_not_the_tag_has_arguments(tag):
    outcome = render_liquid(f"before {tag}\n\nafter {{{{ 1 }}}} and more\n", site=SITE)
    assert outcome.text.startswith("before ") and outcome.text.endswith("\n\nafter 1 and more\n")


def test_a_missing_include_is_named_in_a_notice():
    outcome = render_liquid("{% include nowhere.html %}")
    assert outcome.text == "" and "nowhere.html" in outcome.notices[0]


def test_the_sites_own_include_takes_parameters_as_include_dot_name():
    site = SiteContext(includes={"card.html": "<b>{{ include.label }}</b>"})
    assert render_liquid('{% include card.html label="Hi" %}', site=site).text == "<b>Hi</b>"


def test_where_and_group_by_filters_work_as_in_jekyll():
    outcome = render_liquid('{% assign found = site.publications | where: "venue", "Nature" %}{{ found.size }}'
                            '{% assign groups = site.publications | group_by: "category" %}{{ groups[0].name }}',
                            site=SITE)
    assert outcome.text == "1manuscripts"


def test_defaults_apply_by_path_and_type_and_the_more_specific_wins():
    config = {"defaults": [{"scope": {"path": ""}, "values": {"author_profile": True, "share": True}},
                           {"scope": {"path": "", "type": "publications"}, "values": {"author_profile": False}}]}
    assert front_matter_defaults(config, "_publications/p.md", "publications") == {"author_profile": False,
                                                                                  "share": True}
    assert front_matter_defaults(config, "_pages/cv.md", "pages") == {"author_profile": True, "share": True}


def test_markup_made_by_liquid_goes_through_the_sanitizer():
    hostile = SiteDocument(url="/publications/x/", collection="publications", path="_publications/x.md",
                           front_matter={"title": "x", "venue": '"><img src=x onerror=alert(1)> autofocus '
                                                                 'onfocus=alert(2) id=main href=//evil.example'})
    html = render("{% for post in site.publications %}{% include archive-single.html %}{% endfor %}",
                  SiteContext(collections={"publications": [hostile]}))
    tags = re.findall(r"<[^>]*>", html)
    assert not [tag for tag in tags if re.search(r"\son\w+=|autofocus|evil\.example|\bid=\"?main", tag)]


@pytest.mark.parametrize("body", [
    "{% capture x %}" * 1100,
    "{%" * 20000,
    "{% for x in site.a %}" * 2000,
    "{{" * 20000,
    "{% raw %}" * 5000,
    "{{ a" + " " * 50000 + "}}",
])
def test_quadratic_liquid_is_refused_or_rendered_quickly_never_held(body):
    started = time.process_time()
    with pytest.raises(PublishError):
        publish_source(body.encode(), filename="p.md", tenant_base="/ada")
    assert time.process_time() - started < 5  # a bound on the worker, not a benchmark


def test_a_loop_inside_a_loop_is_bounded_by_the_iteration_limit():
    site = SiteContext(config={"a": list(range(1000))})
    with pytest.raises(PublishError, match="loops run more than"):
        publish_source(b"{% for x in site.a %}{% for y in site.a %}.{% endfor %}{% endfor %}", filename="p.md",
                       tenant_base="/ada", site=site)


def test_an_unclosed_for_names_the_line_that_opened_it():
    with pytest.raises(PublishError, match=r"line 3: \{% for %\} is never closed"):
        publish_source(b"a\n\n{% for x in site.a %}\nb\n", filename="p.md", tenant_base="/ada")


def test_jekyll_paginates_only_the_index_html_in_the_folder_of_paginate_path():
    posts = [SiteDocument(url=f"/blog/p{day}/", front_matter={"title": f"P{day}", "date": f"2020-01-0{day}"},
                          collection="posts", path=f"_posts/2020-01-0{day}-p{day}.md") for day in range(1, 6)]
    site = SiteContext(config={"paginate": 2, "paginate_path": "/blog/page:num/"}, collections={"posts": posts})
    body = "{% for post in paginator.posts %}{{ post.title }} {% endfor %}{{ paginator.next_page_path }}"
    paginated = render_liquid(body, site=site, page={"path": "blog/index.html"})
    assert paginated.text == "P5 P4 /blog/page2/" and "site.posts" in paginated.reads
    for elsewhere in ("index.html", "blog/index.md", "news/index.html"):
        assert render_liquid(body, site=site, page={"path": elsewhere}).text == ""
