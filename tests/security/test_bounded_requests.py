"""Requests that could hold a worker are bounded in work and size: a page's redirects cost a constant number of
queries, a diff compares and shows a bounded part of two revisions, and the costly routes are rate limited per
account with a 429 that says what the limit is and when to try again."""

from __future__ import annotations

from contextlib import contextmanager
from html import unescape

from sqlalchemy import event

from factories import page_source, publish
from profilehost.extensions import db
from profilehost.models import Redirect
from profilehost.publishing import budget
from profilehost.services import pages
from profilehost.services.uploads import MAX_DIFF_LINE_CHARS, MAX_DIFF_ROWS
from support import post_form

# 78 KB each: lines that repeat often, but too rarely for difflib's junk heuristic, in orders that share only
# short runs. difflib took 135 s of CPU for one such diff.
OLD_78_KB = "\n".join(f"{line % 150:03d}" for line in range(19_500))
NEW_78_KB = "\n".join(f"{-line % 150:03d}" for line in range(19_500))


@contextmanager
def counted_statements(app):
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def with_redirects(title: str, permalink: str, paths: list[str]) -> str:
    listed = "".join(f"\n  - {path}" for path in paths)
    return f"---\ntitle: {title}\npermalink: {permalink}\nredirect_from:{listed}\n---\nText.\n"


def publish_in_editor(client, source: str):
    return post_form(client, "/dashboard/pages/new", {"source": source, "publish": "1"})


def test_publishing_a_page_costs_the_same_queries_for_3_or_90_redirect_paths(logged_in, server):
    publish(logged_in.user, page_source("Gone", "/gone/").replace(b"title:", b"redirect_from: /old-0/\ntitle:"))
    counts = []
    for number, size in enumerate((3, 90)):
        paths = [f"/old-{number}-{index}/" for index in range(size)]
        with counted_statements(server) as statements:
            response = publish_in_editor(logged_in, with_redirects(f"P{number}", f"/p{number}/", paths))
        assert response.status_code == 302
        counts.append(len(statements))
    assert counts[0] == counts[1]
    db.session.expire_all()
    assert db.session.query(Redirect).count() == 1 + 3 + 90


def test_a_redirect_held_by_a_deleted_page_is_taken_over_and_one_held_by_a_live_page_is_refused(logged_in):
    gone = publish(logged_in.user, with_redirects("Gone", "/gone/", ["/shared/"]).encode()).page
    publish(logged_in.user, with_redirects("Live", "/live/", ["/taken/"]).encode())
    pages.delete_page(logged_in.user, gone)
    assert publish_in_editor(logged_in, with_redirects("New", "/new/", ["/shared/", "/fresh/"])).status_code == 302
    refused = publish_in_editor(logged_in, with_redirects("Other", "/other/", ["/taken/"]))
    assert refused.status_code == 422
    said = unescape(refused.get_data(as_text=True))
    assert "redirect_from: /taken/ already redirects to your page 'Live' (/live/)" in said
    db.session.expire_all()
    holders = {redirect.path: redirect.page.permalink for redirect in db.session.query(Redirect)}
    assert holders == {"/shared/": "/new/", "/fresh/": "/new/", "/taken/": "/live/"}


def two_revisions(tenant, old_body: str, new_body: str):
    page = publish(tenant, page_source("Long", "/long/", old_body)).page
    publish(tenant, page_source("Long", "/long/", new_body))
    return page


def diff_rows(html: str) -> int:
    return html.count('<span class="diff-')


def test_a_diff_of_two_78_kb_revisions_that_defeat_difflib_stays_within_a_cpu_budget(logged_in):
    page = two_revisions(logged_in.user, OLD_78_KB, NEW_78_KB)
    with budget.cpu_budget(10):  # raises OutOfTime in the test if the diff holds the worker
        response = logged_in.get(f"/dashboard/pages/{page.id}/diff?from=1&to=2")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Only part of the differences is shown." in html
    assert "differ in too many places to compare them line by line" in html
    assert diff_rows(html) <= MAX_DIFF_ROWS


def test_a_diff_shows_a_bounded_number_of_rows_and_characters_and_links_both_versions_whole(logged_in):
    old = "\n\n".join(f"old {number} " + "o" * 400 for number in range(1100))
    new = "\n\n".join(f"new {number} " + "n" * 400 for number in range(1100))
    page = two_revisions(logged_in.user, old, new)
    html = logged_in.get(f"/dashboard/pages/{page.id}/diff?from=1&to=2").get_data(as_text=True)
    assert diff_rows(html) <= MAX_DIFF_ROWS
    assert f"Only the first {MAX_DIFF_ROWS:,} lines of the differences are shown." in html
    assert f"Lines longer than {MAX_DIFF_LINE_CHARS} characters are cut short" in html
    assert len(html) < MAX_DIFF_ROWS * (MAX_DIFF_LINE_CHARS + 100)
    for number in (1, 2):
        assert f'href="/dashboard/pages/{page.id}/revisions/{number}"' in html
        source = logged_in.get(f"/dashboard/pages/{page.id}/revisions/{number}/source")
        assert source.status_code == 200 and "attachment" in source.headers["Content-Disposition"]
        assert source.data == pages.revision_of(page, number).source


def test_a_small_diff_is_whole_and_says_nothing_about_clipping(logged_in):
    page = two_revisions(logged_in.user, "Alpha.\n\nShared.", "Beta.\n\nShared.")
    html = logged_in.get(f"/dashboard/pages/{page.id}/diff?from=1&to=2").get_data(as_text=True)
    assert "-Alpha." in html and "+Beta." in html and " Shared." in html
    assert "Only part of the differences" not in html


def test_the_conflict_view_of_a_large_edit_is_bounded_and_links_the_live_revision(logged_in):
    page = two_revisions(logged_in.user, OLD_78_KB, NEW_78_KB)
    mine = page_source("Long", "/long/", OLD_78_KB).decode()
    with budget.cpu_budget(30):  # the publish renders nothing: the conflict is found first
        response = post_form(logged_in, f"/dashboard/pages/{page.id}/edit",
                             {"source": mine, "base_revision": "1", "publish": "1"},
                             form_url=f"/dashboard/pages/{page.id}/edit")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Only part of the differences is shown." in html and diff_rows(html) <= MAX_DIFF_ROWS
    assert f'href="/dashboard/pages/{page.id}/revisions/2"' in html
