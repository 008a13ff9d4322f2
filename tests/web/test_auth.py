from profilehost.models import User
from support import PASSWORD, csrf_token_from, log_in, post_form


def register(client, username="alice", email="alice@example.org", password=PASSWORD, confirm=None):
    return post_form(client, "/register", {"username": username, "email": email, "password": password,
                                           "confirm": confirm or password})


def test_registration_creates_the_account_and_logs_in(client):
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/"
    assert "/alice/" in client.get("/dashboard/").get_data(as_text=True)
    assert User.query.filter_by(username="alice").one().email == "alice@example.org"


def test_registration_errors_are_shown_next_to_the_field(client, make_user):
    make_user("alice")
    response = register(client, username="Alice", email="someone.else@example.org")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="username-error"' in page and "taken" in page
    assert User.query.count() == 1


def test_registration_with_a_reserved_name_is_refused(client):
    page = register(client, username="admin").get_data(as_text=True)
    assert "reserved" in page
    assert User.query.count() == 0


def test_registration_with_mismatched_passwords_is_refused(client):
    page = register(client, confirm="something else entirely").get_data(as_text=True)
    assert "The two passwords differ." in page
    assert User.query.count() == 0


def test_login_and_logout(client, make_user):
    make_user("alice")
    response = log_in(client, "alice")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    logout = post_form(client, "/logout", {}, form_url="/dashboard/")
    assert logout.status_code == 302
    assert client.get("/dashboard/").status_code == 302


def test_login_with_a_wrong_password_is_refused(client, make_user):
    make_user("alice")
    response = log_in(client, "alice", "wrong password!")
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert client.get("/dashboard/").status_code == 302


def test_sixth_failed_login_in_a_minute_is_throttled(client, make_user):
    make_user("alice")
    statuses = [log_in(client, "alice", f"wrong password {n}").status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]
    assert "Too many" in log_in(client, "alice").get_data(as_text=True)


def test_failed_logins_for_a_username_elsewhere_do_not_lock_it_out_here(make_client, make_user):
    make_user("alice")
    for n in range(6):
        log_in(make_client(), "alice", f"wrong {n}")
    other_address = make_client()
    page = other_address.get("/login").get_data(as_text=True)
    response = other_address.post("/login", data={"csrf_token": csrf_token_from(page), "username": "alice",
                                                  "password": PASSWORD},
                                  environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 302


def test_successful_logins_are_not_throttled(client, make_user):
    make_user("alice")
    for _ in range(7):
        assert log_in(client, "alice").status_code == 302
        post_form(client, "/logout", {}, form_url="/dashboard/")


def test_post_without_csrf_token_is_refused(client, make_user):
    make_user("alice")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/dashboard/").status_code == 302


def test_register_without_csrf_token_is_refused(client):
    response = client.post("/register", data={"username": "alice", "email": "a@example.org",
                                              "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    assert User.query.count() == 0


def test_next_goes_to_a_local_path(client, make_user):
    make_user("alice")
    response = post_form(client, "/login?next=/dashboard/account", {"username": "alice", "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard/account"


def test_next_to_another_site_is_ignored(client, make_user):
    make_user("alice")
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]:
        response = post_form(client, f"/login?next={target}", {"username": "alice", "password": PASSWORD})
        assert response.headers["Location"] == "/dashboard/", target
        post_form(client, "/logout", {}, form_url="/dashboard/")


def test_dashboard_needs_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_session_cookie_is_httponly_and_lax(client, make_user):
    make_user("alice")
    response = log_in(client, "alice")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_under_https(make_app, make_user):
    make_user("alice")
    client = make_app(HTTPS=True).test_client()
    response = log_in(client, "alice")
    assert "Secure" in response.headers["Set-Cookie"]


def test_password_change_ends_other_sessions(make_client, make_user):
    make_user("alice")
    laptop, phone = make_client(), make_client()
    log_in(laptop, "alice")
    log_in(phone, "alice")
    response = post_form(laptop, "/dashboard/account", {"current_password": PASSWORD,
                                                        "new_password": "a brand new password",
                                                        "confirm": "a brand new password"})
    assert response.status_code == 302
    assert laptop.get("/dashboard/").status_code == 200
    assert phone.get("/dashboard/").status_code == 302
    assert log_in(make_client(), "alice", "a brand new password").status_code == 302


def test_password_change_needs_the_current_password(logged_in):
    page = post_form(logged_in, "/dashboard/account", {"current_password": "not my password",
                                                       "new_password": "a brand new password",
                                                       "confirm": "a brand new password"}).get_data(as_text=True)
    assert "The current password is not correct." in page


def test_the_registration_limit_says_what_it_is(client):
    for n in range(10):
        register(client, username=f"user{n}", email=f"user{n}@example.org")
        client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/dashboard/account").text)})
    refused = register(client, username="one-more", email="more@example.org")
    assert refused.status_code == 429
    assert ("Several accounts were registered from your network in a short time. The limit is 10 an hour; "
            "try again in an hour.") in refused.text
