"""Review of the dead-link notices: they name only the tenant's own links, stay few however many links lead
nowhere, and say nothing about another tenant's site."""

from __future__ import annotations

from factories import page_source, store_file
from profilehost.services import pages


def _dead(notices) -> list[str]:
    return [notice for notice in notices if "leads nowhere" in notice or notice.startswith("More links")]


def test_notices_name_only_the_tenants_own_links(app, make_user):
    with app.app_context():
        alice, bob = make_user("alice"), make_user("bob")
        store_file(bob, "secret.pdf")
        pages.publish_upload(bob, page_source(permalink="/hidden/"), "hidden.md")
        body = "[a](/bob/files/secret.pdf) [b](/bob/hidden/) [c](/bob/files/nothing.pdf) [d](/files/secret.pdf)"
        rendered = pages.render_page(alice, page_source(body=body), "page.md")
        dead = _dead(rendered.notices)
        # '/bob/...' in alice's page is an address inside alice's site ('/alice/bob/...'): the notice is about her
        # site, and reads the same whether bob has such a file or page or not.
        assert [notice.split(":")[0] for notice in dead] == [
            "The link to /bob/files/secret.pdf leads nowhere", "The link to /bob/hidden/ leads nowhere",
            "The link to /bob/files/nothing.pdf leads nowhere", "The link to /files/secret.pdf leads nowhere"]
        assert dead[0].replace("secret", "nothing") == dead[2]


def test_many_dead_links_give_a_bounded_number_of_notices(app, make_user):
    with app.app_context():
        alice = make_user("alice")
        body = " ".join(f"[x](/files/missing-{number}.pdf) [y](/nowhere-{number}/)" for number in range(3000))
        dead = _dead(pages.render_page(alice, page_source(body=body), "page.md").notices)
        assert len(dead) == 11 and dead[-1].startswith("More links")


def test_a_notice_carries_markup_as_text_only(app, make_user, client):
    with app.app_context():
        alice = make_user("alice")
        body = '<a href="/files/%3Cimg%20src=x%20onerror=alert(1)%3E.pdf">x</a>'
        dead = _dead(pages.render_page(alice, page_source(body=body), "page.md").notices)
        # The notice quotes the decoded path; it is plain text (flashed messages are escaped by Jinja).
        assert dead and "<img src=x onerror=alert(1)>.pdf" in dead[0]
