"""Deeply nested YAML and over-long profile values are refused with a message naming the file (and line) or the
field, on every path that reads them: never a 500, never another file of the upload skipped."""

from __future__ import annotations

import io

import pytest
from site_archive import build_zip, site_with

from factories import page_source
from profilehost.extensions import db
from profilehost.publishing.frontmatter import MAX_YAML_DEPTH
from profilehost.services import pages, site_files
from support import csrf_token_from, post_form

# About 2 KB of '[': deeper than PyYAML's recursive composer can go.
DEEP_LIST = "[" * 1000 + "]" * 1000
NESTED_MESSAGE = f"nested {MAX_YAML_DEPTH + 1} levels deep here; at most {MAX_YAML_DEPTH} are accepted"


def upload_pages(client, *files):
    token = csrf_token_from(client.get("/dashboard/").get_data(as_text=True))
    data = {"csrf_token": token, "files": [(io.BytesIO(raw), name) for name, raw in files]}
    return client.post("/dashboard/upload", data=data, content_type="multipart/form-data")


def upload_site_file(client, name: str, raw: bytes):
    token = csrf_token_from(client.get("/dashboard/site-files").get_data(as_text=True))
    return client.post("/dashboard/site-files", data={"csrf_token": token, "path": "",
                                                      "file": (io.BytesIO(raw), name)},
                       content_type="multipart/form-data")


def test_deep_front_matter_is_refused_naming_file_and_line_and_the_rest_of_the_upload_publishes(logged_in):
    deep = f"---\ntitle: Deep\ntags: {DEEP_LIST}\n---\nText.\n".encode()
    response = upload_pages(logged_in, ("deep.md", deep), ("good.md", page_source()))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"deep.md, line 3: lists and mappings are {NESTED_MESSAGE}" in html
    assert pages.find_page(logged_in.user, "/a-page/") is not None


def test_a_deep_config_in_an_upload_is_refused_naming_the_file(logged_in):
    response = upload_pages(logged_in, ("_config.yml", f"author:\n  name: {DEEP_LIST}\n".encode()),
                            ("good.md", page_source()))
    html = response.get_data(as_text=True)
    assert "_config.yml, line 2" in html and NESTED_MESSAGE in html
    assert pages.find_page(logged_in.user, "/a-page/") is not None


@pytest.mark.parametrize("name", ["navigation.yml", "_config.yml", "cv.yml"])
def test_a_deep_site_file_is_refused_naming_the_file_and_line(logged_in, name):
    response = upload_site_file(logged_in, name, f"main:\n  - title: {DEEP_LIST}\n".encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ", line 2: lists and mappings are " in html and NESTED_MESSAGE in html
    assert site_files.list_site_files(logged_in.user) == []


def test_deep_nesting_by_indentation_is_refused_as_nesting_not_as_aliases(logged_in):
    indented = "".join(" " * 2 * level + f"k{level}:\n" for level in range(200)) + " " * 400 + "v\n"
    response = upload_site_file(logged_in, "cv.yml", indented.encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"cv.yml, line {MAX_YAML_DEPTH + 1}: lists and mappings are {NESTED_MESSAGE}" in html
    assert "aliases" not in html


def test_an_import_with_a_deep_config_is_refused_naming_the_file(logged_in):
    archive = build_zip(site_with({"_config.yml": f"title: Deep\nauthor: {DEEP_LIST}\n"}))
    token = csrf_token_from(logged_in.get("/dashboard/import").get_data(as_text=True))
    response = logged_in.post("/dashboard/import", data={"csrf_token": token,
                                                         "archive": (io.BytesIO(archive), "site.zip")},
                              content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "_config.yml, line 2" in html and NESTED_MESSAGE in html


def test_nesting_just_within_the_limit_is_accepted(logged_in):
    within = "[" * (MAX_YAML_DEPTH - 1) + "x" + "]" * (MAX_YAML_DEPTH - 1)
    response = upload_pages(logged_in, ("ok.md", f"---\ntitle: Ok\npermalink: /ok/\nx: {within}\n---\nT.\n".encode()))
    assert response.status_code == 200
    assert pages.find_page(logged_in.user, "/ok/") is not None


LONG_AVATAR_URL = "https://example.org/" + "a" * 300 + ".png"


def test_an_over_long_avatar_in_the_profile_form_is_refused_naming_the_field(logged_in):
    response = post_form(logged_in, "/dashboard/profile", {"display_name": "A", "avatar": LONG_AVATAR_URL})
    assert response.status_code == 422
    assert "255 characters" in response.get_data(as_text=True)


def test_an_avatar_that_grows_past_the_column_when_encoded_is_refused(logged_in):
    spaced = "https://example.org/" + "a b" * 70 + ".png"  # 235 characters as typed, 375 percent-encoded
    response = post_form(logged_in, "/dashboard/profile", {"display_name": "A", "avatar": spaced})
    assert response.status_code == 422
    assert "at most 255 characters" in response.get_data(as_text=True)


def test_an_over_long_avatar_in_an_uploaded_config_is_left_out_with_a_notice(logged_in):
    response = upload_pages(logged_in, ("_config.yml", f'author:\n  name: "Ada"\n  avatar: "{LONG_AVATAR_URL}"\n'
                                        .encode()))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "author.avatar:" in html and "at most 255 characters" in html and "shows no avatar" in html
    db.session.expire_all()
    assert logged_in.user.profile.display_name == "Ada" and logged_in.user.profile.avatar == ""
