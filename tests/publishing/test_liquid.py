import pytest

from profilehost.publishing import publish_source
from profilehost.publishing.liquid import MAX_LISTED, Listing, apply_liquid_shims, listing_element, listings_in


def test_base_path_shims_resolve_to_the_tenant():
    html = publish_source(b"[a]({{ base_path }}/files/a.pdf) [b]({{ site.url }}{{ site.baseurl }}/talks/) "
                          b"{% include base_path %}[c](/c/)", filename="p.md", tenant_base="/ada").body_html
    assert 'href="/ada/files/a.pdf"' in html and 'href="/ada/talks/"' in html and 'href="/ada/c/"' in html


def test_other_liquid_is_removed_and_listed_with_its_line():
    body, notices = apply_liquid_shims("Hello {{ page.title }}\n{% for p in site.posts %}x{% endfor %}", 5)
    assert body == "Hello \nx"
    assert "line 5: {{ page.title }}" in notices[0] and "line 6" in notices[0]


def test_notices_name_the_line_in_the_file_after_blank_lines_below_the_front_matter():
    notices = publish_source(b"---\ntitle: T\n---\n\n\nText {{ page.x }}\n", filename="p.md", tenant_base="/a").notices
    assert "line 6: {{ page.x }}" in notices[0]


def test_liquid_in_code_is_the_authors_text():
    source = "`{{ inline }}`\n\n```\n{% raw %}{{ fenced }}\n```\n\n    {{ indented }}\n"
    body, notices = apply_liquid_shims(source, 1)
    assert body == source and notices == []


def test_a_loop_over_a_collection_becomes_its_listing_where_the_loop_was():
    source = (b"---\ntitle: Papers\n---\nBefore.\n\n{% for post in site.publications reversed %}\n"
              b"  {% include archive-single.html %}\n{% endfor %}\n\nAfter.\n")
    rendered = publish_source(source, filename="p.md", tenant_base="/ada")
    assert rendered.listings == ("publications",)
    assert rendered.body_html.index("Before.") < rendered.body_html.index(
        '<div class="collection-listing" data-collection="publications"></div>') < rendered.body_html.index("After.")
    assert rendered.notices == ()


def test_nested_loops_and_conditions_inside_a_collection_loop_go_with_it():
    source = (b"{% for post in site.posts %}{% capture y %}{{ post.date }}{% endcapture %}"
              b"{% if y %}<h2>{{ y }}</h2>{% endif %}{% for tag in post.tags %}{{ tag }}{% endfor %}{% endfor %}")
    rendered = publish_source(source, filename="year-archive.html", tenant_base="/ada")
    assert rendered.listings == ("posts",)
    assert rendered.body_html.strip() == '<div class="collection-listing" data-collection="posts"></div>'


def test_authors_cannot_forge_a_listing_element_or_token():
    forged = b'<div class="collection-listing" data-collection="publications"></div>\n\nphlisting0publications\n'
    rendered = publish_source(forged, filename="p.md", tenant_base="/ada")
    assert rendered.listings == () and "data-collection" not in rendered.body_html


def test_loops_over_other_collections_are_removed_with_a_notice_and_code_keeps_its_loops():
    source = b"{% for r in site.research %}<h2>{{ r.title }}</h2>{% endfor %}\n\n```\n{% for p in site.talks %}\n```\n"
    rendered = publish_source(source, filename="p.md", tenant_base="/ada")
    assert rendered.listings == () and "site.research" in rendered.notices[0]
    assert "<h2>" not in rendered.body_html and "{% for p in site.talks %}" in rendered.body_html


def test_capture_and_comment_blocks_never_show_their_content():
    source = b"A{% capture x %}'None'{% endcapture %}B{% comment %}secret{% endcomment %}C\n"
    assert publish_source(source, filename="p.md", tenant_base="/a").body_html == "<p>ABC</p>"


def test_an_html_page_is_not_run_through_markdown():
    source = b"---\ntitle: T\n---\n<div>\n\n    <p>indented, not code</p>\n</div>\n"
    html = publish_source(source, filename="talks.html", tenant_base="/a").body_html
    assert "<pre" not in html and "<p>indented, not code</p>" in html


@pytest.mark.parametrize(("loop", "attributes"), [
    ("{% for post in site.posts limit:3 %}", ' data-limit="3"'),
    ("{% for post in site.posts limit: 3 %}", ' data-limit="3"'),
    ("{%- for post in site.posts limit:3 -%}", ' data-limit="3"'),
    ("{% for post in site.posts reversed limit:2 offset:1 %}", ' data-limit="2" data-offset="1"'),
    ("{% for post in site.posts offset: 2 reversed limit:0 %}", ' data-limit="0" data-offset="2"'),
    ("{% for post in site.posts offset:2 %}", ' data-offset="2"'),
    ("{% for post in site.posts reversed offset:0 %}", ""),
])
def test_a_loops_limit_and_offset_go_with_its_listing(loop, attributes):
    rendered = publish_source(f"{loop}\n  {{{{ post.title }}}}\n{{% endfor %}}\n".encode(), filename="p.md",
                              tenant_base="/ada")
    assert rendered.body_html == f'<div class="collection-listing" data-collection="posts"{attributes}></div>'
    assert rendered.listings == ("posts",) and rendered.notices == ()


@pytest.mark.parametrize(("parameters", "attributes", "notice"), [
    ("limit:many", "", "line 5: ignored 'limit:many' in the loop over site.posts"),
    ("limit:-1 offset:1", ' data-offset="1"', "line 5: ignored 'limit:-1' in the loop over site.posts"),
    ("limit:site.count", "", "line 5: ignored 'limit:site.count'"),
    ("offset:continue limit:2", ' data-limit="2"', "line 5: ignored 'offset:continue'"),
    ("limit:", "", "line 5: ignored 'limit:'"),
    ("limit:99999999999999999999", f' data-limit="{MAX_LISTED}"', f"line 5: 'limit:99999999999999999999' is "
                                                                  f"more than {MAX_LISTED}"),
    ("offset:" + "9" * 5000, f' data-offset="{MAX_LISTED}"', "line 5: 'offset:99999999999999999999"),
])
def test_a_limit_or_offset_that_is_not_a_small_whole_number_is_ignored_or_bounded_with_a_notice(
        parameters, attributes, notice):
    source = f"---\ntitle: Home\n---\n\n{{% for post in site.posts {parameters} %}}{{% endfor %}}\n"
    rendered = publish_source(source.encode(), filename="p.md", tenant_base="/ada")
    assert rendered.body_html == f'<div class="collection-listing" data-collection="posts"{attributes}></div>'
    assert len(rendered.notices) == 1 and rendered.notices[0].startswith(notice)


def test_authors_cannot_forge_a_listings_limit_or_offset():
    forged = (b'<div class="collection-listing" data-collection="posts" data-limit="1" data-offset="5"></div>\n\n'
              b'<div class="collection-listing" data-limit="1"></div>\n')
    rendered = publish_source(forged, filename="p.md", tenant_base="/ada")
    assert "data-limit" not in rendered.body_html and "data-offset" not in rendered.body_html
    assert listings_in(rendered.body_html) == []


def test_only_the_first_loop_over_a_collection_is_listed_with_its_own_limit():
    source = (b"{% for post in site.posts limit:3 %}{% endfor %}\n\nAll posts:\n\n"
              b"{% for post in site.posts %}{% endfor %}\n")
    rendered = publish_source(source, filename="p.md", tenant_base="/ada")
    assert listings_in(rendered.body_html) == [
        ('<div class="collection-listing" data-collection="posts" data-limit="3"></div>', Listing("posts", 3))]
    assert rendered.listings == ("posts",)


@pytest.mark.parametrize("listing", [Listing("publications"), Listing("posts", 3), Listing("talks", 2, 4),
                                     Listing("teaching", None, 1), Listing("portfolio", 0)])
def test_served_pages_find_the_listings_the_pipeline_wrote(listing):
    assert listings_in(f"<p>A</p>{listing_element(listing)}<p>B</p>") == [(listing_element(listing), listing)]


def test_pages_published_before_limits_existed_still_list_everything():
    stored = '<div class="collection-listing" data-collection="publications"></div>'
    assert listings_in(stored) == [(stored, Listing("publications", None, 0))]


def test_a_loop_copied_by_markdown_into_ids_and_tables_of_contents_is_still_one_listing():
    # A heading's text goes into its id and into every [TOC]: each copy would be a listing, a query and a render.
    heading = b'<h2 markdown="1">\n\n{% for post in site.posts limit:1000 %}{% endfor %}\n\n</h2>\n\n'
    source = heading + b"[TOC]\n\n" * 50
    rendered = publish_source(source, filename="p.md", tenant_base="/ada")
    assert len(listings_in(rendered.body_html)) == 1
    assert rendered.body_html.count("collection-listing") == 1 and "phlisting" not in rendered.body_html


def test_a_loop_inside_an_attribute_lists_nothing_there():
    source = b'<a href="/talks/{% for p in site.talks %}{% endfor %}">Talks</a>\n'
    rendered = publish_source(source, filename="p.html", tenant_base="/ada")
    assert "collection-listing" not in rendered.body_html and "phlisting" not in rendered.body_html
    assert rendered.listings == ()


def test_a_stored_body_with_copies_of_a_listing_is_served_one_listing_per_collection():
    element = listing_element(Listing("posts", 3))
    assert listings_in(element * 40 + listing_element(Listing("posts"))) == [(element, Listing("posts", 3))]


@pytest.mark.parametrize("tag", ["{% include toc %}", '{% include toc title="On this page" icon="file" %}',
                                 "{%- include toc.html -%}"])
def test_academicpages_toc_include_becomes_the_table_of_contents(tag):
    source = f"---\ntitle: Terms\n---\n\n{tag}\n\n## Privacy\n\nText.\n\n## Cookies\n".encode()
    rendered = publish_source(source, filename="terms.md", tenant_base="/ada")
    assert '<div class="toc">' in rendered.body_html and 'href="#user-content-privacy"' in rendered.body_html
    assert rendered.notices == ()


def test_a_toc_include_inside_a_sentence_is_removed_like_other_liquid():
    rendered = publish_source(b"See {% include toc %} here.\n\n## A\n", filename="p.md", tenant_base="/ada")
    assert "toc" not in rendered.body_html and "include toc" in rendered.notices[0]
