from profilehost.publishing import publish_source
from profilehost.publishing.liquid import apply_liquid_shims


def test_base_path_shims_resolve_to_the_tenant():
    html = publish_source(b"[a]({{ base_path }}/files/a.pdf) [b]({{ site.url }}{{ site.baseurl }}/talks/) "
                          b"{% include base_path %}[c](/c/)", filename="p.md", tenant_base="/ada").body_html
    assert 'href="/ada/files/a.pdf"' in html and 'href="/ada/talks/"' in html and 'href="/ada/c/"' in html


def test_other_liquid_is_removed_and_listed_with_its_line():
    body, notices = apply_liquid_shims("Hello {{ page.title }}\n{% for p in site.posts %}x{% endfor %}", 5)
    assert body == "Hello \nx"
    assert "line 5: {{ page.title }}" in notices[0] and "line 6" in notices[0]


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
