"""A unit of work: the outermost commits what its block wrote, any error leaves nothing, inner units leave both to
it, and an import made of the services' own functions writes everything or nothing."""

import pytest
from site_archive import build_zip
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from factories import PDF, PNG
from profilehost.extensions import db
from profilehost.models import Asset, Page
from profilehost.services import assets, pages, profiles, site_import, site_versions
from profilehost.services.unit_of_work import UnitOfWorkError, in_unit_of_work, unit_of_work

QUOTA = 100 * 1024 * 1024


@pytest.fixture
def commits(app) -> list[str]:
    """Each commit of a transaction, as it happens."""
    seen: list[str] = []

    def record(_session) -> None:
        seen.append("commit")

    event.listen(Session, "after_commit", record)
    yield seen
    event.remove(Session, "after_commit", record)


def display_name(tenant, *, committed: bool = False) -> str:
    """What the session sees; `committed`: what a later request reads, since a rollback forgets the rest."""
    if committed:
        db.session.rollback()
    return tenant.profile.display_name


def asset_names(tenant, *, committed: bool = False) -> list[str]:
    if committed:
        db.session.rollback()
    return list(db.session.scalars(select(Asset.name).where(Asset.user_id == tenant.id).order_by(Asset.name)))


def test_the_outermost_unit_commits_what_its_block_wrote_once_it_ends(make_user, commits):
    alice = make_user("alice")
    commits.clear()
    with unit_of_work():
        alice.profile.display_name = "Alice A."
        assert commits == []
    assert commits == ["commit"]
    assert display_name(alice, committed=True) == "Alice A."


def test_an_error_in_the_block_rolls_back_what_it_wrote_and_is_raised(make_user):
    alice = make_user("alice")
    with pytest.raises(ValueError, match="stop"), unit_of_work():
        alice.profile.display_name = "Alice A."
        db.session.flush()
        raise ValueError("stop")
    assert display_name(alice) != "Alice A."


def test_an_inner_unit_does_not_commit_the_outer_one_does(make_user, commits):
    alice = make_user("alice")
    commits.clear()
    with unit_of_work():
        profiles.update_profile(alice, {"display_name": "Alice A."})
        assets.store_assets(alice, [("me.png", PNG)], QUOTA)
        assert commits == [] and in_unit_of_work()
    assert commits == ["commit"] and not in_unit_of_work()
    assert display_name(alice, committed=True) == "Alice A." and asset_names(alice, committed=True) == ["me.png"]


def test_an_error_in_an_inner_unit_rolls_back_everything_the_outer_unit_wrote(make_user):
    alice = make_user("alice")
    with pytest.raises(assets.AssetError, match="quota"), unit_of_work():
        profiles.update_profile(alice, {"display_name": "Alice A."})
        assets.store_assets(alice, [("cv.pdf", PDF)], QUOTA)
        assets.store_assets(alice, [("big.pdf", PDF)], len(PDF))  # over the quota with cv.pdf
    assert display_name(alice) != "Alice A."
    assert asset_names(alice) == []


def test_an_error_after_the_inner_units_ended_still_rolls_them_back(make_user):
    alice = make_user("alice")
    with pytest.raises(RuntimeError, match="late"), unit_of_work():
        assets.store_assets(alice, [("cv.pdf", PDF)], QUOTA)
        raise RuntimeError("late")
    assert asset_names(alice) == []


def test_an_inner_units_error_caught_inside_the_outer_unit_still_writes_nothing(make_user):
    alice = make_user("alice")
    with pytest.raises(UnitOfWorkError, match="inner unit"), unit_of_work():
        profiles.update_profile(alice, {"display_name": "Alice A."})
        try:
            with unit_of_work():
                alice.profile.bio = "Half of a change."
                raise ValueError("refused")
        except ValueError:
            pass
    assert display_name(alice) != "Alice A."
    assert not in_unit_of_work()


def test_a_commit_inside_a_unit_is_refused_and_nothing_is_written(make_user):
    alice = make_user("alice")
    with pytest.raises(UnitOfWorkError, match="outermost unit commits"), unit_of_work():
        alice.profile.display_name = "Alice A."
        db.session.commit()
    assert display_name(alice) != "Alice A."


def test_the_depth_belongs_to_the_session_not_to_the_process(app):
    with Session(db.engine) as other, unit_of_work():
        assert in_unit_of_work() and not in_unit_of_work(other)


def test_a_unit_that_ended_leaves_the_next_one_outermost_again(make_user, commits):
    alice = make_user("alice")
    with pytest.raises(ValueError), unit_of_work():
        raise ValueError("first")
    commits.clear()
    profiles.update_profile(alice, {"display_name": "Alice A."})
    assert commits == ["commit"]


def test_rendering_before_the_write_refuses_to_run_inside_a_unit(make_user):
    alice = make_user("alice")
    with pytest.raises(UnitOfWorkError, match="outermost"), unit_of_work():
        site_versions.write_after_rendering(db.session, alice.id, lambda: None, lambda _rendering: None)


def test_an_import_that_fails_after_writing_everything_leaves_nothing_written(make_user):
    alice = make_user("alice")
    name_before = alice.profile.display_name

    def fail_at_the_end(_report) -> None:
        assert db.session.scalar(select(func.count(Page.id)).where(Page.user_id == alice.id)) > 0
        raise RuntimeError("the worker stopped")

    with pytest.raises(RuntimeError, match="the worker stopped"):
        site_import.import_site(alice, build_zip(), "site.zip", quota=QUOTA, before_commit=fail_at_the_end)
    assert pages.list_pages(alice) == [] and asset_names(alice) == []
    assert display_name(alice) == name_before
