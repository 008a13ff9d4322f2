"""Queries per request stay flat as a tenant's site grows: no N+1 anywhere on the hot paths."""


import pytest

from factories import page_source, publish
from profilehost.public.tenant_heads import TenantHeads
from profilehost.services import pages as page_service
from support import counted_statements, log_in


def site_with(tenant, count: int) -> None:
    publish(tenant, page_source("Home", "/", nav_order=1, author_profile="true"))
    for number in range(count):
        publish(tenant, page_source(f"Page {number}", f"/p{number}/", nav_order=number + 2))


@pytest.mark.parametrize("pages", [2, 20])
def test_a_first_page_view_costs_the_same_whatever_the_number_of_pages(make_app, make_user, pages):
    site_with(make_user("alice"), pages)
    server = make_app()
    with counted_statements(server) as statements:
        assert server.test_client().get("/alice/").status_code == 200
    assert len(statements) <= 6, statements


def test_a_cached_page_view_is_one_lookup_and_nothing_else(make_app, make_user, monkeypatch):
    site_with(make_user("alice"), 5)
    server = make_app()
    client = server.test_client()
    client.get("/alice/")
    lookups = []
    original = TenantHeads.__call__
    monkeypatch.setattr(TenantHeads, "__call__", lambda self, name: lookups.append(name) or original(self, name))
    with counted_statements(server) as statements:
        assert client.get("/alice/").status_code == 200
    assert statements == [] and lookups == ["alice"]


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/?q=page&status=notices&page=2",
                                 "/dashboard/menu", "/dashboard/files", "/admin/accounts", "/alice/sitemap.xml",
                                 "/sitemap.xml"])
def test_listing_screens_do_not_grow_with_the_data(make_app, make_user, url):
    make_user("boss", admin=True)
    alice = make_user("alice")
    counts = []
    for pages in (2, 12):
        site_with(alice, pages)
        server = make_app()
        client = server.test_client()
        log_in(client, "boss" if url.startswith("/admin") else "alice")
        with counted_statements(server) as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_dashboard_of_a_site_with_collections_does_not_grow_with_it(make_app, make_user):
    alice = make_user("alice")
    counts = []
    for items in (2, 40):
        site_with(alice, items)
        for number in range(items):
            source = f"---\ntitle: Talk {number}\n---\nText.\n".encode()
            page_service.publish_upload(alice, source, f"_talks/t{number}.md", collection="talks")
        server = make_app()
        client = server.test_client()
        log_in(client, "alice")
        with counted_statements(server) as statements:
            assert client.get("/dashboard/?group=talks&page=2").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_an_entrys_page_costs_the_same_whatever_the_number_of_pages(make_app, make_user):
    from profilehost.services import bibliography

    alice = make_user("alice")
    publish(alice, page_source("Publications", "/publications/", "{% bibliography %}", nav_order=2))
    bibliography.save_bibliography(alice, b"@article{a1, title={Engines}, author={Lovelace, Ada}, year={2021}}")
    counts = []
    for pages in (2, 12):
        site_with(alice, pages)
        server = make_app()
        with counted_statements(server) as statements:
            assert server.test_client().get("/alice/publication/a1/").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 6, counts  # 6 before it linked back to the list and marked the menu


@pytest.mark.parametrize("path", ["/alice/publication/a1/", "/alice/publication/a1.bib", "/alice/publications.bib"])
def test_a_bibliography_answer_seen_before_is_one_lookup_until_the_bibliography_changes(make_app, make_user, path):
    from profilehost.services import bibliography

    alice = make_user("alice")
    bibliography.save_bibliography(alice, b"@article{a1, title={Engines}, author={Lovelace, Ada}, year={2021}}")
    server = make_app()
    client = server.test_client()
    first = client.get(path)
    with counted_statements(server) as statements:
        again = client.get(path)
    assert statements == [] and again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers.get("Content-Disposition") == first.headers.get("Content-Disposition")
    bibliography.save_bibliography(alice, b"@article{a1, title={Looms}, author={Lovelace, Ada}, year={2021}}")
    assert b"Looms" in client.get(path).data


def test_an_items_page_costs_the_same_whatever_the_number_of_pages(make_app, make_user):
    alice = make_user("alice")
    loop = "{% for post in site.talks %}{% include archive-single.html %}{% endfor %}"
    publish(alice, page_source("Talks", "/talks/", loop, nav_order=2), "talks.md")
    page_service.publish_upload(alice, b"---\ntitle: A talk\npermalink: /talks/t/\n---\nText.\n", "_talks/t.md",
                                collection="talks")
    counts = []
    for pages in (2, 12):
        site_with(alice, pages)
        server = make_app()
        with counted_statements(server) as statements:
            assert server.test_client().get("/alice/talks/t/").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 6, counts  # 6 before it linked back to the list and marked the menu
