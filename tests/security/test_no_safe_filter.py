"""Templates never switch escaping off: HTML a template may print unescaped arrives as markupsafe.Markup, made
only where the value is the sanitizer's output (services.sites.published_html, services.collections)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
UNESCAPED = re.compile(r"\|\s*safe\b|{%-?\s*autoescape\s+false\b")


def test_the_check_sees_every_spelling():
    for spelling in ("{{ x|safe }}", "{{ x | safe }}", "{{ x|safe|trim }}", "{% autoescape false %}",
                     "{%- autoescape false %}"):
        assert UNESCAPED.search(spelling), spelling
    assert not UNESCAPED.search("{{ x|safe_url }}")


@pytest.mark.parametrize("template", sorted(path for path in TEMPLATES.rglob("*") if path.is_file()),
                         ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_turns_escaping_off(template: Path):
    text = template.read_text(encoding="utf-8")
    found = [number for number, line in enumerate(text.splitlines(), 1) if UNESCAPED.search(line)]
    assert not found, f"{template.relative_to(TEMPLATES)} lines {found}: mark HTML with Markup where it is sanitized"
