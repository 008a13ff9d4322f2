"""Requests that race: gunicorn with 4 workers on the suite's database, several browsers sending at the same
moment. Each gets the answer a person expects (the refusal a sequential request would get, or the same success),
never a 500, and the database holds what the rules allow: one account per name and per email in any letter case,
one file per name, never more files than the quota."""

from __future__ import annotations

import re
import threading
import uuid
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from sqlalchemy import func, select

from profilehost.extensions import db
from profilehost.models import AccountState, Asset, User
from profilehost.services import moderation
from support import PASSWORD, NoRedirect, log_in, post_form

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
MIB = 1024 * 1024


def browser():
    return build_opener(HTTPCookieProcessor(CookieJar()), NoRedirect)


def token_of(opener, url: str) -> str:
    with opener.open(url, timeout=30) as response:
        match = TOKEN.search(response.read().decode())
    return next(group for group in match.groups() if group)


def send(opener, request: Request) -> int:
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except HTTPError as answer:
        answer.close()
        return answer.code


def form_request(url: str, fields: dict) -> Request:
    return Request(url, urlencode(fields).encode())


def upload_request(url: str, token: str, files: list[tuple[str, bytes]]) -> Request:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode()]
    for name, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                     "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return Request(url, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def at_once(opener_requests: list[tuple]) -> list[int]:
    """Sends every (opener, request) at the same instant; the HTTP statuses, sorted."""
    barrier = threading.Barrier(len(opener_requests))
    statuses: list[int] = []

    def go(opener, request: Request) -> None:
        barrier.wait()
        statuses.append(send(opener, request))

    threads = [threading.Thread(target=go, args=pair) for pair in opener_requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def registration(base: str, username: str, email: str) -> tuple:
    opener = browser()
    fields = {"csrf_token": token_of(opener, base + "/register"), "username": username, "email": email,
              "password": PASSWORD, "confirm": PASSWORD}
    return opener, form_request(base + "/register", fields)


def logged_in_uploader(base: str, username: str):
    opener = browser()
    login = {"csrf_token": token_of(opener, base + "/login"), "username": username, "password": PASSWORD}
    assert send(opener, form_request(base + "/login", login)) == 302
    return opener, token_of(opener, base + "/dashboard/files")


def png(size: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(size - 8)


def account_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User))


def stored_assets(tenant: User) -> list[Asset]:
    db.session.expire_all()
    return list(db.session.scalars(select(Asset).where(Asset.user_id == tenant.id)))


def test_one_username_registered_twice_at_once_in_two_cases_makes_one_account_and_a_409(app, start_gunicorn):
    base = start_gunicorn()
    for round_number in range(3):
        name = f"alice{round_number}"
        statuses = at_once([registration(base, name.capitalize(), f"first{round_number}@example.org"),
                            registration(base, name, f"second{round_number}@example.org")])
        assert statuses == [302, 409]
    assert account_count() == 3


def test_one_email_registered_twice_at_once_in_two_cases_makes_one_account_and_a_409(app, start_gunicorn):
    base = start_gunicorn()
    for round_number in range(3):
        statuses = at_once([registration(base, f"carol{round_number}", f"Carol{round_number}@Example.org"),
                            registration(base, f"dave{round_number}", f"carol{round_number}@example.org")])
        assert statuses == [302, 409]
    assert account_count() == 3
    assert db.session.scalars(select(User.email).order_by(User.email)).all() == [
        f"carol{n}@example.org" for n in range(3)]


def test_a_registration_submitted_twice_at_once_makes_one_account_and_logs_in_both_times(app, start_gunicorn):
    base = start_gunicorn()
    for round_number in range(3):
        name = f"erin{round_number}"
        statuses = at_once([registration(base, name, f"{name}@example.org") for _ in range(2)])
        assert statuses == [302, 302]
    assert account_count() == 3


def test_racing_uploads_never_store_more_than_the_quota(app, make_user, start_gunicorn):
    alice = make_user("alice")
    base = start_gunicorn(ASSET_QUOTA_MB="1")
    uploaders = [logged_in_uploader(base, "alice") for _ in range(4)]
    for round_number in range(3):
        statuses = at_once([(opener, upload_request(f"{base}/dashboard/files", token,
                                                    [(f"round{round_number}-{index}.png", png(4 * MIB // 10))]))
                            for index, (opener, token) in enumerate(uploaders)])
        assert statuses == [302, 302, 422, 422]
        assert sum(asset.size for asset in stored_assets(alice)) <= MIB
        for asset in stored_assets(alice):
            db.session.delete(asset)
        db.session.commit()


def test_one_file_name_uploaded_four_times_at_once_is_stored_once_and_every_upload_succeeds(
        app, make_user, start_gunicorn):
    alice = make_user("alice")
    base = start_gunicorn()
    uploaders = [logged_in_uploader(base, "alice") for _ in range(4)]
    for round_number in range(3):
        statuses = at_once([(opener, upload_request(f"{base}/dashboard/files", token,
                                                    [(f"cv{round_number}.png", png(1000 + index))]))
                            for index, (opener, token) in enumerate(uploaders)])
        assert statuses == [302] * 4
    assert sorted(asset.name for asset in stored_assets(alice)) == ["cv0.png", "cv1.png", "cv2.png"]


def test_two_admins_removing_each_other_at_once_leave_one_active(make_app, make_user, monkeypatch):
    """Both requests reach the last-active-admin check together; one waits for the other's commit and is refused."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) are PostgreSQL's; SQLite lets one writer in at a time")
    make_user("ann", admin=True)
    make_user("bea", admin=True)
    together = threading.Barrier(2, timeout=10)
    check = moderation.refuse_losing_the_last_active_admin

    def at_the_same_moment(user):
        together.wait()
        check(user)

    monkeypatch.setattr(moderation, "refuse_losing_the_last_active_admin", at_the_same_moment)
    app = make_app()
    clients = {name: app.test_client() for name in ("ann", "bea")}
    for name, client in clients.items():
        log_in(client, name)
    answers = {}

    def suspend(actor: str, target: str) -> None:
        answers[actor] = post_form(clients[actor], f"/admin/accounts/{target}/suspend", {"reason": "at once"},
                                   form_url=f"/admin/accounts/{target}").status_code

    threads = [threading.Thread(target=suspend, args=pair) for pair in (("ann", "bea"), ("bea", "ann"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    states = dict(db.session.execute(select(User.username, User.state)).all())
    assert AccountState.ACTIVE in states.values(), (answers, states)
