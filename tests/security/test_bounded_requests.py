"""Requests that could hold a worker are bounded in work and size: a page's redirects cost a constant number of
queries, a diff compares and shows a bounded part of two revisions, and the costly routes are rate limited per
account with a 429 that says what the limit is and when to try again."""

from __future__ import annotations

import io
import zipfile
from html import unescape

from factories import page_source, publish
from profilehost import limits
from profilehost.extensions import db
from profilehost.models import Redirect
from profilehost.publishing import budget
from profilehost.services import pages, tokens
from profilehost.services.uploads import MAX_DIFF_LINE_CHARS, MAX_DIFF_ROWS
from support import counted_statements, csrf_token_from, log_in, post_form

# 78 KB each: lines that repeat often, but too rarely for difflib's junk heuristic, in orders that share only
# short runs. difflib took 135 s of CPU for one such diff.
OLD_78_KB = "\n".join(f"{line % 150:03d}" for line in range(19_500))
NEW_78_KB = "\n".join(f"{-line % 150:03d}" for line in range(19_500))




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
    return html.count('<tr class="diff-')


def test_a_diff_of_two_78_kb_revisions_that_defeat_difflib_stays_within_a_cpu_budget(logged_in):
    page = two_revisions(logged_in.user, OLD_78_KB, NEW_78_KB)
    with budget.cpu_budget(5):  # raises OutOfTime in the test if the diff holds the worker
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
    assert "<del>Alpha</del>" in html and "<ins>Beta</ins>" in html and "<td>Shared.</td>" in html
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


def posts_with_token(client, url: str, count: int, data: dict | None = None, form_url: str = "/dashboard/"):
    token = csrf_token_from(client.get(form_url).get_data(as_text=True))
    return [client.post(url, data={"csrf_token": token, **(data or {})}) for _ in range(count)]


def per_minute(limit: str) -> int:
    return int(limit.split(" per minute")[0])


def test_publishing_is_limited_per_account_across_the_dashboard_and_the_api_with_a_429_that_says_when(
        logged_in, make_client, make_user):
    allowed = per_minute(limits.PUBLISH)
    assert {response.status_code for response in posts_with_token(logged_in, "/dashboard/upload", allowed)} == {302}
    refused = posts_with_token(logged_in, "/dashboard/upload", 1)[0]
    html = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert f"The limit is {allowed} a minute; try again in " in html and " seconds." in html
    secret = tokens.create_token(logged_in.user, "CI")[1]
    from_api = logged_in.put("/api/v1/pages/x", data=page_source("X", "/x/"),
                             headers={"Authorization": f"Bearer {secret}"})
    assert from_api.status_code == 429
    assert f"The limit is {allowed} a minute" in from_api.json["message"]
    other = make_client()
    make_user("bob")
    log_in(other, "bob")
    assert posts_with_token(other, "/dashboard/upload", 1)[0].status_code == 302


def test_previews_are_limited_per_account_in_the_editor_and_the_themed_preview(logged_in):
    allowed = per_minute(limits.PREVIEW)
    source = page_source("P", "/p/").decode()
    form = {"source": source, "preview": "1"}
    editor = posts_with_token(logged_in, "/dashboard/pages/new", allowed - 1, form, form_url="/dashboard/pages/new")
    assert {response.status_code for response in editor} == {200}
    themed = posts_with_token(logged_in, "/dashboard/pages/preview", 2, {"source": source},
                              form_url="/dashboard/pages/new")
    assert [response.status_code for response in themed] == [200, 429]
    assert f"The limit is {allowed} a minute" in unescape(themed[1].get_data(as_text=True))


def test_imports_are_limited_per_account(logged_in):
    allowed = int(limits.IMPORT.split(" per hour")[0])
    statuses = [response.status_code for response in posts_with_token(logged_in, "/dashboard/import", allowed + 1,
                                                                       form_url="/dashboard/import")]
    assert statuses == [422] * allowed + [429]


def test_diffs_are_limited_per_account(logged_in):
    page = two_revisions(logged_in.user, "Alpha.", "Beta.")
    allowed = per_minute(limits.DIFF)
    statuses = [logged_in.get(f"/dashboard/pages/{page.id}/diff?from=1&to=2").status_code
                for _ in range(allowed + 1)]
    assert statuses == [200] * allowed + [429]


def test_site_downloads_are_limited_per_account_each_answering_a_whole_zip(logged_in):
    allowed = int(limits.EXPORT.split(" per hour")[0])
    responses = [logged_in.get("/dashboard/export.zip") for _ in range(allowed + 1)]
    assert [response.status_code for response in responses] == [200] * allowed + [429]
    assert all(zipfile.ZipFile(io.BytesIO(response.data)).testzip() is None for response in responses[:allowed])
    assert "downloaded its site many times" in unescape(responses[-1].get_data(as_text=True))


def test_an_upload_of_more_files_than_allowed_at_once_is_refused_before_any_is_published(logged_in):
    files = [(io.BytesIO(page_source(f"P{n}", f"/p{n}/")), f"p{n}.md") for n in range(limits.MAX_UPLOAD_FILES + 1)]
    token = csrf_token_from(logged_in.get("/dashboard/").get_data(as_text=True))
    response = logged_in.post("/dashboard/upload", data={"csrf_token": token, "files": files},
                              content_type="multipart/form-data", follow_redirects=True)
    assert f"at most {limits.MAX_UPLOAD_FILES} can be uploaded at once" in response.get_data(as_text=True)
    assert pages.list_pages(logged_in.user) == []
