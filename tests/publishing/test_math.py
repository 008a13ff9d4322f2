"""Math as kramdown reads it, rendered to MathML on the server; what cannot be rendered is shown as TeX, with a
notice naming its line."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from html_invariants import assert_safe_html
from profilehost.publishing import PublishError, publish_source
from profilehost.publishing import math as math_module
from profilehost.publishing.markdown import render_markdown, render_markdown_with_notices
from profilehost.publishing.math import tex_to_mathml
from profilehost.publishing.sanitize import sanitize_html


def html(markdown: str) -> str:
    return sanitize_html(render_markdown(markdown), "/ada")


def notices(markdown: str, first_line: int = 1) -> list[str]:
    return render_markdown_with_notices(markdown, first_line)[1]


@pytest.mark.parametrize(("source", "expected"), [
    ("Before.\n\n$$\n\\frac{a}{b}\n$$\n\nAfter.", '<p>Before.</p>\n<math display="block"><semantics><mrow><mfrac>'),
    ("$$E = mc^2$$", '<math display="block">'),
    ("Energy $$E = mc^2$$ is inline.", "<p>Energy <math><semantics><mrow><mi>E</mi>"),
    ("A line\n$$x$$\n\nafter", "<p>A line\n<math><semantics>"),  # no blank line before: inside the paragraph
    ("academicpages' own \\\\(a^2 + b^2 = c^2\\\\) inline", "<p>academicpages’ own <math><semantics>"),
    ("and \\(x\\) inline", "<p>and <math><semantics><mrow><mi>x</mi>"),
    ("\\\\[x^2\\\\]", '<math display="block">'),
    ("\\[ x^2 \\]", '<math display="block">'),
    ("- item $$x_1$$", "<li>item <math>"),
    ("> $$\n> x\n> $$", '<blockquote>\n<math display="block">'),
])
def test_math_is_rendered_to_mathml(source, expected):
    assert expected in html(source)


@pytest.mark.parametrize(("source", "expected"), [
    ("It costs $5, or $10 with $$ signs.", "<p>It costs $5, or $10 with $$ signs.</p>"),
    ("`$$x_1$$` in code", "<code>$$x_1$$</code>"),
    ("```\n$$x_1$$\n```", "<code>$$x_1$$\n</code>"),
    ("```latex\n$$x_1$$\n```", '<code class="language-latex"><span class="sb">$$</span>'),
    ("Text\n\n    $$x_1$$\n", "<code>$$x_1$$\n</code>"),
    ("See \\[PDF\\] and \\[1\\].", "<p>See [PDF] and [1].</p>"),
    ("\\[[PDF](paper.pdf)\\]", '<p>[<a href="/ada/files/paper.pdf">PDF</a>]</p>'),
    ("Escaped \\$$x$$ dollars.", "<p>Escaped $$x$$ dollars.</p>"),
    ("Empty $$ $$ pair.", "<p>Empty $$ $$ pair.</p>"),
])
def test_what_is_not_math_stays_as_written(source, expected):
    assert expected in html(source) and "<math" not in html(source)


def test_markdown_inside_tex_is_tex():
    rendered = html("Sum $$a_1 * b_2 * c_3$$ and *this*.\n\n$$\n[x](y) ** _z_\n$$")
    assert rendered.count("<em>") == 1 and "<strong>" not in rendered and "<a " not in rendered
    assert '<annotation encoding="application/x-tex">a_1 * b_2 * c_3</annotation>' in rendered


def test_a_display_formula_keeps_lines_that_look_like_markdown():
    rendered = html("Text\n\n$$\na = b\n+ c\n# 1\n\n- d\n$$\n\nAfter")
    assert rendered.count("<math") == 1 and "<ul>" not in rendered and "<h1" not in rendered
    assert rendered.endswith("<p>After</p>")


def test_a_formula_closed_before_the_end_of_its_block_is_inline():
    rendered = html("$$a$$ and $$b$$")
    assert rendered.startswith("<p><math><semantics>") and rendered.count("<math>") == 2


def test_text_in_tex_is_escaped_once():
    rendered = html("$$\\text{<b>bold</b> & \\&} < 1$$")
    assert "<mtext>&lt;b&gt;bold&lt;/b&gt;\xa0&amp;" in rendered and "<b>" not in rendered
    assert "&amp;amp;" not in rendered.split("<annotation")[0]


def test_symbols_are_characters():
    assert "<mo>∑</mo>" in tex_to_mathml(r"\sum").markup
    assert "&#x" not in tex_to_mathml(r"\alpha + \mathbb{R}").markup


def test_render_markdown_still_returns_html_only():
    assert render_markdown("$$x$$").startswith('<math display="block">')
    markup, found = render_markdown_with_notices("$$x$$")
    assert markup.startswith("<math") and found == []


def test_tex_that_cannot_be_rendered_is_shown_as_tex_with_a_notice_naming_its_line():
    source = "Intro\n\nInline $$\\frac{a}{b}^2^3$$ here.\n\n$$\n\\begin{matrix} a\n$$\n"
    markup, found = render_markdown_with_notices(source, first_line=5)
    assert '<code class="math-tex">$$\\frac{a}{b}^2^3$$</code>' in markup
    assert '<pre class="math-tex"><code>$$\n\\begin{matrix} a\n$$</code></pre>' in markup
    assert found == [
        "line 7: could not render the math `\\frac{a}{b}^2^3`: two superscripts in a row: write x^{a^b}; it is "
        "shown as TeX",
        "line 9: could not render the math `\\begin{matrix} a`: a \\begin{...} has no \\end{...}; it is shown as "
        "TeX"]


def test_the_same_broken_formula_twice_is_reported_at_each_line():
    assert [notice.split(":")[0] for notice in notices("$$x^1^2$$\n\nText\n\n$$x^1^2$$\n")] == ["line 1", "line 5"]


@pytest.mark.parametrize("tex", [r"\left( a \middle| b", r"\frac", r"x^", r"\begin{array}{q}a\end{array}",
                                 "{ " * 80 + "x" + " }" * 80, r"\unicode{x}", r"\genfrac{(}{)}{0pt}{9}{a}{b}"])
def test_any_tex_renders_or_is_shown_as_tex(tex):
    rendered = publish_source(f"$${tex}$$\n".encode(), filename="m.md", tenant_base="/ada").body_html
    assert_safe_html(rendered)
    assert "<math" in rendered or 'class="math-tex"' in rendered


def test_an_unknown_command_is_shown_as_written_with_a_notice():
    markup, found = render_markdown_with_notices("$$x + \\ce{H2O}$$")
    assert "<mi>\\ce</mi>" in markup
    assert found == ["line 1: the math `x + \\ce{H2O}` uses `\\ce`, which is not a command we know; it is shown "
                     "as written"]


def test_standard_commands_latex2mathml_lacks_are_said_in_words_it_knows():
    markup, found = render_markdown_with_notices("$$\\arg\\max_x f(x) \\label{eq:1} \\nonumber$$")
    assert "<mo>arg</mo>" in markup and "label" not in markup.split("<annotation")[0] and found == []
    # academicpages' sample page ends lines with '\\\ ': a line break, then a space
    assert "<mi>\\" not in render_markdown("$$\n\\displaylines{ a \\\\\\ b }\n$$")


def test_a_formula_over_the_length_limit_is_shown_as_tex():
    markup, found = render_markdown_with_notices("$$" + "x" * 10_001 + "$$")
    assert "<math" not in markup and 'class="math-tex"' in markup
    assert "is longer than 10,000 characters; it is shown as TeX" in found[0]


def test_formulas_past_the_page_limit_are_shown_as_tex_with_one_notice():
    markup, found = render_markdown_with_notices("$$x$$ " * 2_001)
    assert markup.count("<math") == 2_000 and markup.count('class="math-tex"') == 1
    assert found == ["line 1: this page has more than 2,000 formulas; from here on they are shown as TeX"]


def test_math_past_the_page_size_limit_is_shown_as_tex(monkeypatch):
    monkeypatch.setattr(math_module, "MAX_MATHML_CHARS", 1_000)
    markup, found = render_markdown_with_notices("$$\\frac{a}{b}$$ " * 10)
    assert 0 < markup.count("<math") < 10 and 'class="math-tex"' in markup
    assert len(found) == 1 and "MathML; from here on it is shown as TeX" in found[0]


def test_deeply_nested_tex_is_shown_as_tex():
    markup, found = render_markdown_with_notices("$$" + "{" * 70 + "x" + "}" * 70 + "$$")
    assert 'class="math-tex"' in markup and "nested more than 64 levels deep" in found[0]


def test_notices_stop_at_twenty_and_say_how_many_more():
    found = notices("$$x^1^2$$\n\n" * 25)
    assert len(found) == 21 and found[-1] == "5 more notices about math on this page are not shown"


def test_a_long_run_of_unclosed_openers_renders_quickly():
    import time

    started = time.process_time()
    render_markdown("$$ x\n\n" * 5_000 + "\\[ y\n\n" * 5_000)
    assert time.process_time() - started < 5


def test_mathml_passes_the_sanitizer_with_its_allowed_attributes():
    rendered = html("$$\\color{red}{x} \\hspace{1em} \\overline{y} \\boxed{z} \\boldsymbol{v}$$")
    for expected in ('<mstyle mathcolor="red">', '<mspace width="1em">', '<mo accent="true">',
                     '<menclose notation="box">', '<mi mathvariant="bold-italic">'):
        assert expected in rendered
    assert_safe_html(rendered)


MATHY = st.sampled_from(["$$", "$", "\\(", "\\)", "\\[", "\\]", "\\\\(", "\\\\)", "\\\\[", "\\\\]", "`", "```",
                         "\n", "\n\n", "_", "*", "^", "{", "}", "\\frac", "\\text{", "<", "&", "- ", "+ ", "    ",
                         "x", "\\begin{matrix}", "\\end{matrix}", "&amp;", "<math>", "</math>", "<mi>"])


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(MATHY, max_size=30).map("".join))
def test_any_mix_of_math_and_markdown_publishes_safely(text):
    try:
        rendered = publish_source(text.encode(), filename="m.md", tenant_base="/ada")
    except PublishError as refused:  # an empty page, or Liquid's '{{' never closed: refusals with a message
        assert refused.message
        return
    assert_safe_html(rendered.body_html)
    assert not re.search(r"<(?!/?(?:math|semantics|annotation|m[a-z]+|p|pre|code|div|span|em|strong|ul|ol|li|"
                         r"blockquote|br|h\d|hr|table|thead|tbody|tr|th|td|a|dl|dt|dd|sup|sub|del)\b)",
                         rendered.body_html)
