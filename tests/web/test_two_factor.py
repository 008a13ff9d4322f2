"""Two-factor sign-in over HTTP: enrolment in Account (with the password, the secret kept on the server), the second
step of the login, recovery codes, turning it off, the budgets of tries per account (also for tries sent at the same
moment to a real server), and admins who must use it."""

import os
import re
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pyotp
import pytest

from profilehost.extensions import db
from profilehost.models import RecoveryCode, User
from profilehost.services import two_factor
from support import PASSWORD, NoRedirect, csrf_token_from, free_port, log_in, post_form

SECRET_SHOWN = re.compile(r"<code data-two-factor-secret>([A-Z2-7 ]+)</code>")
RECOVERY_CODE_SHOWN = re.compile(r"<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code></li>")


def code_at(secret: str, steps_from_now: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * steps_from_now))


def enrol(client) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on as a user would: read the secret off the page, answer with the app's code."""
    page = client.get("/dashboard/account/two-factor").get_data(as_text=True)
    secret = SECRET_SHOWN.search(page).group(1).replace(" ", "")
    response = client.post("/dashboard/account/two-factor",
                           data={"csrf_token": csrf_token_from(page), "code": code_at(secret), "password": PASSWORD})
    assert response.status_code == 200
    return secret, RECOVERY_CODE_SHOWN.findall(response.get_data(as_text=True))


def account(username: str = "alice") -> User:
    """The account as the database holds it now (the requests ran in their own sessions)."""
    db.session.expire_all()
    return User.query.filter_by(username=username).one()


def second_step(client, code: str):
    return post_form(client, "/login/two-factor", {"code": code})


@pytest.fixture
def enrolled(logged_in, make_client):
    """alice with two-factor sign-in on (her secret and recovery codes), and a new browser that is not logged in."""
    secret, codes = enrol(logged_in)
    return secret, codes, make_client()


def test_the_account_page_offers_two_factor_sign_in(logged_in):
    page = logged_in.get("/dashboard/account").get_data(as_text=True)
    assert "Two-factor sign-in" in page and 'href="/dashboard/account/two-factor"' in page


def test_enrolment_shows_a_qr_code_and_the_secret_and_keeps_them_on_reload(logged_in):
    first = logged_in.get("/dashboard/account/two-factor").get_data(as_text=True)
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" alt="QR code', first)
    assert SECRET_SHOWN.search(first).group(1) == SECRET_SHOWN.search(
        logged_in.get("/dashboard/account/two-factor").get_data(as_text=True)).group(1)


def test_enrolment_with_the_apps_code_shows_ten_recovery_codes_once(logged_in):
    secret, codes = enrol(logged_in)
    assert len(set(codes)) == 10
    alice = account()
    assert alice.totp_secret == secret
    assert RecoveryCode.query.filter_by(user_id=alice.id).count() == 10
    settings = logged_in.get("/dashboard/account").get_data(as_text=True)
    assert "Recovery codes left: 10 of 10" in settings and not set(codes) & set(RECOVERY_CODE_SHOWN.findall(settings))
    assert logged_in.get("/dashboard/account/two-factor").status_code == 302  # on already: nothing to set up


def test_enrolment_with_a_wrong_code_is_refused_and_changes_nothing(logged_in):
    page = logged_in.get("/dashboard/account/two-factor").get_data(as_text=True)
    response = logged_in.post("/dashboard/account/two-factor", data={"csrf_token": csrf_token_from(page),
                                                                     "code": "000000", "password": PASSWORD})
    assert response.status_code == 422 and "does not match" in response.get_data(as_text=True)
    assert account().totp_secret is None


def enrolment_form(client, *, password: str | None, code: str | None = None):
    """The setup page's form sent with `password` (None: left out) and the code of the secret it showed."""
    page = client.get("/dashboard/account/two-factor").get_data(as_text=True)
    secret = SECRET_SHOWN.search(page).group(1).replace(" ", "")
    data = {"csrf_token": csrf_token_from(page), "code": code or code_at(secret)}
    if password is not None:
        data["password"] = password
    return client.post("/dashboard/account/two-factor", data=data)


PASSWORD_ERROR = re.compile(r'<p class="error" id="password-error">(?:<span class="visually-hidden">Error: </span>)?'
                            r'([^<]*)</p>')


@pytest.mark.parametrize("password", [None, "", "not the password"])
def test_a_session_alone_cannot_turn_it_on_without_the_password(logged_in, password):
    """Someone holding a stolen session would otherwise tie the account to their own app and lock the owner out."""
    response = enrolment_form(logged_in, password=password)
    assert response.status_code == 422
    error = PASSWORD_ERROR.search(response.get_data(as_text=True))
    assert error, "no error on the password field"
    assert account().totp_secret is None and RecoveryCode.query.count() == 0


def test_a_wrong_password_says_so_and_that_nothing_changed(logged_in):
    page = enrolment_form(logged_in, password="not the password").get_data(as_text=True)
    assert PASSWORD_ERROR.search(page).group(1) == ("The current password is not correct. "
                                                    "Two-factor sign-in is still off.")


def test_wrong_passwords_to_turn_it_on_spend_the_accounts_budget(logged_in):
    answers = [enrolment_form(logged_in, password="not the password").status_code for _ in range(11)]
    assert answers == [422] * 10 + [429]
    assert enrolment_form(logged_in, password=PASSWORD).status_code == 429
    assert account().totp_secret is None


def session_of(server, client) -> dict:
    """The client's session cookie as the app reads it (signed, not encrypted: anyone holding it can read it)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    return server.session_interface.get_signing_serializer(server).loads(cookie.value)


def test_the_session_cookie_does_not_hold_the_secret_being_set_up(server, logged_in):
    page = logged_in.get("/dashboard/account/two-factor").get_data(as_text=True)
    secret = SECRET_SHOWN.search(page).group(1).replace(" ", "")
    session = session_of(server, logged_in)
    assert session, "the session cookie was not read"
    assert secret not in repr(session) and secret not in logged_in.get_cookie("session").value
    assert account().totp_pending_secret == secret


def test_another_browser_of_the_account_gets_its_own_secret_and_voids_the_first(logged_in, make_client):
    first = logged_in.get("/dashboard/account/two-factor").get_data(as_text=True)
    other = make_client()
    log_in(other, "alice")
    second = other.get("/dashboard/account/two-factor").get_data(as_text=True)
    assert SECRET_SHOWN.search(first).group(1) != SECRET_SHOWN.search(second).group(1)
    secret = SECRET_SHOWN.search(first).group(1).replace(" ", "")
    response = logged_in.post("/dashboard/account/two-factor", data={
        "csrf_token": csrf_token_from(first), "code": code_at(secret), "password": PASSWORD})
    assert response.status_code == 422 and "replaced by a newer one" in response.get_data(as_text=True)
    assert account().totp_secret is None


def test_the_password_alone_does_not_log_in(enrolled):
    _secret, _codes, browser = enrolled
    response = log_in(browser, "alice")
    assert response.headers["Location"] == "/login/two-factor"
    assert browser.get("/dashboard/").headers["Location"].startswith("/login")


def test_sign_in_with_the_apps_code(enrolled):
    secret, _codes, browser = enrolled
    log_in(browser, "alice")
    response = second_step(browser, code_at(secret, 1))
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/"
    assert browser.get("/dashboard/").status_code == 200


def test_the_second_step_keeps_where_the_login_was_going(enrolled):
    secret, _codes, browser = enrolled
    post_form(browser, "/login?next=/dashboard/account", {"username": "alice", "password": PASSWORD})
    assert second_step(browser, code_at(secret, 1)).headers["Location"] == "/dashboard/account"


def test_a_wrong_code_is_refused_and_does_not_log_in(enrolled):
    _secret, _codes, browser = enrolled
    log_in(browser, "alice")
    response = second_step(browser, "123456")
    assert response.status_code == 401 and "not correct" in response.get_data(as_text=True)
    assert browser.get("/dashboard/").status_code == 302


def test_a_code_is_accepted_once(enrolled, make_client):
    secret, _codes, browser = enrolled
    code = code_at(secret, 1)
    log_in(browser, "alice")
    assert second_step(browser, code).status_code == 302
    replay = make_client()
    log_in(replay, "alice")
    assert second_step(replay, code).status_code == 401
    assert replay.get("/dashboard/").status_code == 302


def test_the_code_that_turned_it_on_cannot_sign_in(logged_in, make_client):
    page = logged_in.get("/dashboard/account/two-factor").get_data(as_text=True)
    secret = SECRET_SHOWN.search(page).group(1).replace(" ", "")
    code = code_at(secret)
    logged_in.post("/dashboard/account/two-factor", data={"csrf_token": csrf_token_from(page), "code": code,
                                                          "password": PASSWORD})
    browser = make_client()
    log_in(browser, "alice")
    assert second_step(browser, code).status_code == 401


def test_a_recovery_code_signs_in_once(enrolled, make_client):
    _secret, codes, browser = enrolled
    log_in(browser, "alice")
    response = second_step(browser, codes[0])
    assert response.status_code == 302
    assert "9 recovery code(s) left" in browser.get("/dashboard/").get_data(as_text=True)
    again = make_client()
    log_in(again, "alice")
    assert second_step(again, codes[0]).status_code == 401


def test_the_second_step_without_a_password_first_leads_to_the_login(client, make_user):
    make_user("alice")
    response = client.get("/login/two-factor")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_a_pending_sign_in_expires(enrolled):
    secret, _codes, browser = enrolled
    log_in(browser, "alice")
    with browser.session_transaction() as session:
        pending = session["two_factor_pending"]
        session["two_factor_pending"] = {**pending, "at": pending["at"] - 301}
    page = browser.get("/login/two-factor")
    assert page.status_code == 302 and page.headers["Location"] == "/login"


def test_a_password_change_voids_a_pending_sign_in(enrolled, app):
    secret, _codes, browser = enrolled
    log_in(browser, "alice")
    alice = account()
    from profilehost.services import accounts

    accounts.reset_password(alice, "another long password")
    assert browser.get("/login/two-factor").headers["Location"] == "/login"


def test_wrong_codes_spend_the_logins_budget(enrolled):
    _secret, _codes, browser = enrolled
    for _ in range(3):
        assert log_in(browser, "alice", "wrong password!").status_code == 401
    log_in(browser, "alice")
    assert second_step(browser, "111111").status_code == 401
    assert second_step(browser, "222222").status_code == 401
    assert second_step(browser, "333333").status_code == 429


def test_wrong_codes_from_many_addresses_spend_the_accounts_own_budget(enrolled, make_client):
    """Only someone with the password reaches the second step: ten wrong codes an hour, from anywhere, are all an
    account allows."""
    _secret, _codes, _browser = enrolled
    answers = []
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        browser = make_client()
        browser.environ_base["REMOTE_ADDR"] = address
        log_in(browser, "alice")
        answers += [second_step(browser, "999999").status_code for _ in range(4)]
    assert answers == [401] * 10 + [429] * 2


def test_turning_it_off_needs_the_password_and_a_code(enrolled, logged_in):
    secret, _codes, _browser = enrolled
    form = "/dashboard/account/two-factor/off"
    assert post_form(logged_in, form, {"password": "wrong password!", "code": code_at(secret, 1)}).status_code == 422
    assert post_form(logged_in, form, {"password": PASSWORD, "code": "000000"}).status_code == 422
    assert account().totp_secret is not None
    response = post_form(logged_in, form, {"password": PASSWORD, "code": code_at(secret, 1)})
    assert response.status_code == 302
    alice = account()
    assert alice.totp_secret is None and RecoveryCode.query.filter_by(user_id=alice.id).count() == 0


def test_wrong_codes_to_turn_it_off_spend_the_same_budget(enrolled, logged_in):
    answers = [post_form(logged_in, "/dashboard/account/two-factor/off", {"password": PASSWORD, "code": "999999"})
               .status_code for _ in range(11)]
    assert answers == [422] * 10 + [429]
    assert account().totp_secret is not None


def test_tries_in_account_do_not_spend_the_sign_ins_budget(enrolled, logged_in):
    """A session left open can spend the budget of the Account forms, not the owner's way in."""
    secret, _codes, browser = enrolled
    for _ in range(11):
        post_form(logged_in, "/dashboard/account/two-factor/off", {"password": "a guess", "code": "999999"})
    log_in(browser, "alice")
    assert second_step(browser, code_at(secret, 1)).status_code == 302


@pytest.fixture
def strict_server(make_app):
    """A server where admins must use two-factor sign-in."""
    return make_app(ADMIN_REQUIRE_2FA=True)


def test_an_admin_without_two_factor_is_sent_to_enrol_at_login(strict_server, make_user):
    make_user("boss", admin=True)
    browser = strict_server.test_client()
    assert log_in(browser, "boss").headers["Location"] == "/dashboard/account/two-factor"


def test_no_admin_page_opens_before_the_admin_enrols(strict_server, make_user):
    make_user("boss", admin=True)
    browser = strict_server.test_client()
    log_in(browser, "boss")
    for path in ("/admin/", "/admin/accounts", "/admin/audit"):
        response = browser.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/dashboard/account/two-factor"
    enrol(browser)
    assert browser.get("/admin/").status_code == 200


def test_researchers_choose_freely_where_admins_must_enrol(strict_server, make_user):
    make_user("alice")
    browser = strict_server.test_client()
    assert log_in(browser, "alice").headers["Location"] == "/dashboard/"
    assert browser.get("/admin/").status_code == 403


def test_the_setting_off_lets_admins_in_without_two_factor(make_app, make_user):
    make_user("boss", admin=True)
    browser = make_app(ADMIN_REQUIRE_2FA=False).test_client()
    log_in(browser, "boss")
    assert browser.get("/admin/").status_code == 200


def test_the_reset_lets_a_locked_out_user_in_with_the_password(enrolled, runner):
    _secret, _codes, browser = enrolled
    result = runner.invoke(args=["user", "reset-2fa", "alice"])
    assert result.exit_code == 0, result.output
    assert log_in(browser, "alice").headers["Location"] == "/dashboard/"
    assert not two_factor.is_enabled(account())


@pytest.mark.parametrize("admin", [True, False])
def test_the_masthead_links_administration_for_admins_only(make_client, make_user, admin):
    make_user("someone", admin=admin)
    browser = make_client()
    log_in(browser, "someone")
    page = browser.get("/dashboard/").get_data(as_text=True)
    assert ('<a href="/admin/">Administration</a>' in page) is admin


@pytest.fixture
def one_worker_server(app_settings, migrated_database, instance_path):
    """gunicorn with ONE worker of 40 threads, trusting one proxy (X-Forwarded-For names each client's address).
    The suite's rate limits are counted in the memory of a process (no Redis): with several workers each would hold
    a count of its own, so one process answers, its threads at the same time. Returns the base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROFILEHOST_")}
    env.update(PROFILEHOST_DATABASE_URL=migrated_database, PROFILEHOST_SECRET_KEY=app_settings["SECRET_KEY"],
               PROFILEHOST_INSTANCE_PATH=str(instance_path), PROFILEHOST_TRUST_PROXY="1")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "gthread", "--threads", "40",
         "--log-level", "warning", "wsgi:app"],
        cwd=Path(__file__).resolve().parents[2], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with build_opener().open(base + "/robots.txt", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def status_of(opener, request: Request) -> int:
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except HTTPError as answer:
        answer.close()
        return answer.code


def pending_sign_in(base: str) -> tuple[str, str]:
    """alice's password given over HTTP: the session cookie of the pending sign-in, and the second step's token."""
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(base + "/login", timeout=30) as page:
        token = CSRF_TOKEN.search(page.read().decode()).group(1)
    login = {"csrf_token": token, "username": "alice", "password": PASSWORD}
    assert status_of(opener, Request(base + "/login", urlencode(login).encode())) == 302
    with opener.open(base + "/login/two-factor", timeout=30) as page:
        token = CSRF_TOKEN.search(page.read().decode()).group(1)
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar), token


def test_wrong_codes_sent_at_the_same_moment_are_checked_ten_times_at_most(app, make_user, one_worker_server):
    """Thirty wrong codes for one account at once, each from an address of its own (so only the account's budget
    applies): ten are checked, the rest refused before their code is looked at. Counting after the check let about
    half of them through."""
    alice = make_user("alice")
    secret = two_factor.enrolment_secret(alice, None)
    two_factor.enable(alice, two_factor.enrolment_reference(secret), PASSWORD, code_at(secret))
    cookie, token = pending_sign_in(one_worker_server)
    right_now = {code_at(secret, steps) for steps in range(-1, 3)}
    wrong_codes = [code for code in (f"{n:06d}" for n in range(40)) if code not in right_now][:30]
    guesses = [Request(one_worker_server + "/login/two-factor", urlencode({"csrf_token": token, "code": code})
                       .encode(), {"Cookie": cookie, "X-Forwarded-For": f"198.51.100.{n + 1}"})
               for n, code in enumerate(wrong_codes)]
    barrier = threading.Barrier(len(guesses))
    statuses: list[int] = []

    def guess(request: Request) -> None:
        opener = build_opener(NoRedirect)
        barrier.wait()
        statuses.append(status_of(opener, request))

    threads = [threading.Thread(target=guess, args=(request,)) for request in guesses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 401: the code was checked, and is wrong; 429: refused before it was checked.
    assert sorted(statuses) == [401] * 10 + [429] * 20
