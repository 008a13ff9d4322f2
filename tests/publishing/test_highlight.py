"""Fenced code that names its language is coloured with Pygments' classes (no style attribute: the CSP forbids
inline styles); the stylesheet that colours them is generated, committed, and cannot drift."""

import html
import re
from pathlib import Path

import pytest

from profilehost.publishing import markdown as markdown_module
from profilehost.publishing.markdown import highlight_stylesheet, render_markdown
from profilehost.publishing.sanitize import sanitize_html

STATIC_CSS = Path(markdown_module.__file__).parent.parent / "static" / "css"
# Pygments' short names ('nb', 's2'), with the parent's name for a lexer's own token type ('p p-Indicator').
PYGMENTS_CLASSES = re.compile(r"^[a-z0-9]{1,4}(-[A-Za-z0-9]+)*( [a-z0-9]{1,4}(-[A-Za-z0-9]+)*)*$")
SAMPLES = {
    "python": "def f(x):\n    return x < 1 and 'a&b'  # <script>\n",
    "bash": "for f in *.csv; do echo \"$f\" | cut -d , -f1; done\n",
    "r": "x <- c(1, 2)\nprint(x, quote = FALSE)\n",
    "html": '<a href="javascript:alert(1)" onclick="x()">&amp;</a>\n',
    "yaml": "title: 'x'\nlist: [a, b]\n",
    "latex": "\\frac{a}{b} $$x$$\n",
    "c++": "int main() { return 0; }\n",
}


def page(markdown: str) -> str:
    return sanitize_html(render_markdown(markdown), "/ada")


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.mark.parametrize(("language", "code"), SAMPLES.items())
def test_fenced_code_with_a_language_is_coloured_by_classes_only(language, code):
    rendered = page(f"```{language}\n{code}```")
    assert rendered.startswith(f'<div class="highlight"><pre tabindex="0"><code class="language-{language}">')
    assert "<span class=" in rendered and "style=" not in rendered
    assert text_of(rendered) == code
    for value in re.findall(r'<span class="([^"]*)"', rendered):
        assert PYGMENTS_CLASSES.match(value), value


def test_code_text_is_escaped_once():
    rendered = page("```python\nx = '<b>' + '&amp;'\n```")
    assert "&lt;b&gt;" in rendered and "&amp;amp;" in rendered and "<b>" not in rendered


def test_fenced_code_without_a_language_stays_plain():
    assert page("```\nls -la\n```") == '<pre tabindex="0"><code>ls -la\n</code></pre>'


def test_an_unknown_language_falls_back_to_plain_code():
    assert page("```no-such-language\nx = 1\n```") == \
        '<pre tabindex="0"><code class="language-no-such-language">x = 1\n</code></pre>'


def test_leading_and_trailing_blank_lines_are_kept():
    assert text_of(page("```python\n\nx = 1\n\n```")) == "\nx = 1\n\n"


def test_code_over_the_size_limit_stays_plain(monkeypatch):
    monkeypatch.setattr(markdown_module, "MAX_HIGHLIGHT_CHARS", 10)
    assert page("```python\nx = 1234567890\n```").startswith('<pre tabindex="0"><code class="language-python">x =')


def test_a_page_stops_colouring_code_past_its_budget(monkeypatch):
    monkeypatch.setattr(markdown_module, "MAX_HIGHLIGHT_PAGE_CHARS", 20)
    rendered = page("```python\nx = 1\n```\n\n" * 5)
    assert rendered.count('<div class="highlight">') == 3 and rendered.count("<pre") == 5


def test_indented_code_and_code_spans_are_not_coloured():
    rendered = page("Text `print(1)`\n\n    print(1)\n")
    assert "<span" not in rendered


def test_the_committed_stylesheet_is_what_pygments_generates():
    # If this fails after a Pygments upgrade, regenerate it with the command at the top of code.css.
    assert (STATIC_CSS / "code.css").read_text() == highlight_stylesheet()


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    colour = "".join(c * 2 for c in colour) if len(colour) == 3 else colour
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _theme_code_backgrounds() -> tuple[str, str]:
    found = re.findall(r"--code-bg:\s*(#[0-9a-fA-F]{3,6})", (STATIC_CSS / "theme.css").read_text())
    return found[0], found[1]


def test_every_colour_is_readable_on_the_theme_code_background():
    light_background, dark_background = _theme_code_backgrounds()
    stylesheet = highlight_stylesheet()
    dark_start = stylesheet.index("@media (prefers-color-scheme: dark) {")
    for match in re.finditer(r"\.highlight \.([a-z0-9]+) \{[^}]*?(?<![-\w])color: (#[0-9a-fA-F]{3,6})", stylesheet):
        if match.group(1) == "w":  # whitespace: nothing to read
            continue
        background = light_background if match.start() < dark_start else dark_background
        assert _contrast(match.group(2), background) >= 4.5, match.group(0)


def test_the_theme_links_the_stylesheet_after_its_own():
    head = (Path(markdown_module.__file__).parents[2] / "templates" / "theme" / "_macros.html").read_text()
    assert head.index("css/theme.css") < head.index("css/code.css")
