"""Every hostile input, straight through the pipeline: the output keeps the sanitizer's promise."""

import pytest

from html_invariants import assert_safe_html
from profilehost.publishing import publish_source
from xss_corpus import all_body_vectors


@pytest.mark.parametrize("vector", all_body_vectors())
def test_hostile_input_comes_out_safe(vector):
    rendered = publish_source(vector.encode(), filename="x.md", tenant_base="/ada")
    assert_safe_html(rendered.body_html)


@pytest.mark.parametrize("vector", ["<script>alert(1)</script>", "<style>body{display:none}</style>visible",
                                    "<noscript>alert(1)</noscript>", "<template>alert(1)</template>",
                                    "<svg><desc>alert(1)</desc></svg>", "<iframe>alert(1)</iframe>"])
def test_script_like_content_is_dropped_not_shown_as_text(vector):
    html = publish_source(vector.encode(), filename="x.md", tenant_base="/ada").body_html
    assert "alert" not in html and "display:none" not in html


def test_allowed_markup_survives():
    html = publish_source(b'<details><summary>More</summary>Hidden</details> <kbd>Ctrl</kbd> <mark>m</mark> '
                          b'<abbr title="HyperText">HTML</abbr> <span style="color: #c00">red</span> '
                          b'<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">', filename="x.md",
                          tenant_base="/ada").body_html
    for expected in ("<details>", "<summary>More</summary>", "<kbd>Ctrl</kbd>", "<mark>m</mark>",
                     '<abbr title="HyperText">', 'style="color: #c00;"', 'src="data:image/png;base64,iVBORw0KGgo="'):
        assert expected in html


def test_external_links_get_rel_and_ids_are_prefixed():
    html = publish_source(b'[x](https://example.org) <a id="top" name="top" href="#top">t</a>', filename="x.md",
                          tenant_base="/ada").body_html
    assert 'rel="nofollow ugc noopener"' in html
    assert 'id="user-content-top"' in html and 'href="#user-content-top"' in html


def test_a_link_whose_address_was_only_liquid_keeps_its_text_but_links_nowhere():
    source = b'Find my articles on <a href="{{author.googlescholar}}">my Google Scholar profile</a> or [here]( ).'
    rendered = publish_source(source, filename="x.md", tenant_base="/ada")
    assert "<a>my Google Scholar profile</a>" in rendered.body_html and 'href=""' not in rendered.body_html
