import pytest

from profilehost.publishing.links import resolve_url


@pytest.mark.parametrize(("url", "resolved"), [
    ("https://example.org/x", "https://example.org/x"),
    ("mailto:a@example.org", "mailto:a@example.org"),
    ("//cdn.example.org/x.js", "https://cdn.example.org/x.js"),
    ("#results", "#user-content-results"),
    ("/files/cv.pdf", "/ada/files/cv.pdf"),
    ("/publications/", "/ada/publications/"),
    ("/ada/already/", "/ada/already/"),
    ("files/cv.pdf", "/ada/files/cv.pdf"),
    ("images/me.png", "/ada/images/me.png"),
    ("./cv.pdf", "/ada/files/cv.pdf"),
    ("../cv.pdf", "/ada/files/cv.pdf"),
    ("cv.pdf", "/ada/files/cv.pdf"),
    ("about.md", "/ada/about/"),
    ("about.html", "/ada/about/"),
    ("teaching", "/ada/teaching/"),
    ("teaching/#fall", "/ada/teaching/#fall"),
    ("/talks/?year=2024", "/ada/talks/?year=2024"),
])
def test_links_resolve_inside_the_tenant(url, resolved):
    assert resolve_url(url, "/ada") == resolved
