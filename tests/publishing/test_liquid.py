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
