"""No lost data under concurrency: gunicorn with 4 workers on the suite's database (PostgreSQL in CI), 20 clients
saving the same page from the same base revision at the same moment."""

from __future__ import annotations

import re
import threading
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest

from factories import page_source, publish
from profilehost.extensions import db
from profilehost.services import pages
from support import PASSWORD, NoRedirect

CLIENTS = 20
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@pytest.fixture
def gunicorn(start_gunicorn):
    return start_gunicorn()


def _token(html: str) -> str:
    match = TOKEN.search(html)
    return next(group for group in match.groups() if group)


def _read(opener, url: str) -> str:
    with opener.open(url, timeout=30) as response:
        return response.read().decode()


def _logged_in_editor(base: str, page_id: int):
    opener = build_opener(HTTPCookieProcessor(CookieJar()), NoRedirect)
    token = _token(_read(opener, base + "/login"))
    assert _save(opener, base + "/login", {"csrf_token": token, "username": "alice", "password": PASSWORD}) == 302
    return opener, _token(_read(opener, f"{base}/dashboard/pages/{page_id}/edit"))


def _save(opener, url: str, data: dict) -> int:
    try:
        with opener.open(url, urlencode(data).encode(), timeout=60) as response:
            return response.status
    except HTTPError as answer:
        answer.close()
        return answer.code


def _race(base: str, page_id: int, editors: list, base_revision: int) -> list[int]:
    """Every editor saves at the same instant from `base_revision`; returns the HTTP statuses."""
    barrier = threading.Barrier(len(editors))
    statuses: list[int] = []

    def save(index: int, opener, token: str) -> None:
        data = {"csrf_token": token, "base_revision": str(base_revision), "publish": "1",
                "source": page_source("Shared", "/shared/", f"Edit {index} from {base_revision}.").decode()}
        barrier.wait()
        statuses.append(_save(opener, f"{base}/dashboard/pages/{page_id}/edit", data))

    threads = [threading.Thread(target=save, args=(i, *editor)) for i, editor in enumerate(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_one_save_wins_per_base_revision_and_none_is_lost(make_user, gunicorn):
    alice = make_user("alice")
    page = publish(alice, page_source("Shared", "/shared/", "Version 1.")).page
    editors = [_logged_in_editor(gunicorn, page.id) for _ in range(CLIENTS)]
    accepted = 0
    for base_revision in (1, 2):
        statuses = _race(gunicorn, page.id, editors, base_revision)
        assert sorted(statuses) == [302] + [409] * (CLIENTS - 1), statuses
        accepted += statuses.count(302)
    db.session.expire_all()
    revisions = pages.revisions_of(pages.find_page(alice, "/shared/"))
    assert len(revisions) == 1 + accepted
    assert [revision.number for revision in revisions] == [3, 2, 1]
