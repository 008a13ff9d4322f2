"""What the public answers must not tell: an ETag shows only what the page shows, and /report answers the same
for every name that is not a public site."""

from __future__ import annotations

import re

import pytest

from factories import page_source, publish
from profilehost.services import moderation, pages
from support import post_form


@pytest.fixture
def alice(make_user):
    user = make_user("alice")
    publish(user, page_source("Home", "/", "Welcome."))
    return user


def test_saving_a_draft_leaves_the_public_etag_of_every_page_unchanged(client, alice):
    etag = client.get("/alice/").headers["ETag"]
    publish(alice, page_source("Work in progress", "/wip/", "Not yet.", published="false"))
    response = client.get("/alice/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["ETag"] == etag


def test_the_public_etag_names_the_content_not_a_revision_counter(client, alice, make_user):
    first = client.get("/alice/").headers["ETag"]
    bob = make_user("bob")
    for number in range(3):
        publish(bob, page_source("Bob", "/", f"Version {number}."))
    home = pages.find_page(alice, "/")
    publish(alice, page_source("Home", "/", "Changed."))
    assert client.get("/alice/").headers["ETag"] != first
    # Back to the first content: a new revision (with a new id), the same page as at first, the same ETag.
    pages.restore_revision(alice, home, 1)
    assert client.get("/alice/").headers["ETag"] == first


def _report_answer(client, username: str):
    response = post_form(client, "/report", {"url": f"/{username}/", "category": "spam"})
    html = re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True)).replace(username, "NAME")
    return response.status_code, html


@pytest.mark.parametrize("state", ["pending", "suspended", "deleted"])
def test_a_report_about_a_name_that_is_not_a_public_site_is_answered_as_for_a_name_nobody_has(
        make_user, make_client, state):
    hidden = make_user("carol", state="pending" if state == "pending" else "active")
    if state == "suspended":
        moderation.suspend_account(None, hidden, "Spam.")
    if state == "deleted":
        moderation.delete_account(None, hidden, "Asked to.")
    nobody = _report_answer(make_client(), "dave")
    assert nobody[0] == 422
    assert _report_answer(make_client(), "carol") == nobody
