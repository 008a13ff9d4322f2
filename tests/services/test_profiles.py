"""The author profile: the profile form refuses what is wrong, a _config.yml `author:` block leaves it out.

Jekyll builds a site whatever its author block says, so an academicpages repository is never refused for a
link left from the template: the value is left out and the notice names the field and the value."""

import re

import pytest
from site_archive import CONFIG, build_zip, site_with

from factories import JPEG
from profilehost.services import profiles, site_import


def author_config(block: str) -> profiles.AuthorConfig:
    return profiles.read_author_config(f"title: Site\nauthor:\n{block}".encode(), "_config.yml")


def test_an_avatar_in_a_folder_of_images_keeps_its_folder():
    config = author_config('  name: "Ada"\n  avatar: "picture/profile.jpg"\n')
    assert config.fields["avatar"] == "picture/profile.jpg" and config.notices == []


@pytest.mark.parametrize("given", ["profile.png", "images/profile.png", "/images/profile.png"])
def test_an_avatar_name_is_the_file_in_images(given):
    assert author_config(f'  avatar: "{given}"\n').fields["avatar"] == "profile.png"


def test_an_avatar_whose_name_has_a_space_is_kept():
    config = author_config('  name: "Ada"\n  avatar: "my photo.jpg"\n')
    assert config.fields["avatar"] == "my photo.jpg" and config.notices == []


def test_an_avatar_address_keeps_working_with_its_space_percent_encoded():
    config = author_config('  avatar: "https://example.org/my photo.jpg"\n')
    assert config.fields["avatar"] == "https://example.org/my%20photo.jpg"


@pytest.mark.parametrize(("given", "why"), [
    ("http://example.org/me.jpg", "is an http:// address"),
    ("../secret.png", "is neither an image in images/ nor an https:// address"),
    ("javascript:alert(1)", "is neither an image in images/ nor an https:// address"),
    ("a/b/c/d/too-deep.png", "is neither an image in images/ nor an https:// address"),
])
def test_an_avatar_profilehost_cannot_show_is_left_out_with_a_notice(given, why):
    config = author_config(f'  avatar: "{given}"\n')
    assert config.fields["avatar"] == ""
    [notice] = config.notices
    assert notice.startswith(f"author.avatar: {given!r} {why}") and notice.endswith("the sidebar shows no avatar.")


def test_a_placeholder_orcid_is_left_out_and_the_rest_is_taken():
    config = author_config('  name: "Ada"\n  orcid: "http://orcid.org/yourorcidurl"\n  github: "ada"\n')
    assert config.notices == ["author.orcid: 'http://orcid.org/yourorcidurl' is not an ORCID iD; the link was "
                              "left out."]
    assert config.fields["links"] == {"github": "https://github.com/ada"}
    assert config.fields["display_name"] == "Ada"


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("orcid", "xxxx-xxxx-xxxx-xxxx", "an ORCID iD"),
    ("orcid", "0000-0002-1825-0098", "an ORCID iD"),  # a mistyped checksum
    ("email", "your-email", "an email address"),
    ("email", "name at example.org", "an email address"),
    ("uri", "javascript:alert(1)", "a web address"),
    ("uri", "data:text/html,<script>alert(1)</script>", "a web address"),
    ("dblp", "ftp://example.org/me", "a web address"),
    ("twitter", "your twitter name", "a user name or a web address"),
    ("mastodon", "you at mastodon", "a Mastodon address (@you@server.social or a URL)"),
])
def test_an_author_link_that_fails_validation_becomes_a_notice(key, value, expected):
    config = author_config(f'  name: "Ada"\n  {key}: "{value}"\n')
    assert config.notices == [f"author.{key}: {value!r} is not {expected}; the link was left out."]
    assert config.fields["links"] == {}


def test_a_value_that_is_not_text_is_left_out_with_a_notice():
    config = author_config('  name: "Ada"\n  github: ["ada", "ada2"]\n  bio:\n    text: "x"\n')
    assert config.notices == ["author.github: expected text, found list; it was left out.",
                              "author.bio: expected text, found dict; it was left out."]
    assert config.fields == {"links": {}, "display_name": "Ada"}


def test_a_bio_longer_than_the_sidebar_shows_is_shortened_with_a_notice():
    config = author_config(f'  bio: "{"word " * 300}"\n')
    assert len(config.fields["bio"]) <= profiles.TEXT_LIMITS["bio"] and config.fields["bio"].endswith("word…")
    assert config.notices == ["author.bio: 1499 characters, more than the 1000 the sidebar shows; it was "
                              "shortened."]


def test_a_config_without_an_author_block_is_still_refused():
    with pytest.raises(profiles.ProfileError, match="no 'author:' block"):
        profiles.read_author_config(b"title: Site\n", "_config.yml")


def test_the_author_block_fields_pass_the_profile_form_validation_unchanged():
    config = author_config('  name: "Ada"\n  avatar: "https://example.org/my photo.jpg"\n  email: "A@Example.org"\n'
                           '  orcid: "http://orcid.org/0000-0002-1825-0097"\n  github: "@ada"\n'
                           '  mastodon: "@ada@example.social"\n  uri: "www.example.org"\n')
    assert profiles.clean_profile_fields(config.fields) == config.fields


@pytest.mark.parametrize(("fields", "message"), [
    ({"links": {"orcid": "http://orcid.org/yourorcidurl"}}, "is not a valid ORCID iD"),
    ({"links": {"email": "your-email"}}, "not a valid email address"),
    ({"links": {"homepage": "javascript:alert(1)"}}, "is not a web address"),
    ({"avatar": "http://example.org/me.jpg"}, "give the name of an uploaded image"),
    ({"bio": "word " * 300}, "at most 1000 characters"),
])
def test_the_profile_form_still_refuses_what_the_author_block_leaves_out(make_user, fields, message):
    with pytest.raises(profiles.ProfileError, match=re.escape(message)):
        profiles.update_profile(make_user("alice"), fields)


def test_the_profile_form_takes_an_avatar_in_a_folder_of_images(make_user):
    alice = make_user("alice")
    profiles.update_profile(alice, {"avatar": "images/picture/profile.jpg"})
    assert alice.profile.avatar == "picture/profile.jpg"


def config_with(author_lines: str) -> str:
    """The generated site's _config.yml with its avatar line replaced by `author_lines`."""
    avatar = '  avatar: "profile.png"\n'
    assert avatar in CONFIG
    return CONFIG.replace(avatar, author_lines)


def import_site(tenant, files: dict) -> site_import.ImportReport:
    report = site_import.import_site(tenant, build_zip(site_with(files)), "site.zip", quota=100 * 1024 * 1024)
    assert report.ok, report.errors
    return report


def test_an_academicpages_site_with_template_placeholders_imports_with_notices(make_user, client):
    alice = make_user("alice")
    config = config_with('  avatar: "picture/profile.jpg"\n  orcid: "http://orcid.org/yourorcidurl"\n'
                         '  uri: "javascript:alert(1)"\n')
    report = import_site(alice, {"_config.yml": config, "images/picture/profile.jpg": JPEG})
    notices = [notice for path, notice in report.notices if path == "_config.yml"]
    assert "author.orcid: 'http://orcid.org/yourorcidurl' is not an ORCID iD; the link was left out." in notices
    assert "author.uri: 'javascript:alert(1)' is not a web address; the link was left out." in notices
    assert alice.profile.avatar == "picture/profile.jpg" and "orcid" not in alice.profile.links
    page = client.get("/alice/").get_data(as_text=True)
    avatar = re.search(r'<img class="author__avatar" src="([^"]+)"', page).group(1)
    assert avatar.startswith("/alice/images/picture/profile.jpg?v=")
    assert client.get(avatar).data == JPEG
    assert "javascript:" not in page


def test_an_avatar_whose_file_has_a_space_imports_and_shows(make_user, client):
    alice = make_user("alice")
    report = import_site(alice, {"_config.yml": config_with('  avatar: "my photo.jpg"\n'),
                                 "images/my photo.jpg": JPEG})
    assert report.ok and alice.profile.avatar == "my photo.jpg"
    page = client.get("/alice/").get_data(as_text=True)
    avatar = re.search(r'<img class="author__avatar" src="([^"]+)"', page).group(1)
    assert avatar.startswith("/alice/images/my%20photo.jpg?v=")
    assert client.get(avatar).data == JPEG


def test_a_twitter_name_links_where_academicpages_links_it():
    config = author_config('  name: "Ada"\n  twitter: "ada_l"\n')
    assert config.fields["links"]["twitter"] == "https://twitter.com/ada_l"


AL_FOLIO_CONFIG = (b"name: Ada Lovelace\ntitle: Ada\nemail: Ada@Example.org\ngithub_username: ada\n"
                   b"twitter_username: ada_l\nlinkedin_username:\nscholar_userid: AbC123\n"
                   b"orcid_id: 0000-0002-1825-0097 \n")


def test_an_al_folio_config_gives_the_sidebar_its_top_level_name_and_social_accounts():
    config = profiles.read_author_config(AL_FOLIO_CONFIG, "_config.yml")
    assert config.fields["display_name"] == "Ada Lovelace"
    assert config.fields["links"] == {
        "email": "Ada@example.org", "github": "https://github.com/ada", "twitter": "https://twitter.com/ada_l",
        "google_scholar": "https://scholar.google.com/citations?user=AbC123",
        "orcid": "https://orcid.org/0000-0002-1825-0097"}


def test_al_folio_name_parts_make_the_name_and_an_author_block_wins_over_top_level_keys():
    parts = profiles.author_block_of({"first_name": "Ada", "middle_name": "", "last_name": "Lovelace",
                                      "github_username": "ada"})
    assert parts == {"github": "ada", "name": "Ada Lovelace"}
    assert profiles.author_block_of({"author": {"name": "B"}, "github_username": "ada"}) == {"name": "B"}
    assert profiles.author_block_of({"title": "A site"}) is None


def test_an_al_folio_site_fills_the_profile_and_its_about_page_shows_the_sidebar(make_user, client):
    alice = make_user("alice")
    about = "---\nlayout: about\ntitle: about\npermalink: /\n---\nI study engines.\n"
    report = import_site(alice, {"_config.yml": AL_FOLIO_CONFIG.decode(), "_pages/about.md": about})
    assert not [notice for path, notice in report.notices if path == "_config.yml" and "no author" in notice]
    assert alice.profile.display_name == "Ada Lovelace"
    home = client.get("/alice/").get_data(as_text=True)
    assert "https://github.com/ada" in home and "Ada Lovelace" in home
    assert not [notice for path, notice in report.notices if path == "_pages/about.md" and "layout" in notice]


def test_a_stack_overflow_user_links_where_academicpages_links_it():
    config = author_config('  name: "Ada"\n  stackoverflow: "7718843/ada-l"\n')
    assert config.fields["links"]["stackoverflow"] == "https://www.stackoverflow.com/users/7718843/ada-l"
    assert config.notices == []


@pytest.mark.parametrize("given", ["7718843/../x", "ada/7718843", "1234567890123/x"])
def test_a_stack_overflow_value_that_is_not_a_user_address_is_left_out(given):
    config = author_config(f'  name: "Ada"\n  stackoverflow: "{given}"\n')
    assert "stackoverflow" not in config.fields["links"]
