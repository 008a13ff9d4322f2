import pytest
from werkzeug.exceptions import BadRequest, Conflict, Gone, NotFound, ServiceUnavailable

from factories import publish_site
from profilehost.errors import PAGES
from profilehost.services.errors import Refusal
from support import PASSWORD, log_in, post_form


def test_unknown_path_gets_the_404_page(client):
    response = client.get("/no/such/page/here")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_server_errors_get_the_500_page_in_the_house_look(make_app):
    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/__boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/__boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "boom" not in page


def test_home_page_answers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Create your profile" in response.get_data(as_text=True)


def test_a_405_says_which_methods_are_allowed(client):
    response = client.delete("/login")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    api = client.open("/api/v1/pages", method="TRACE")
    assert api.status_code == 405 and "GET" in api.headers["Allow"] and api.is_json


@pytest.mark.parametrize("stock", [NotFound, Conflict, BadRequest, Gone, ServiceUnavailable])
def test_werkzeugs_own_descriptions_are_never_shown(make_app, stock):
    app = make_app()

    @app.get("/__stock")
    def stock_error():
        raise stock()

    page = app.test_client().get("/__stock").get_data(as_text=True)
    assert stock.description not in page and PAGES[stock.code][1] in page


def test_a_refusal_nobody_caught_is_answered_with_its_message(make_app):
    app = make_app()

    @app.get("/__refused")
    @app.get("/api/v1/__refused")
    def refused():
        raise Refusal("The name 'x' is taken. Choose another.")

    html = app.test_client().get("/__refused")
    api = app.test_client().get("/api/v1/__refused")
    assert html.status_code == 422 and "The name &#39;x&#39; is taken. Choose another." in html.get_data(as_text=True)
    assert api.status_code == 422 and api.json["message"] == "The name 'x' is taken. Choose another."


def test_the_report_forms_hourly_limit_says_to_come_back_in_an_hour(make_user, client):
    publish_site(make_user("alice"))
    for _ in range(5):
        post_form(client, "/report", {"url": "/alice/", "category": "spam"})
    refused = post_form(client, "/report", {"url": "/alice/", "category": "spam"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "You have sent several reports" in page
    assert "try again in an hour" in page and "minute" not in page
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3601


def test_the_login_limit_says_which_limit_was_reached(make_user, client):
    make_user("alice")
    for n in range(5):
        log_in(client, "alice", f"wrong password {n}")
    refused = log_in(client, "alice", "wrong password 6")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Too many failed logins for this username from your network" in page and "try again in" in page
    assert 1 <= int(refused.headers["Retry-After"]) <= 61


def test_a_form_sent_with_an_expired_page_says_to_reload_it(make_user, client):
    make_user("alice")
    refused = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert refused.status_code == 400 and "Reload the page" in refused.get_data(as_text=True)
