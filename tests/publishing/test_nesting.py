"""How deeply a page may nest: deep enough for any real page, never so deep that rendering it overflows the stack
or takes the server's minutes."""

import threading

import pytest

from profilehost.publishing import PublishError, budget, publish_source
from profilehost.publishing.nesting import MAX_ELEMENT_DEPTH, check_nesting


def publish(source: str, filename: str = "p.md"):
    return publish_source(source.encode(), filename=filename, tenant_base="/ada")


@pytest.mark.parametrize(("source", "line", "what"), [
    ("Intro\n\n" + ">" * 40 + " deep\n", 3, "quotes are nested more than 32 deep"),
    ("- item\n\n    " + "> " * 3000 + "x\n", 3, "quotes are nested more than 32 deep"),
    ("".join("  " * level + "- x\n" for level in range(100)), 66, "a list item is indented more than 128 spaces"),
    ("\t" * 40 + "- x\n", 1, "a list item is indented more than 128 spaces"),
    ("<div>" * 20000 + "x" + "</div>" * 20000, 1, "HTML elements are nested more than 100 deep"),
    ("<section>\n" * 101, 101, "HTML elements are nested more than 100 deep"),
])
def test_a_page_nested_deeper_than_any_real_one_is_refused_with_its_line(source, line, what):
    with pytest.raises(PublishError) as refused:
        check_nesting(source, 1, "p.md")
    assert refused.value.message.startswith(f"p.md, line {line}: {what}") and refused.value.line == line
    with pytest.raises(PublishError):
        publish(source)


def test_the_line_counts_from_the_top_of_the_file():
    with pytest.raises(PublishError, match=r"^deep\.md, line 5: quotes"):
        publish_source(b"---\ntitle: T\n---\n\n" + b">" * 40 + b" x\n", filename="deep.md", tenant_base="/a")


def test_real_nesting_renders():
    quotes = "> " * 8 + "eight quotes deep\n\n"
    lists = "".join("    " * level + f"- level {level}\n" for level in range(10))
    elements = "<div>" * (MAX_ELEMENT_DEPTH - 1) + "inside" + "</div>" * (MAX_ELEMENT_DEPTH - 1)
    paragraphs = "<p>unclosed " * 500  # elements whose end tags may be left out do not stack up
    html = publish(quotes + lists + "\n" + elements + "\n\n" + paragraphs + "\n\n<br>" * 300).body_html
    assert "eight quotes deep" in html and "level 9" in html and "inside" in html and html.count("unclosed") == 500


def test_siblings_are_not_nesting():
    assert publish("<div>a</div>\n" * 5000).body_html.count("<div>") == 5000
    assert publish("<span>a</span>" * 5000, filename="p.html").body_html.count("<span>") == 5000


@pytest.mark.parametrize("source", ["[" * 20000, "<div " * 20000])
def test_a_page_that_would_take_minutes_to_render_is_refused(source, monkeypatch):
    # Both cost the square of their length in the renderers (about 45 s and 2 min here); the budget, made small
    # for the test, stops them.
    monkeypatch.setattr(budget, "RENDER_CPU_SECONDS", 0.3)
    with pytest.raises(PublishError, match=r"^p\.md: this page takes more than 0\.3 s to render"):
        publish(source)
    after = publish("[a](/b) and <div>fine</div>\n\n*[HTML]: kept from no earlier page").body_html
    assert 'href="/ada/b"' in after and "fine" in after


def test_outside_the_main_thread_pages_render_without_a_budget():
    results = []
    worker = threading.Thread(target=lambda: results.append(publish("# Hello\n\nWorld").body_html))
    worker.start()
    worker.join()
    assert "World" in results[0]
