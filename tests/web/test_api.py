import pytest

from factories import PNG, page_source, publish
from profilehost.services import tokens
from support import PASSWORD, post_form


@pytest.fixture
def token(make_user):
    return tokens.create_token(make_user("alice"), "CI")[1]


def auth(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_put_publishes_and_lists(client, token):
    response = client.put("/api/v1/pages/talks", data=page_source("Talks", "/talks/"), headers=auth(token))
    assert response.status_code == 201 and response.json["page"]["url"] == "/alice/talks/"
    again = client.put("/api/v1/pages/talks", data=page_source("Talks", "/talks/", "New."), headers=auth(token))
    assert again.status_code == 200 and again.json["page"]["revision"] == 2
    listed = client.get("/api/v1/pages", headers=auth(token)).json["pages"]
    assert [(p["permalink"], p["revision"]) for p in listed] == [("/talks/", 2)]
    assert "New." in client.get("/alice/talks/").get_data(as_text=True)


def test_post_publishes_wherever_the_front_matter_says(client, token):
    response = client.post("/api/v1/pages?filename=about.md", data=page_source("Home", "/"), headers=auth(token))
    assert response.status_code == 201 and response.json["page"]["permalink"] == "/"


def test_post_at_another_files_address_says_which_page_it_replaced(client, token):
    client.post("/api/v1/pages?filename=cv.md", data=page_source("CV", "/cv/"), headers=auth(token))
    response = client.post("/api/v1/pages?filename=cv2.md", data=page_source("CV", "/cv/", "New."),
                           headers=auth(token))
    assert response.status_code == 200
    assert any(notice.startswith("cv2.md replaced your page 'CV' (from cv.md) at /cv/")
               for notice in response.json["notices"])


def test_errors_are_json_with_the_pipelines_message(client, token):
    response = client.put("/api/v1/pages/x", data=b"---\ntitle: [oops\n---\n", headers=auth(token))
    assert response.status_code == 422 and "line" in response.json["message"]
    mismatch = client.put("/api/v1/pages/x", data=page_source("Y", "/y/"), headers=auth(token))
    assert mismatch.status_code == 422 and "/y/" in mismatch.json["message"]


def test_delete_and_files(client, token):
    client.put("/api/v1/pages/x", data=page_source("X", "/x/"), headers=auth(token))
    assert client.delete("/api/v1/pages/x", headers=auth(token)).status_code == 204
    assert client.get("/alice/x/").status_code == 404
    assert client.delete("/api/v1/pages/x", headers=auth(token)).status_code == 404
    stored = client.put("/api/v1/files/me.png", data=PNG, headers=auth(token))
    assert stored.status_code == 201 and client.get("/alice/images/me.png").data == PNG
    refused = client.put("/api/v1/files/x.svg", data=b"<svg/>", headers=auth(token))
    assert refused.status_code == 422 and "SVG" in refused.json["message"]


@pytest.mark.parametrize("header", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                                    {"Authorization": "Bearer ph_forged"}])
def test_a_missing_or_bad_token_is_401(client, token, header):
    response = client.get("/api/v1/pages", headers=header)
    assert response.status_code == 401 and response.json["error"] == "Unauthorized"


def test_revocation_is_effective_at_once(client, make_user, logged_in):
    secret = tokens.create_token(logged_in.user, "laptop")[1]
    assert client.get("/api/v1/pages", headers=auth(secret)).status_code == 200
    token_id = tokens.list_tokens(logged_in.user)[0].id
    post_form(logged_in, f"/dashboard/tokens/{token_id}/revoke", {}, form_url="/dashboard/tokens")
    assert client.get("/api/v1/pages", headers=auth(secret)).status_code == 401


def test_another_tenants_token_touches_nothing_of_this_tenant(client, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    publish(alice, page_source("Alice", "/p/"))
    bobs = tokens.create_token(bob, "bob")[1]
    assert client.get("/api/v1/pages", headers=auth(bobs)).json["pages"] == []
    client.put("/api/v1/pages/p", data=page_source("Bob", "/p/"), headers=auth(bobs))
    assert "Alice" in client.get("/alice/p/").get_data(as_text=True)
    assert client.delete("/api/v1/pages/p", headers=auth(bobs)).status_code == 204
    assert client.get("/alice/p/").status_code == 200


def test_tokens_screen_shows_a_new_token_once(logged_in):
    html = post_form(logged_in, "/dashboard/tokens", {"name": "GitHub Actions", "password": PASSWORD}
                     ).get_data(as_text=True)
    assert 'value="ph_' in html
    assert 'value="ph_' not in logged_in.get("/dashboard/tokens").get_data(as_text=True)


def test_a_suspended_tenants_token_stops_working(client, make_user):
    from profilehost.services import moderation

    alice = make_user("alice")
    secret = tokens.create_token(alice, "ci")[1]
    moderation.suspend_account(None, alice, "spam")
    assert client.get("/api/v1/pages", headers=auth(secret)).status_code == 401


def test_the_openapi_document_is_served(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.") and "/pages/{permalink}" in document["paths"]


def test_a_page_without_a_permalink_goes_where_the_url_says(client, token):
    response = client.put("/api/v1/pages/talks/2024-keynote", data=b"# Keynote\n", headers=auth(token))
    assert response.status_code == 201 and response.json["page"]["permalink"] == "/talks/2024-keynote/"
    assert "Keynote" in client.get("/alice/talks/2024-keynote/").get_data(as_text=True)


def test_index_is_the_home_page_and_the_bare_collection_is_not_a_page(client, token):
    home = client.put("/api/v1/pages/index", data=b"Welcome.\n", headers=auth(token))
    assert home.status_code == 201 and home.json["page"]["permalink"] == "/"
    bare = client.put("/api/v1/pages", data=b"Welcome.\n", headers=auth(token))
    assert bare.status_code == 405 and set(bare.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_allow_lists_only_the_apis_methods(client, token):
    # /api/... must never also match a tenant's public page (whose GET would then be offered).
    response = client.open("/api/v1/pages/talks", method="OPTIONS", headers=auth(token))
    assert set(response.headers["Allow"].split(", ")) == {"DELETE", "OPTIONS", "PUT"}
    refused = client.get("/api/v1/files/cv.pdf", headers=auth(token))
    assert refused.status_code == 405 and refused.json["error"] and "GET" not in refused.headers["Allow"]


def test_a_file_name_with_control_characters_is_refused_with_a_message(client, token):
    response = client.post("/api/v1/pages?filename=a%00b.md", data=page_source("T", "/t/"), headers=auth(token))
    assert response.status_code == 422 and "control characters" in response.json["message"]
    assert client.get("/api/v1/pages", headers=auth(token)).json["pages"] == []
