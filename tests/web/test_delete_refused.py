"""A deletion is refused, whole and with the reason, when a page that lists the deleted one cannot be rendered
without it (as Jekyll would refuse to build that site): never a 500, never a half-done deletion."""

import pytest

from profilehost.services import pages, tokens
from support import post_form

# Divides by the number of talks: fine with one, a Liquid error with none.
LISTING = (b"---\ntitle: Talks\npermalink: /talks/\n---\n"
           b"{% assign n = site.talks | size %}Share: {{ 100 | divided_by: n }}%\n")
TALK = b"---\ntitle: Keynote on looms\ndate: 2024-05-01\n---\nText.\n"


@pytest.fixture
def talk(logged_in):
    talk = pages.publish_upload(logged_in.user, TALK, "_talks/2024-05-01-keynote.md", collection="talks").page
    pages.publish_upload(logged_in.user, LISTING, "_pages/talks.md")
    return talk


def test_the_dashboard_says_why_and_keeps_the_page(logged_in, talk):
    response = post_form(logged_in, f"/dashboard/pages/{talk.id}/delete", {}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "divided_by: can&#39;t divide by 0" in html or "divided_by: can't divide by 0" in html
    assert logged_in.get(f"/alice{talk.permalink}").status_code == 200


def test_the_api_answers_422_naming_the_page_and_keeps_it(logged_in, talk, client):
    secret = tokens.create_token(logged_in.user, "CI")[1]
    response = client.delete(f"/api/v1/pages{talk.permalink.rstrip('/')}",
                             headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422 and "divide by 0" in response.json["message"]
    assert client.get(f"/alice{talk.permalink}").status_code == 200
