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
