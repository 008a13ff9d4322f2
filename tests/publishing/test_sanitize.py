"""Every hostile input, straight through the pipeline: the output keeps the sanitizer's promise."""

import os

import pytest

from html_invariants import assert_safe_html
from profilehost.publishing import cores, publish_source, sanitize
from profilehost.publishing.sanitize import _Cleaner, sanitize_each, sanitize_html, top_level_blocks
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


def test_a_link_whose_address_was_only_liquid_links_to_the_page_itself_as_in_jekyll():
    # academicpages' "Download Slides" with an empty slidesurl: Jekyll writes the link, and so does profilehost.
    source = b'Find my articles on <a href="{{author.googlescholar}}">my Google Scholar profile</a> or [here]( ).'
    rendered = publish_source(source, filename="x.md", tenant_base="/ada")
    assert '<a href="">my Google Scholar profile</a>' in rendered.body_html


# The sanitizer works block by block (see sanitize_html): the cut, and that it changes nothing a visitor gets.

def test_a_page_is_cut_into_blocks_only_outside_every_element():
    html = "<p>a</p>\n<div>\n<p>b</p>\n</div>\n<ul>\n<li>c\n<li>d\n</ul>\n<p>e</p>"
    assert top_level_blocks(html) == ["<p>a</p>\n", "<div>\n<p>b</p>\n</div>\n", "<ul>\n<li>c\n<li>d\n</ul>\n",
                                      "<p>e</p>"]


@pytest.mark.parametrize("html", [
    "<script>\n<p>x</p>\n</script>\n<p>y</p>",     # raw text is not markup: no cut inside it
    "<!-- a\n<p>x</p>\n-->\n<p>y</p>",                # nor inside a comment
    "<p title='a>\n<b>'>x</p>\n<p>y</p>",             # nor inside a quoted attribute
])
def test_raw_text_comments_and_attributes_are_never_cut(html):
    assert top_level_blocks(html) == [html.removesuffix("<p>y</p>"), "<p>y</p>"]


@pytest.mark.parametrize("html", [
    "<div>\n<p>never closed\n<p>x</p>",
    "<!-- never closed\n<p>x</p>\n<p>y</p>",
    "<script>\n<img src=x onerror=alert(1)>\n<p>y</p>",
    "<plaintext>\n<p>x</p>\n<p>y</p>",
    "<p title='never closed\n<p>x</p>",
])
def test_what_never_ends_keeps_the_rest_of_the_page_in_its_block(html):
    assert "".join(top_level_blocks(html)) == html
    assert sanitize_html(html, "/ada") == _Cleaner("/ada").clean(html)


@pytest.mark.parametrize("html", [
    "<p>a</p>\n<div>\n<p>b</p>\n</div>\n<p>c</p>",
    "<b><div>\n</b>\n</div>\n<p>misnested</p>",
    "<table>\n<tr><td>a\n</table>\n<p>x</p>",
    "<p>a\n<div>b</div>\n</p>\n<p>c</p>",
    "<math><mi>x</mi><mspace/>\n</math>\n<p>y</p>",
    "</div>\n<p>stray end tag</p>\n</span>\n<p>z</p>",
    "<div/>\n<p>inside the div</p>\n</div>\n<p>outside</p>",
    "<img src=x onerror=alert(1)>\n<p><script>\nalert(1)\n</script></p>\n<a href=javascript:alert(1)>x</a>",
    "<?xml \n<img src=x onerror=alert(1)>\n?>\n<p>a</p>",     # a bogus comment, hidden by browsers
    "<!DOCTYPE x\n<p>hidden</p>\n>\n<p>a</p>",
    "</ x\n<p>hidden</p>\n>\n<p>a</p>",
    "<span><div></span>\n<p>b</p>\n</div>\n<p>c</p>",           # an end tag the parser ignores
    "<div><table></div>\n<p>x</p>\n</table></div>\n<p>y</p>",     # an end tag out of scope
])
def test_block_by_block_gives_what_the_whole_page_at_once_gives(html):
    assert sanitize_html(html, "/ada") == _Cleaner("/ada").clean(html)
    assert_safe_html(sanitize_html(html, "/ada"))


def test_a_listing_with_one_changed_entry_sanitizes_only_that_entry(monkeypatch):
    entries = [f'<div class="list__item"><h2><a href="/publication/p{n}/">Paper {n}</a></h2></div>\n'
               for n in range(40)]
    sanitize_html("".join(entries), "/ada")
    cleaned = []
    clean = _Cleaner.clean
    monkeypatch.setattr(_Cleaner, "clean", lambda self, block: cleaned.append(block) or clean(self, block))
    entries[7] = entries[7].replace("Paper 7", "Paper seven")
    html = sanitize_html("".join(entries), "/ada")
    assert cleaned == [entries[7].rstrip("\n")]  # a block apart from the line breaks after it
    assert "Paper seven" in html and html.count('href="/ada/publication/') == 40
    assert sanitize_html(entries[7], "/bob").count('href="/bob/publication/p7/"') == 1  # per tenant


def test_what_the_sanitizer_wrote_is_not_sanitized_again_when_a_page_shows_it(monkeypatch):
    entry = '<div class="bibliography-entry"><p onclick="x()">Notes</p><a href="/publication/p1/">page</a></div>'
    written = sanitize_each([entry], "/ada")[0]
    assert written != entry
    cleaned = []
    clean = _Cleaner.clean
    monkeypatch.setattr(_Cleaner, "clean", lambda self, block: cleaned.append(block) or clean(self, block))
    page = f"<h2>Papers</h2>\n\n{written}\n\n<p>More</p>"
    assert sanitize_html(page, "/ada") == f"<h2>Papers</h2>\n\n{written}\n\n<p>More</p>"
    assert cleaned == ["<h2>Papers</h2>", "<p>More</p>"]
    assert sanitize_html(written, "/bob") != written and len(cleaned) == 3  # remembered for its tenant only


def test_what_the_sanitizer_wrote_for_a_block_itself_is_kept_when_another_block_writes_it():
    # bleach is not idempotent here: it leaves a paragraph inside a paragraph, which parses as three.
    hostile, nested = "<p><marquee onstart=alert(1)></p>", "<p><p></p></p>"
    assert _Cleaner("/ada").clean(hostile) == nested and _Cleaner("/ada").clean(nested) == "<p></p><p></p><p></p>"
    sanitize.BLOCKS.clear()
    assert sanitize_html(nested, "/ada") == "<p></p><p></p><p></p>"
    assert sanitize_html(hostile, "/ada") == nested
    assert sanitize_html(nested, "/ada") == "<p></p><p></p><p></p>"


def test_a_block_is_the_same_with_or_without_the_line_breaks_after_it(monkeypatch):
    sanitize_html("<p>One</p>\n\n\n<p>Two</p>", "/ada")
    cleaned = []
    clean = _Cleaner.clean
    monkeypatch.setattr(_Cleaner, "clean", lambda self, block: cleaned.append(block) or clean(self, block))
    assert sanitize_html("<p>One</p>\n<p>Three</p>", "/ada") == "<p>One</p>\n<p>Three</p>"
    assert cleaned == ["<p>Three</p>"]
    # The last block's line breaks may be inside an element that never ends: they stay with it.
    assert sanitize_html("<p>a</p>\n<pre>code\n\n", "/ada") == _Cleaner("/ada").clean("<p>a</p>\n<pre>code\n\n")


def test_many_documents_at_once_give_what_each_gives_alone():
    documents = [f'<p>Entry {n} <a href="/publication/p{n}/">page</a></p>\n<script>alert({n})</script>\n'
                 f'<details><summary>Cite</summary><pre><code>@misc{{p{n}}}</code></pre></details>' for n in range(30)]
    documents.append(documents[3])  # a block two documents share is sanitized once and given to both
    assert sanitize_each(documents, "/ada") == [_Cleaner("/ada").clean(html) for html in documents]


def test_a_long_list_sanitized_on_two_cores_is_what_one_core_makes_and_is_remembered(monkeypatch):
    entries = [f'<div class="bibliography-entry"><p>{"Lovelace, A. " * 200}{n}</p>'
               f'<a href="/publication/p{n}/" onclick="x()">page</a><img src=x onerror=alert(1)></div>\n'
               for n in range(120)]
    one_core = [_Cleaner("/ada").clean(html) for html in entries]
    sanitize.BLOCKS.clear()
    monkeypatch.setattr(cores._Settings, "processes", 2)
    forks = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or fork())
    assert sanitize_each(entries, "/ada") == one_core
    assert forks == [1]  # 120 blocks of 2.7 KB: two shares of more than 32 KB, one of them forked
    cleaned = []
    clean = _Cleaner.clean
    monkeypatch.setattr(_Cleaner, "clean", lambda self, block: cleaned.append(block) or clean(self, block))
    assert sanitize_each(entries, "/ada") == one_core and cleaned == []


def test_the_cut_is_linear_in_the_page_whatever_its_tags():
    # Each was quadratic or worse in a version of the scan (a security review found the first).
    assert top_level_blocks("<p/>" * 60000) == ["<p/>" * 60000]
    assert len(top_level_blocks("<b><div>" + "<i>" * 300 + "</b>" * 50000 + "\n<p>x</p>")) == 1
