"""Where the export puts each uploaded file: in the folder the exported site links it from, so that `jekyll
build` of the ZIP serves it at the address its pages use, and the importer takes it back as the same file."""


import pytest
from site_archive import build_zip

from factories import JPEG, PDF, PNG, store_file
from profilehost.services import assets, pages, profiles, site_build
from profilehost.services.site_import import import_site
from support import built_with_jekyll, exported_archive, exported_bytes, needs_jekyll

QUOTA = 100 * 1024 * 1024
FOLDERS = ("files/", "images/", "assets/")
AL_FOLIO_ABOUT = """---
title: About
permalink: /
---
<img src="{{ 'assets/img/prof_pic.jpg' | relative_url }}" alt="Ada">

Read [the paper]({{ '/assets/pdf/paper.pdf' | relative_url }}).
"""
AL_FOLIO_SITE = {"_pages/about.md": AL_FOLIO_ABOUT, "assets/img/prof_pic.jpg": JPEG, "assets/pdf/paper.pdf": PDF}


def exported_files(tenant) -> dict[str, bytes]:
    """The uploaded files in the tenant's export, by their path in the site (the top folder left out)."""
    with exported_archive(tenant) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()
                if name.split("/", 1)[1].startswith(FOLDERS)}


def publish_page(tenant, body: str, name: str = "about.md") -> None:
    pages.publish_upload(tenant, f"---\ntitle: About\npermalink: /\n---\n{body}\n".encode(), name)


def test_an_al_folio_sites_pictures_and_pdfs_are_exported_under_assets_where_its_pages_link_them(make_user):
    alice = make_user("alice")
    assert import_site(alice, build_zip(AL_FOLIO_SITE), "site.zip", quota=QUOTA).ok
    assert exported_files(alice) == {"assets/img/prof_pic.jpg": JPEG, "assets/pdf/paper.pdf": PDF}


def test_an_image_a_page_links_under_files_is_exported_under_files(make_user):
    alice = make_user("alice")
    store_file(alice, "photo.png", PNG)
    publish_page(alice, "![Me](/files/photo.png)")
    assert set(exported_files(alice)) == {"files/photo.png"}


def test_files_no_source_links_keep_images_for_images_and_files_for_the_rest(make_user):
    alice = make_user("alice")
    for name, data in (("linked.png", PNG), ("plain.png", PNG), ("paper.pdf", PDF), ("elsewhere.png", PNG)):
        store_file(alice, name, data)
    # Another site's /files/ is not this site's.
    publish_page(alice, "![a](/files/linked.png) [b](https://example.org/files/elsewhere.png) paper.pdf")
    assert set(exported_files(alice)) == {"files/linked.png", "images/plain.png", "files/paper.pdf",
                                          "images/elsewhere.png"}


def test_a_file_linked_from_two_folders_is_exported_under_both(make_user):
    alice = make_user("alice")
    store_file(alice, "fig/both.png", PNG)
    publish_page(alice, "![a]({{ base_path }}/images/fig/both.png) and [b](/assets/fig/both.png).")
    assert exported_files(alice) == {"images/fig/both.png": PNG, "assets/fig/both.png": PNG}


def test_a_link_with_an_escaped_space_names_the_file_with_the_space(make_user):
    alice = make_user("alice")
    store_file(alice, "My CV.png", PNG)
    publish_page(alice, '<a href="/files/My%20CV.png">CV</a>')
    assert set(exported_files(alice)) == {"files/My CV.png"}


@pytest.mark.parametrize(("path", "source"), [
    ("_config.yml", "title: Ada\nog_image: /assets/img/card.png\n"),
    ("_data/people.yml", "- name: Ada\n  image: assets/img/card.png\n"),
    ("_includes/card.html", '<img src="{{ site.baseurl }}/assets/img/card.png">\n'),
])
def test_a_link_in_a_site_file_places_the_file_too(make_user, path, source):
    alice = make_user("alice")
    store_file(alice, "img/card.png", PNG)
    site_build.write_site_file(alice, path, source.encode())
    assert set(exported_files(alice)) == {"assets/img/card.png"}


def test_the_avatar_is_under_images_where_academicpages_shows_it_beside_a_pages_link(make_user):
    alice = make_user("alice")
    store_file(alice, "me.jpg", JPEG)
    profiles.update_profile(alice, {"avatar": "me.jpg"})
    publish_page(alice, "[My photo](/files/me.jpg)")
    assert set(exported_files(alice)) == {"images/me.jpg", "files/me.jpg"}


def test_export_then_import_takes_a_file_under_two_folders_back_as_one_file(make_user):
    alice, bob = make_user("alice"), make_user("bob")
    assert import_site(alice, build_zip({**AL_FOLIO_SITE, "_pages/cv.md": (
        "---\ntitle: CV\npermalink: /cv/\n---\n[Paper](/files/pdf/paper.pdf)\n")}), "site.zip", quota=QUOTA).ok
    exported = exported_bytes(alice)
    report = import_site(bob, exported, "alice-site.zip", quota=QUOTA)
    assert report.ok, report.errors
    assert exported_files(alice) == {"assets/img/prof_pic.jpg": JPEG, "assets/pdf/paper.pdf": PDF,
                                     "files/pdf/paper.pdf": PDF}
    assert {asset.name: asset.sha256 for asset in assets.list_assets(bob)} == {
        asset.name: asset.sha256 for asset in assets.list_assets(alice)}
    assert exported_files(bob) == exported_files(alice)


@needs_jekyll
def test_jekyll_builds_the_export_with_each_file_at_the_address_its_page_links(make_user, tmp_path):
    alice = make_user("alice")
    assert import_site(alice, build_zip(AL_FOLIO_SITE), "site.zip", quota=QUOTA).ok
    source = built_with_jekyll(alice, tmp_path)
    home = (source / "_site/index.html").read_text()
    assert 'src="/assets/img/prof_pic.jpg"' in home and 'href="/assets/pdf/paper.pdf"' in home
    assert (source / "_site/assets/img/prof_pic.jpg").read_bytes() == JPEG
    assert (source / "_site/assets/pdf/paper.pdf").read_bytes() == PDF
