"""Review of the per-block sanitizer (sanitize_html cuts the Markdown output into top-level blocks, sanitizes and
caches each): whatever the cut, the concatenated output is safe as a browser parses it, no parser state is
carried from one sanitized block into the next, and the cache keeps tenants and data: images apart."""

from __future__ import annotations

import html5lib
import pytest

from html_invariants import assert_safe_html
from profilehost.publishing import sanitize
from profilehost.publishing.sanitize import _Cleaner, sanitize_html, top_level_blocks

# Each is hostile content arranged so that a line break outside what the scanner sees as an element falls
# inside something a browser reads differently: comments (real and bogus), raw text, RCDATA, quoted attribute
# values, foreign content, tables, misnested formatting elements.
HOSTILE = [
    '<!--\n<p>a</p>\n--><img src=x onerror=alert(1)>\n<p>b</p>',
    '<!-->\n<img src=x onerror=alert(1)>\n<p>b</p>',
    '<script>\n<p>x</p>\n</script>\n<p>y</p>',
    '<textarea>\n</p>\n<img src=x onerror=alert(1)>\n</textarea>\n<p>z</p>',
    '<math>\n<mi>\n</math>\n<img src=x onerror=alert(1)>\n<mtext><img src=y onerror=alert(2)></mtext>',
    '<math><mtext>\n<table><mglyph><style>\n<img src=x onerror=alert(1)>',
    '<p title="\n<img src=x onerror=alert(1)>\n">t</p>\n<p>u</p>',
    "<p a'b>\n<img src=x onerror=alert(1)>\n<p c'>",
    '<svg>\n<p>\n</svg>\n<style>\n<img src=x onerror=alert(1)>\n</style>',
    '<noscript>\n<p title="</noscript><img src=x onerror=alert(1)>">\n</noscript>',
    '<xmp>\n</xmp\n<img src=x onerror=alert(1)>',
    '<span><div></span>\n<math><mi>x</mi></math>\n<a href="javascript:alert(1)">j</a>',
    '<select>\n<option>\n<img src=x onerror=alert(1)>\n</select>',
    '<template>\n<img src=x onerror=alert(1)>\n</template>',
    '<plaintext>\n<p>x</p>',
    '<table>\n<tr><td>\n</table>\n<p>a</p>',
    '<math><annotation-xml encoding="text/html">\n<img src=x onerror=alert(1)>\n</annotation-xml></math>',
    '<a href="x">\n<p>a</p>\n</a>\n<a href="y"><div>\n</a>\n<p>b</p>',
    '<b><p>x</b>\n<p>y</p>',
    '<a href=1><marquee><div><a href=2>x</a></div></marquee></a>\n<p>after</p>',
    '<h1><marquee><h2>x</h2></marquee></h1>\n<p>after</p>',
    '<p><marquee><table><tr><td>x</table></marquee></p>\n<b>after</b>',
    '<math>\n<mi/>\n<mglyph/>\n</math>\n<p>a</p>',
    '<?xml \n<img src=x onerror=alert(1)>\n?>',
    '</ x\n<img src=x onerror=alert(1)>\n>',
    '<!DOCTYPE x\n<img src=x onerror=alert(1)>\n>',
    '<![CDATA[\n<img src=x onerror=alert(1)>\n]]>',
    '<math><![CDATA[\n]]><img src=x onerror=alert(1)>\n</math>',
    '<p>&amp\n<p>;lt;img src=x onerror=alert(1)&gt;</p>',
]


def _reparsed(fragment: str) -> str:
    return html5lib.serialize(html5lib.parseFragment(fragment), omit_optional_tags=False,
                              quote_attr_values="always")


@pytest.fixture(autouse=True)
def empty_cache():
    sanitize.BLOCKS.clear()
    yield
    sanitize.BLOCKS.clear()


@pytest.mark.parametrize("source", HOSTILE)
def test_concatenated_blocks_are_safe_as_a_browser_parses_them(source):
    cleaned = sanitize_html(source, "/alice")
    assert_safe_html(cleaned)
    assert "javascript:" not in cleaned


@pytest.mark.parametrize("source", HOSTILE)
def test_no_parser_state_is_carried_from_one_sanitized_block_to_the_next(source):
    cleaner = _Cleaner("/alice")
    outputs = [cleaner.clean(block) for block in top_level_blocks(source)]
    # Parsing the page parses each block's output as it would alone: nothing left open, no formatting element
    # reconstructed, no raw-text or foreign-content state running on into the next block.
    assert _reparsed("".join(outputs)) == "".join(_reparsed(output) for output in outputs)
    probe = "<p>probe</p><b>bold</b><math><mi>x</mi></math>"
    for output in outputs:
        assert _reparsed(output + probe) == _reparsed(output) + _reparsed(probe)


def test_the_cache_keeps_tenants_apart():
    block = '<p><a href="/files/cv.pdf">CV</a> <img src="images/me.png"></p>\n'
    alice = sanitize_html(block + block, "/alice")
    bob = sanitize_html(block + block, "/bob")
    assert "/alice/files/cv.pdf" in alice and "/bob" not in alice
    assert "/bob/files/cv.pdf" in bob and "/alice" not in bob


def test_data_images_in_cached_blocks_keep_their_own_data():
    first = '<p><img src="data:image/png;base64,AAAA"></p>\n'
    second = '<p><img src="data:image/gif;base64,BBBB"></p>\n'
    for _ in range(2):  # cold, then from the cache
        cleaned = sanitize_html(first + second + first, "/alice")
        assert cleaned.count("data:image/png;base64,AAAA") == 2
        assert cleaned.count("data:image/gif;base64,BBBB") == 1
        assert "data-image.invalid" not in cleaned
        assert_safe_html(cleaned)


def test_a_guessed_placeholder_is_only_an_https_link():
    cleaned = sanitize_html('<p><img src="https://data-image.invalid/0123456789abcdef"></p>\n'
                            '<p><img src="data:image/png;base64,AAAA"></p>', "/alice")
    assert 'src="https://data-image.invalid/0123456789abcdef"' in cleaned
    assert_safe_html(cleaned)
