"""Atom feeds as jekyll-feed publishes them (/<username>/feed.xml for posts, /<username>/feed/<collection>.xml),
read by a real feed reader (feedparser): valid, complete, absolute, dated by the latest revision, cached like
pages, and answered like the tenant's pages when the account is not public."""

from datetime import UTC

import feedparser
import pytest
from site_archive import CONFIG, build_zip, site_with

from profilehost.extensions import db
from profilehost.models import AccountState, Page, Revision
from profilehost.services import bibliography, moderation, pages, site_files, site_import

ROOT = "http://localhost"


def post(tenant, name: str, day: str, body: str = "Some text.", **front) -> str:
    lines = "".join(f"{key}: {value}\n" for key, value in front.items())
    source = f"---\ntitle: \"Post {name}\"\ndate: {day}\n{lines}---\n\n{body}\n"
    outcome = pages.publish_upload(tenant, source.encode(), f"_posts/{day}-{name}.md", collection="posts")
    return outcome.page.permalink


def read_feed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


def latest_revision_time(tenant):
    return db.session.scalar(db.select(db.func.max(Revision.created_at)).join(Page).where(
        Page.user_id == tenant.id, Page.collection == "posts"))


def test_the_posts_feed_holds_every_post_newest_first_with_full_content_and_absolute_links(make_user, client):
    alice = make_user("alice")
    first = post(alice, "first", "2024-01-02", "An [older note](/notes/) and ![a chart](/images/chart.png).")
    second = post(alice, "second", "2024-03-04", "Read **this** [paper](/files/paper.pdf).", tags="[ml, \"graphs\"]")

    _, feed = read_feed(client, "/alice/feed.xml")

    assert feed.version == "atom10" and feed.feed.generator_detail.href == f"{ROOT}/"
    assert [entry.title for entry in feed.entries] == ["Post second", "Post first"]
    assert [entry.link for entry in feed.entries] == [f"{ROOT}/alice{second}", f"{ROOT}/alice{first}"]
    assert feed.feed.link == f"{ROOT}/alice/"
    assert any(link.rel == "self" and link.href == f"{ROOT}/alice/feed.xml" for link in feed.feed.links)
    newest = feed.entries[0]
    assert newest.published.startswith("2024-03-04")
    assert [tag.term for tag in newest.tags] == ["ml", "graphs"]
    content = newest.content[0]
    assert content.type == "text/html"
    # The stored body, its site-relative links resolved against the entry's own address.
    assert f'<a href="{ROOT}/alice/files/paper.pdf">paper</a>' in content.value
    assert "<strong>this</strong>" in content.value
    older = feed.entries[1].content[0].value
    assert f'href="{ROOT}/alice/notes/"' in older and f'src="{ROOT}/alice/images/chart.png"' in older


def test_updated_is_the_time_of_the_latest_revision_of_a_post(make_user, client):
    alice = make_user("alice")
    post(alice, "first", "2024-01-02")
    post(alice, "second", "2024-03-04")
    post(alice, "first", "2024-01-02", "Corrected text.")  # a new revision of the older post

    response, feed = read_feed(client, "/alice/feed.xml")

    latest = latest_revision_time(alice).astimezone(UTC).replace(microsecond=0)
    assert feed.feed.updated == latest.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert response.last_modified >= latest
    edited = next(entry for entry in feed.entries if entry.title == "Post first")
    assert edited.updated == feed.feed.updated and "Corrected text." in edited.content[0].value


def test_a_site_without_posts_has_an_empty_feed_as_jekyll_feed_writes_one(make_user, client):
    make_user("alice")
    _, feed = read_feed(client, "/alice/feed.xml")
    assert feed.entries == [] and feed.feed.updated


HOSTILE_TITLE = '"Quotes" & <b>tags</b> ]]> </title></entry><entry><title>forged'


def test_text_that_could_break_the_xml_arrives_as_text(make_user, client):
    alice = make_user("alice")
    # Characters XML 1.0 cannot hold even escaped: YAML refuses them in front matter, a body may carry them.
    source = (f"---\ntitle: '{HOSTILE_TITLE}'\ndate: 2024-01-02\n---\n\n"
              "Body ]]> with <script>alert(1)</script>\u000b\u0001\ufffe and a <!-- comment --> & more.\n")
    pages.publish_upload(alice, source.encode(), "_posts/2024-01-02-x.md", collection="posts")

    _, feed = read_feed(client, "/alice/feed.xml")

    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.title == HOSTILE_TITLE
    assert "<script" not in entry.content[0].value and "]]&gt;" in entry.content[0].value


def test_a_feed_is_cached_and_revalidated_like_a_page(make_user, client):
    alice = make_user("alice")
    post(alice, "first", "2024-01-02")
    first = client.get("/alice/feed.xml")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Cache-Control"].startswith("public, max-age=0, s-maxage=")

    assert client.get("/alice/feed.xml", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get("/alice/feed.xml",
                      headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    again = client.get("/alice/feed.xml")  # from the page cache now: the same bytes and validators
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]

    post(alice, "second", "2024-03-04")
    changed = client.get("/alice/feed.xml", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and b"Post second" in changed.data


def test_every_page_of_the_site_links_its_feed_in_the_head(make_user, client):
    alice = make_user("alice")
    pages.publish_upload(alice, b"---\ntitle: Home\npermalink: /\n---\n\nHello.\n", "index.md")
    link = f'<link rel="alternate" type="application/atom+xml" href="{ROOT}/alice/feed.xml" title="alice Feed">'
    assert link in client.get("/alice/").get_data(as_text=True)
    missing = client.get("/alice/no-such-page/")
    assert missing.status_code == 404 and link in missing.get_data(as_text=True)


def test_the_configs_atom_feed_path_moves_the_feed_and_hide_takes_the_link_out(make_user, client):
    alice = make_user("alice")
    pages.publish_upload(alice, b"---\ntitle: Home\npermalink: /\n---\n\nHello.\n", "index.md")
    post(alice, "first", "2024-01-02")
    site_files.save_site_file(alice, "_config.yml", b"title: Ada's notes\natom_feed:\n  path: /atom.xml\n")

    _, feed = read_feed(client, "/alice/atom.xml")
    assert feed.feed.title == "Ada's notes" and len(feed.entries) == 1
    assert any(link.rel == "self" and link.href == f"{ROOT}/alice/atom.xml" for link in feed.feed.links)
    home = client.get("/alice/").get_data(as_text=True)
    assert f'href="{ROOT}/alice/atom.xml" title="Ada&#39;s notes Feed"' in home

    site_files.save_site_file(alice, "_config.yml", b"atom_feed:\n  hide: true\n")
    assert "application/atom+xml" not in client.get("/alice/").get_data(as_text=True)
    # Hidden as minimal-mistakes hides it: no link in the pages; jekyll-feed still writes the feed.
    assert len(read_feed(client, "/alice/feed.xml")[1].entries) == 1


def test_an_external_atom_feed_address_is_linked_as_it_is(make_user, client):
    alice = make_user("alice")
    pages.publish_upload(alice, b"---\ntitle: Home\npermalink: /\n---\n\nHello.\n", "index.md")
    site_files.save_site_file(alice, "_config.yml", b"atom_feed:\n  path: https://feeds.example.org/ada\n")
    assert 'href="https://feeds.example.org/ada"' in client.get("/alice/").get_data(as_text=True)


def test_jekyll_feeds_own_path_and_posts_limit_are_followed(make_user, client):
    alice = make_user("alice")
    for number in range(1, 5):
        post(alice, f"p{number}", f"2024-01-0{number}")
    site_files.save_site_file(alice, "_config.yml", b"feed:\n  path: blog/atom.xml\n  posts_limit: 2\n")
    _, feed = read_feed(client, "/alice/blog/atom.xml")
    assert [entry.title for entry in feed.entries] == ["Post p4", "Post p3"]
    assert client.get("/alice/feed.xml").status_code == 404


def test_each_collection_has_its_own_feed(make_user, client):
    alice = make_user("alice")
    source = b"---\ntitle: Notes on engines\ndate: 2024-05-06\nvenue: Journal of Examples\n---\n\nAbstract.\n"
    outcome = pages.publish_upload(alice, source, "_publications/notes.md", collection="publications")
    post(alice, "first", "2024-01-02")

    _, feed = read_feed(client, "/alice/feed/publications.xml")

    assert feed.feed.title == "alice | Publications"
    assert [entry.link for entry in feed.entries] == [f"{ROOT}/alice{outcome.page.permalink}"]
    assert "Abstract." in feed.entries[0].content[0].value
    assert client.get("/alice/feed/talks.xml").status_code == 404


@pytest.mark.parametrize("path", ["/alice/feed.xml", "/alice/feed/posts.xml"])
def test_a_suspended_tenants_feed_answers_as_their_pages_do(make_user, client, path):
    alice = make_user("alice")
    post(alice, "first", "2024-01-02")
    assert client.get(path).status_code == 200
    moderation.suspend_account(None, alice, "spam")
    response = client.get(path)
    assert response.status_code == 410 and b"Post first" not in response.data


def test_a_pending_tenants_feed_is_not_found_like_their_pages(make_user, client):
    alice = make_user("alice", state=AccountState.PENDING)
    post(alice, "first", "2024-01-02")
    assert client.get("/alice/feed.xml").status_code == 404


def test_a_draft_and_a_post_an_admin_unpublished_leave_the_feed(make_user, client):
    alice = make_user("alice")
    kept = post(alice, "first", "2024-01-02")
    post(alice, "second", "2024-01-03", published="false")
    taken_down = post(alice, "third", "2024-01-04")
    assert len(read_feed(client, "/alice/feed.xml")[1].entries) == 2

    moderation.unpublish_page(None, pages.find_page(alice, taken_down), "copied text")

    _, feed = read_feed(client, "/alice/feed.xml")
    assert [entry.link for entry in feed.entries] == [f"{ROOT}/alice{kept}"]


def test_a_head_request_and_a_query_string_answer_as_the_feed_does(make_user, client):
    alice = make_user("alice")
    post(alice, "first", "2024-01-02")
    full = client.get("/alice/feed.xml")
    head = client.head("/alice/feed.xml")
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == full.headers["ETag"]
    assert client.get("/alice/feed.xml?utm_source=reader").data == full.data


def test_an_imported_sites_config_decides_its_feed_and_its_language(make_user, client):
    alice = make_user("alice")
    config = CONFIG + 'locale: "de-DE"\natom_feed:\n  path: "/atom.xml"\n'
    report = site_import.import_site(alice, build_zip(site_with({"_config.yml": config})), "ada-site-main.zip",
                                     quota=100 * 1024 * 1024)
    assert not report.errors, report.errors

    response, feed = read_feed(client, "/alice/atom.xml")
    assert feed.feed.title == "Ada Example" and feed.feed.language == "de-DE"
    assert [entry.title for entry in feed.entries] == ["A first blog post"]
    assert feed.entries[0].link == f"{ROOT}/alice/posts/2020/08/blog-post-1/"
    home = client.get("/alice/").get_data(as_text=True)
    assert '<html lang="de-DE" dir="ltr">' in home and f'href="{ROOT}/alice/atom.xml"' in home


BIB = rb"""@article{lovelace1843notes,
  title = {Notes on the Analytical Engine},
  author = {Lovelace, Ada},
  journal = {Scientific Memoirs},
  year = {1843},
  abstract = {Translator's notes \& <b>more</b>.}
}

@misc{babbage2020,
  title = {A Newer Preprint},
  author = {Babbage, Charles},
  year = {2020},
  eprint = {2001.00001},
  archiveprefix = {arXiv}
}
"""


def test_the_publications_feed_holds_the_bibliographys_entries_beside_the_sites_own_items(make_user, client):
    alice = make_user("alice")
    source = b"---\ntitle: Notes on engines\ndate: 1900-05-06\nvenue: Journal of Examples\n---\n\nAbstract.\n"
    pages.publish_upload(alice, source, "_publications/engines.md", collection="publications")
    assert len(read_feed(client, "/alice/feed/publications.xml")[1].entries) == 1  # cached now
    bibliography.save_bibliography(alice, BIB, source_name="zotero.bib")
    saved_at = bibliography.current_version(alice).created_at

    _, feed = read_feed(client, "/alice/feed/publications.xml")

    assert [entry.title for entry in feed.entries] == ["A Newer Preprint", "Notes on engines",
                                                       "Notes on the Analytical Engine"]
    notes = feed.entries[2]
    assert notes.link == f"{ROOT}/alice/publication/lovelace1843notes/"
    assert notes.updated == saved_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "Scientific Memoirs" in notes.content[0].value
    assert notes.summary == "Translator's notes & <b>more</b>."  # text, not markup
    assert client.get(notes.link.removeprefix(ROOT)).status_code == 200
