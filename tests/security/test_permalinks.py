"""One validation of a page's address, whatever path brings it: the API's URL, the front matter (web editor,
upload, CLI), an import's collection permalink templates and categories. An address that leaves the tenant's
site, carries a query, a fragment, quotes, whitespace or control characters, or is longer than the database
holds, is refused with a message naming the field; a template-built one is normalised as Jekyll does first."""

import io

import pytest
from site_archive import build_zip, site_with

from factories import page_source
from profilehost.models import Page, Redirect
from profilehost.services import tokens
from profilehost.services.site_import import import_site
from support import post_form

QUOTA = 100 * 1024 * 1024


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def token(alice):
    return tokens.create_token(alice, "CI")[1]


def api_put(client, token: str, path: str, source: bytes):
    return client.put(path, data=source, headers={"Authorization": f"Bearer {token}"})


def stored_addresses(app) -> set[str]:
    return ({page.permalink for page in Page.query.all()} | {redirect.path for redirect in Redirect.query.all()})


@pytest.mark.parametrize("url", ["/api/v1/pages/%2E%2E/%2E%2E/admin", "/api/v1/pages/x%3Fy%23z",
                                 "/api/v1/pages/say%22hi%22", "/api/v1/pages/tab%09bed", "/api/v1/pages/back%5Cslash",
                                 "/api/v1/pages/quote%27s", "/api/v1/pages/" + "a" * 600])
def test_the_api_refuses_a_page_address_that_is_not_a_plain_path(app, client, token, url):
    response = api_put(client, token, url, b"---\ntitle: Sneaky\n---\nText.\n")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "permalink" in response.json["message"]
    assert stored_addresses(app) == set()


@pytest.mark.parametrize("permalink", ['"/../../admin/"', '"/x?y#z/"', '"/say\\"hi\\"/"', '"/tab\\tbed/"',
                                       '"/a/./b/"', "/" + "a" * 600 + "/"])
def test_the_front_matter_refuses_the_same_addresses_in_the_web_upload(app, logged_in, permalink):
    source = f"---\ntitle: Sneaky\npermalink: {permalink}\n---\nText.\n".encode()
    response = upload(logged_in, source)
    assert response.status_code == 422 and "permalink" in response.get_data(as_text=True)
    assert stored_addresses(app) == set()


@pytest.mark.parametrize("permalink", ["/" + "a" * 600 + "/", "'/x?y#z/'", "/a/../../admin/"])
def test_the_web_editor_refuses_them_with_the_fields_name(app, logged_in, permalink):
    source = f"---\ntitle: Sneaky\npermalink: {permalink}\n---\nText.\n"
    response = post_form(logged_in, "/dashboard/pages/new", {"source": source})
    assert response.status_code == 422 and "field &#39;permalink&#39;" in response.get_data(as_text=True)
    assert stored_addresses(app) == set()


def upload(client, source: bytes, name: str = "page.md"):
    return post_form(client, "/dashboard/upload", {"files": (io.BytesIO(source), name)},
                     content_type="multipart/form-data")


@pytest.mark.parametrize("permalink", ["/" + "a" * 600 + "/", "/x/../y/", "'/x y/'"])
def test_the_cli_refuses_them_too_and_says_why(app, alice, runner, tmp_path, permalink):
    source = tmp_path / "x.md"
    source.write_bytes(f"---\ntitle: T\npermalink: {permalink}\n---\nText.\n".encode())
    result = runner.invoke(args=["page", "publish", "alice", str(source)])
    assert result.exit_code == 1 and "field 'permalink'" in result.output
    assert stored_addresses(app) == set()


def test_a_redirect_from_path_is_validated_as_a_permalink_is(app, client, token):
    source = page_source("Home", "/", redirect_from='["/ok/", "/../../bob/"]')
    response = api_put(client, token, "/api/v1/pages/index", source)
    assert response.status_code == 422 and "redirect_from" in response.json["message"]
    assert stored_addresses(app) == set()


@pytest.mark.parametrize("config", ["permalink: /../../:categories/:title/\n",
                                    "permalink: /:categories/:title/\n"])
def test_an_imported_post_cannot_leave_the_site_through_its_template_or_categories(app, alice, client, config):
    post = "---\ntitle: Trip\ncategories: [\"..\", \"..\", \"bob\"]\n---\nText.\n"
    files = site_with({"_config.yml": "title: Ada\n" + config, "_posts/2020-01-02-t.md": post})
    import_site(alice, build_zip(files), "site.zip", quota=QUOTA)
    addresses = stored_addresses(app)
    assert addresses and not any(".." in address for address in addresses)
    assert "/bob/t/" in addresses  # Jekyll's reading of '..': a path separator
    assert client.get("/alice/bob/t/").status_code == 200


@pytest.mark.parametrize("template", ["/../../:collection/:path/", "/:collection/../../../:path/"])
def test_an_imported_collection_template_is_normalised_as_jekyll_does(app, alice, template):
    config = f"title: Ada\ncollections:\n  talks:\n    output: true\n    permalink: {template}\n"
    files = site_with({"_config.yml": config, "_talks/2020-01-02-t.md": "---\ntitle: T\n---\nText.\n"})
    import_site(alice, build_zip(files), "site.zip", quota=QUOTA)
    addresses = stored_addresses(app)
    assert not any(".." in address for address in addresses)
    assert "/talks/2020-01-02-t/" in addresses


def test_an_imported_item_whose_name_gives_no_plain_address_is_reported_not_stored(app, alice):
    config = "title: Ada\ncollections:\n  talks:\n    output: true\n    permalink: /:collection/:path/\n"
    files = site_with({"_config.yml": config, "_talks/my talk?.md": "---\ntitle: T\n---\nText.\n"})
    report = import_site(alice, build_zip(files), "site.zip", quota=QUOTA)
    assert any(path == "_talks/my talk?.md" and "permalink" in message for path, message in report.errors)
    assert not any("my talk" in address for address in stored_addresses(app))
