"""A moderator sees a tenant's page as its visitors do: drawn by the public theme alone, in a document of its own,
so that no class the app's CSS styles (`honeypot`, `visually-hidden`, `flash`, `card`...) can hide or restyle the
tenant's text on the admin screen only."""

import re
from pathlib import Path

import html5lib
import pytest

import profilehost
from factories import page_source, publish

HIDDEN_ONLY_FROM_ADMINS = ('<p class="honeypot">Cheap pills at example.test</p>\n\n'
                           '<div class="flash notice">Buy now</div>\n\n<p class="card">Visit us</p>\n')


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def spam_page(alice):
    return publish(alice, page_source("Spam", "/spam/", HIDDEN_ONLY_FROM_ADMINS)).page


def parse(markup: str):
    return html5lib.parse(markup, namespaceHTMLElements=False)


def stylesheets(document) -> list[str]:
    return [link.get("href") for link in document.iter("link") if link.get("rel") == "stylesheet"]


def app_css_classes() -> set[str]:
    css = (Path(profilehost.__file__).parent / "static" / "css" / "app.css").read_text()
    return set(re.findall(r"\.([A-Za-z][\w-]*)", css))


def rendering_frame(admin_client, page) -> tuple:
    document = parse(admin_client.get(f"/admin/accounts/alice/pages/{page.id}").get_data(as_text=True))
    return document, [frame for frame in document.iter("iframe") if frame.get("srcdoc") is not None]


def test_the_tenants_text_is_in_no_element_the_admin_screens_css_styles(admin_client, spam_page):
    document, _frames = rendering_frame(admin_client, spam_page)
    tenant_classes = {"honeypot", "flash", "card"}
    assert tenant_classes <= app_css_classes()  # what makes the attack work: the app's CSS styles them
    styled = [element for element in document.iter() if set((element.get("class") or "").split()) & tenant_classes
              and any(text in (element.text or "") for text in ("Cheap pills", "Buy now", "Visit us"))]
    assert styled == [], "the tenant's markup is part of the admin document"


def test_the_revision_is_drawn_by_the_public_theme_in_a_sandboxed_frame(admin_client, client, spam_page):
    _document, frames = rendering_frame(admin_client, spam_page)
    assert len(frames) == 1 and frames[0].get("sandbox").split() == ["allow-same-origin"]  # no script, form, popup
    inside = parse(frames[0].get("srcdoc"))
    honeypot = [element for element in inside.iter("p") if element.get("class") == "honeypot"]
    assert [element.text for element in honeypot] == ["Cheap pills at example.test"]
    public = parse(client.get("/alice/spam/").get_data(as_text=True))
    assert stylesheets(inside) == stylesheets(public)
    assert not any("app.css" in href for href in stylesheets(inside))


def test_the_frame_shows_the_revision_asked_for(admin_client, make_user, alice, spam_page):
    publish(make_user("bob"), page_source("Other", "/spam/", "Bob's text."))
    publish(alice, page_source("Spam", "/spam/", "Cleaned up."))
    for revision, text in ((1, "Cheap pills"), (2, "Cleaned up.")):
        html = admin_client.get(f"/admin/accounts/alice/pages/{spam_page.id}?revision={revision}")
        srcdoc = parse(html.get_data(as_text=True)).find(".//iframe").get("srcdoc")
        assert text in srcdoc and "Bob's text." not in srcdoc


def test_the_admin_screen_keeps_its_strict_content_security_policy(admin_client, spam_page):
    response = admin_client.get(f"/admin/accounts/alice/pages/{spam_page.id}")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
