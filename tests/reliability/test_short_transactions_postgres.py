"""On PostgreSQL with a short `idle_in_transaction_session_timeout`, as production databases set it: changes whose
rendering takes longer than that still succeed, because no transaction is open while they render. (Rendering is
made slow by a pause in it, standing for a big listing or a slow machine; the pages are read back through an app
without the timeout.)"""

from __future__ import annotations

import time

import pytest

from factories import page_source, publish
from profilehost.extensions import db
from profilehost.models import User
from profilehost.services import pages, site_build, site_files
from support import log_in, post_form

IDLE_TIMEOUT_MS = 1000
SLOW_RENDERING_S = 2.5 * IDLE_TIMEOUT_MS / 1000


@pytest.fixture
def strict_server(make_app, app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's idle_in_transaction_session_timeout (set PROFILEHOST_TEST_DATABASE_URL)")
    options = f"-c idle_in_transaction_session_timeout={IDLE_TIMEOUT_MS}"
    return make_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": options}})


@pytest.fixture
def slow_dependents(monkeypatch):
    real = site_build.publish_source

    def slow(*args, **kwargs):
        time.sleep(SLOW_RENDERING_S)
        return real(*args, **kwargs)

    monkeypatch.setattr(site_build, "publish_source", slow)


def test_a_data_file_whose_pages_render_slowly_is_saved_under_an_idle_transaction_timeout(
        strict_server, client, make_user, slow_dependents):
    alice = make_user("alice")
    site_files.save_site_file(alice, "_data/cv.yml", b"name: Old name\n")
    publish(alice, page_source("CV", "/cv/", "Name: {{ site.data.cv.name }}."))
    owner = strict_server.test_client()
    log_in(owner, "alice")
    response = post_form(owner, "/dashboard/site-files/_data/cv.yml/edit", {"text": "name: New name\n",
                                                                             "base_version": "1"})
    assert response.status_code == 302
    assert "Name: New name." in client.get("/alice/cv/").get_data(as_text=True)


def test_an_item_whose_listing_renders_slowly_is_published_under_an_idle_transaction_timeout(
        strict_server, client, make_user, slow_dependents):
    alice = make_user("alice")
    publish(alice, page_source("Publications", "/publications/",
                               "{% for paper in site.publications %}Listed: {{ paper.title }}. {% endfor %}"))
    alice_id = alice.id  # read here: inside the other app's context this session would use that app's engine
    with strict_server.app_context():
        pages.publish_upload(db.session.get(User, alice_id), page_source("Paper", "/publications/paper/"),
                             "_publications/paper.md", collection="publications")
    assert "Listed: Paper." in client.get("/alice/publications/").get_data(as_text=True)
