"""MathML is the one foreign content we let through. Inside <math> there is only allowlisted MathML and text,
and what we serialize parses back to the same tree: sanitizing the output again changes nothing, so a browser
cannot be led to read it differently from html5lib (mutation XSS)."""

import html5lib
import pytest

from html_invariants import assert_safe_html
from profilehost.publishing import PublishError, publish_source
from profilehost.publishing.sanitize import sanitize_html
from xss_corpus import HTML_VECTORS, MATH_VECTORS

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def body_html(source: str) -> str:
    return publish_source(source.encode(), filename="m.md", tenant_base="/ada").body_html


@pytest.mark.parametrize("vector", MATH_VECTORS + [v for v in HTML_VECTORS if "math" in v or "svg" in v])
def test_math_vectors_come_out_inert_and_stable(vector):
    try:
        rendered = body_html(vector)
    except PublishError:
        return
    assert_safe_html(rendered)
    assert sanitize_html(rendered, "") == rendered


@pytest.mark.parametrize("vector", MATH_VECTORS)
def test_nothing_but_mathml_and_text_is_inside_math(vector):
    try:
        rendered = body_html(vector)
    except PublishError:
        return
    root = html5lib.parseFragment(rendered, treebuilder="etree", namespaceHTMLElements=False)
    for math in root.iter(MATHML + "math"):
        for element in math.iter():
            assert isinstance(element.tag, str) and element.tag.startswith(MATHML), vector


def test_tex_cannot_write_markup():
    rendered = body_html("$$\\text{<img src=x onerror=alert(1)>} \\href{javascript:alert(1)}{y}$$")
    assert "<img" not in rendered and " href=" not in rendered and "&lt;img src=x onerror=alert(1)&gt;" in rendered


def test_a_mathml_attribute_keeps_only_a_safe_value():
    rendered = body_html('<math display="block"><mo lspace="-5em" rspace="0.2em" stretchy="javascript">x</mo>'
                         '<mstyle mathcolor="#c00" mathbackground="url(x)"><mi>y</mi></mstyle></math>')
    assert '<mo rspace="0.2em">' in rendered and '<mstyle mathcolor="#c00">' in rendered


def test_an_mi_outside_math_keeps_its_text_only():
    assert body_html("<mi>text</mi> and <annotation>more</annotation>") == "<p>text and more</p>"
