import pytest
from sqlalchemy import func, select

from factories import page_source, publish, publish_site
from profilehost.extensions import db
from profilehost.models import Page, Redirect, Revision
from profilehost.publishing import PublishError
from profilehost.services import pages
from profilehost.services.pages import EditConflict


def revision_count() -> int:
    return db.session.scalar(select(func.count(Revision.id)))


def test_publishing_creates_a_page_with_its_first_revision(make_user):
    alice = make_user("alice")
    outcome = publish(alice, page_source("Hello", "/hello/"))
    assert outcome.created and outcome.revision.number == 1
    page = pages.find_page(alice, "/hello/")
    assert page.title == "Hello" and page.current_revision == 1
    revision = pages.current_revision(page)
    assert revision.source == page_source("Hello", "/hello/")
    assert len(revision.content_hash) == 64 and revision.author_id == alice.id
    assert "Some text." in revision.body_html


def test_publishing_again_adds_a_revision_and_keeps_the_old_one(make_user):
    alice = make_user("alice")
    publish(alice, page_source("One", "/p/"))
    outcome = publish(alice, page_source("Two", "/p/"))
    assert outcome.revision.number == 2
    assert [r.title for r in pages.revisions_of(outcome.page)] == ["Two", "One"]


def test_publishing_the_same_bytes_is_a_no_op_with_a_notice(make_user):
    alice = make_user("alice")
    publish(alice, page_source())
    outcome = publish(alice, page_source())
    assert outcome.unchanged and "identical" in outcome.notices[0]
    assert revision_count() == 1


def test_restore_makes_a_new_revision_from_the_old_source(make_user):
    alice = make_user("alice")
    first = publish(alice, page_source("First", "/p/"))
    publish(alice, page_source("Second", "/p/"))
    outcome = pages.restore_revision(alice, first.page, 1)
    assert outcome.revision.number == 3
    assert outcome.revision.source == page_source("First", "/p/")
    assert [r.number for r in pages.revisions_of(first.page)] == [3, 2, 1]


def test_redirect_from_paths_are_stored_for_the_tenant(make_user):
    alice = make_user("alice")
    publish_site(alice)
    paths = set(db.session.scalars(select(Redirect.path).where(Redirect.user_id == alice.id)))
    assert paths == {"/about/", "/about.html"}


def test_a_redirect_claimed_by_another_page_is_refused_naming_that_page(make_user):
    alice = make_user("alice")
    publish(alice, page_source("Home", "/", redirect_from="[/old/]"))
    with pytest.raises(PublishError) as refused:
        publish(alice, page_source("Other", "/other/", redirect_from="[/old/]"))
    assert "Home" in refused.value.message and "/old/" in refused.value.message
    assert pages.find_page(alice, "/other/") is None


def test_a_redirect_onto_another_pages_address_is_refused(make_user):
    alice = make_user("alice")
    publish(alice, page_source("Talks", "/talks/"))
    with pytest.raises(PublishError, match="Talks"):
        publish(alice, page_source("Home", "/", redirect_from="[/talks/]"))


def test_a_refused_source_changes_nothing(make_user):
    alice = make_user("alice")
    publish(alice, page_source("Kept", "/p/"))
    with pytest.raises(PublishError):
        publish(alice, b"---\ntitle: [unclosed\n---\nbody\n")
    assert revision_count() == 1 and pages.find_page(alice, "/p/").title == "Kept"


def test_a_failure_after_rendering_leaves_no_trace(make_user, monkeypatch):
    alice = make_user("alice")
    publish(alice, page_source("Kept", "/p/", redirect_from="[/old/]"))

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pages, "_replace_redirects", explode)
    with pytest.raises(RuntimeError):
        publish(alice, page_source("Lost", "/p/", redirect_from="[/older/]"))
    db.session.expire_all()
    page = pages.find_page(alice, "/p/")
    assert page.title == "Kept" and page.current_revision == 1 and revision_count() == 1
    assert set(db.session.scalars(select(Redirect.path))) == {"/old/"}


def test_an_edit_from_a_stale_revision_is_a_conflict(make_user):
    alice = make_user("alice")
    page = publish(alice, page_source("One", "/p/")).page
    publish(alice, page_source("Two", "/p/"))
    with pytest.raises(EditConflict) as conflict:
        pages.save_edit(alice, page_source("Mine", "/p/"), page, base_revision=1)
    assert conflict.value.current.number == 2
    assert revision_count() == 2


def test_deleted_pages_can_be_restored(make_user):
    alice = make_user("alice")
    page = publish(alice, page_source()).page
    pages.delete_page(alice, page)
    assert pages.list_pages(alice) == [] and pages.recently_deleted(alice) == [page]
    pages.undelete_page(alice, page)
    assert pages.list_pages(alice) == [page]


def test_tenants_have_separate_namespaces(make_user):
    alice, bob = make_user("alice"), make_user("bob")
    publish(alice, page_source("Alice's", "/p/"))
    publish(bob, page_source("Bob's", "/p/"))
    assert pages.find_page(alice, "/p/").title == "Alice's"
    assert pages.find_page(bob, "/p/").title == "Bob's"
    assert pages.owned_page(bob, pages.find_page(alice, "/p/").id) is None
    assert db.session.scalar(select(func.count(Page.id))) == 2


def test_a_page_edited_without_a_permalink_stays_where_it_is_whatever_the_file_name(make_user):
    # An imported talk lives where Jekyll put it (/talks/2024-keynote/), not where its file name would.
    alice = make_user("alice")
    pages.put_page(alice, b"First.\n", "2024-03-01-keynote.md", "/talks/2024-keynote/")
    outcome = pages.put_page(alice, b"Second.\n", "2024-03-01-keynote.md", "/talks/2024-keynote/")
    assert outcome.page.permalink == "/talks/2024-keynote/" and outcome.revision.number == 2
    moved = b"---\npermalink: /elsewhere/\n---\nThird.\n"
    with pytest.raises(PublishError, match="changed from /talks/2024-keynote/ to /elsewhere/"):
        pages.put_page(alice, moved, "2024-03-01-keynote.md", "/talks/2024-keynote/")


def replaced_notices(outcome) -> list[str]:
    return [notice for notice in outcome.notices if "replaced your page" in notice]


def test_an_upload_from_another_file_at_a_pages_address_says_which_page_it_replaced(make_user):
    alice = make_user("alice")
    publish(alice, page_source("CV", "/cv/"), "cv.md")
    outcome = publish(alice, page_source("CV, new", "/cv/", "Other text."), "cv2.md")
    assert outcome.revision.number == 2  # nothing is lost: revision 1 stays in the page's history
    [said] = replaced_notices(outcome)
    assert said.startswith("cv2.md replaced your page 'CV' (from cv.md) at /cv/")
    assert "History" in said and "Restore revision 1" in said
    # The page's own file again (in any folder), the editor, a PUT to the page's address: the page itself, meant.
    again = publish(alice, page_source("CV", "/cv/", "Three."), "_pages/cv2.md")
    assert replaced_notices(again) == []
    edited = pages.save_edit(alice, page_source("CV", "/cv/", "Four."), again.page, base_revision=3)
    assert replaced_notices(edited) == []
    assert replaced_notices(pages.put_page(alice, page_source("CV", "/cv/", "Five."), "cv.md", "/cv/")) == []
