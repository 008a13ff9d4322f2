"""The XSS corpus through the real upload path: HTTP upload, then the public page, parsed as a browser would."""

from __future__ import annotations

import io

import html5lib
import pytest
from site_archive import build_zip, site_with

from html_invariants import assert_safe_html
from support import csrf_token_from
from xss_corpus import FRONT_MATTER_VECTORS, all_body_vectors

BATCH = 25
MATHML = "{http://www.w3.org/1998/Math/MathML}"


def upload_all(client, files: list[tuple[str, bytes]]) -> None:
    for start in range(0, len(files), BATCH):
        token = csrf_token_from(client.get("/dashboard/").get_data(as_text=True))
        batch = [(io.BytesIO(data), name) for name, data in files[start:start + BATCH]]
        response = client.post("/dashboard/upload", data={"csrf_token": token, "files": batch},
                               content_type="multipart/form-data")
        assert response.status_code == 200


def page_body(html: str) -> str:
    start = html.index("data-page-body>") + len("data-page-body>")
    return html[start:html.index("</article>", start)]


def assert_only_our_scripts(html: str) -> None:
    root = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1]
        assert not any(name.lower().startswith("on") for name in element.attrib), element.attrib
        if tag == "script":
            assert element.get("src", "").startswith("/static/") or element.get("type") == "application/ld+json"
            if element.get("type") == "application/ld+json":
                assert "</script" not in (element.text or "").lower()
        assert tag not in ("iframe", "object", "embed", "base", "form")
        if tag == "math":
            assert all(str(inner.tag).startswith(MATHML) for inner in element.iter() if isinstance(inner.tag, str))
        if tag == "svg":
            assert element.get("class") == "icon" and [c.tag.rsplit("}", 1)[-1] for c in element] == ["use"]
            assert element[0].get("href", "").startswith("/theme/icons.svg#")


# The corpus in shards, so that the suite's workers share it instead of one of them taking it all.
SHARDS = 6


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_body_vector_is_safe_on_the_public_page(logged_in, client, shard):
    vectors = dict(list(enumerate(all_body_vectors()))[shard::SHARDS])
    upload_all(logged_in, [(f"v{index}.md", f"---\npermalink: /v{index}/\n---\n{vector}\n".encode())
                           for index, vector in vectors.items()])
    for index, vector in vectors.items():
        response = client.get(f"/alice/v{index}/")
        assert response.status_code == 200, vector
        html = response.get_data(as_text=True)
        assert_safe_html(page_body(html))
        assert_only_our_scripts(html)


@pytest.mark.parametrize(("field", "value"), FRONT_MATTER_VECTORS)
def test_front_matter_values_reach_the_page_escaped(logged_in, client, field, value):
    source = f"---\npermalink: /fm/\nnav_order: 1\nauthor_profile: true\n{field}: {value}\n---\nBody\n".encode()
    upload_all(logged_in, [("fm.md", source)])
    html = client.get("/alice/fm/").get_data(as_text=True)
    assert_only_our_scripts(html)
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html


def test_profile_fields_reach_the_page_escaped(logged_in, client):
    from support import post_form

    upload_all(logged_in, [("home.md", b"---\npermalink: /\nauthor_profile: true\n---\nHi\n")])
    hostile = "<script>alert(1)</script>"
    response = post_form(logged_in, "/dashboard/profile", {
        "display_name": hostile, "pronouns": "<img src=x onerror=alert(1)>", "bio": hostile,
        "location": "\"><svg onload=alert(1)>", "employer": hostile, "link_homepage": "https://ok.example/\"><x"})
    assert response.status_code in (302, 422)
    html = client.get("/alice/").get_data(as_text=True)
    assert_only_our_scripts(html)
    assert "<script>alert(1)</script>" not in html and "<svg onload" not in html


LISTING_INJECTION = ('"><img src=x onerror=alert(1)> x" autofocus onfocus=alert(2) id=main '
                     'href=//evil.example style=position:fixed')


def test_an_item_field_cannot_inject_markup_into_the_listing_that_shows_it(logged_in, client):
    """Issue #16: a '>' inside a venue once let an item add attributes to the public listing page."""
    evil = site_with({"_publications/2024-02-02-evil.md": f"---\ntitle: Evil\ndate: 2024-02-02\n"
                                                          f"venue: '{LISTING_INJECTION}'\n---\nText.\n"})
    token = csrf_token_from(logged_in.get("/dashboard/import").get_data(as_text=True))
    response = logged_in.post("/dashboard/import", data={"csrf_token": token,
                                                         "archive": (io.BytesIO(build_zip(evil)), "site.zip")},
                              content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    for url in ("/alice/publications/", "/alice/publications/2024-02-02-evil/"):
        html = client.get(url).get_data(as_text=True)
        assert "Evil" in html
        assert_safe_html(page_body(html))
        body_tags = [tag for tag in html5lib.parse(page_body(html), namespaceHTMLElements=False).iter()]
        assert not [tag for tag in body_tags if {"autofocus", "onfocus", "onerror", "style"} & set(tag.attrib)]
        assert not [tag for tag in body_tags if tag.get("id") == "main" or "evil.example" in tag.get("href", "")]
