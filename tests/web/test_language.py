"""Every page of a tenant's site says its language: <html lang dir> and og:locale come from the page's `lang`
front matter, else the profile's Language setting, else the _config.yml's `locale`, else English. A value that is
not a BCP 47 tag is never used, and the author is told which field holds it."""

import re

import pytest
from site_archive import build_zip, site_with

from profilehost.extensions import db
from profilehost.services import pages, site_files
from profilehost.services.site_import import import_site
from support import post_form

HOME = b"---\ntitle: Home\npermalink: /\n---\n\nHello.\n"
AUTHOR = b"author:\n  name: Ada Example\n"


def language_of_page(client, url: str) -> tuple[str, str | None, str | None]:
    """(lang, dir, og:locale) as the served page says them."""
    html = client.get(url).get_data(as_text=True)
    opening = re.search(r"<html([^>]*)>", html).group(1)
    lang = re.search(r'\blang="([^"]*)"', opening).group(1)
    direction = re.search(r'\bdir="([^"]*)"', opening)
    og_locale = re.search(r'<meta property="og:locale" content="([^"]*)">', html)
    return lang, direction and direction.group(1), og_locale and og_locale.group(1)


def test_a_site_that_says_nothing_is_english(make_user, client):
    alice = make_user("alice")
    pages.publish_upload(alice, HOME, "index.md")
    assert language_of_page(client, "/alice/") == ("en", "ltr", "en_US")


@pytest.mark.parametrize(("locale", "expected"), [
    ("en-US", ("en-US", "ltr", "en_US")),
    ("de", ("de", "ltr", "de_DE")),
    ("ar", ("ar", "rtl", "ar_EG")),
    ("he-IL", ("he-IL", "rtl", "he_IL")),
    ("fa", ("fa", "rtl", "fa_IR")),
    ("ur", ("ur", "rtl", "ur_PK")),
    ("en_gb", ("en-GB", "ltr", "en_GB")),  # Jekyll sites write en_US; the tag is written as BCP 47 spells it
])
def test_the_configs_locale_sets_every_pages_language(make_user, client, locale, expected):
    alice = make_user("alice")
    pages.publish_upload(alice, HOME, "index.md")
    site_files.save_site_file(alice, "_config.yml", f"locale: {locale}\n".encode())
    assert language_of_page(client, "/alice/") == expected
    assert language_of_page(client, "/alice/nowhere/")[:2] == expected[:2]  # the site's 404 too


def test_the_profiles_language_setting_wins_over_the_config_and_a_bad_one_is_a_notice(logged_in, client):
    alice = logged_in.user
    pages.publish_upload(alice, HOME, "index.md")
    site_files.save_site_file(alice, "_config.yml", b"locale: de\n")

    response = post_form(logged_in, "/dashboard/profile", {"display_name": "Ada", "locale": "ar"},
                         follow_redirects=True)
    assert response.status_code == 200
    assert language_of_page(client, "/alice/") == ("ar", "rtl", "ar_EG")

    response = post_form(logged_in, "/dashboard/profile", {"display_name": "Ada Example", "locale": "english"},
                         follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Profile saved" in page
    assert "field &#39;Language&#39;: &#39;english&#39; is not a language tag" in page
    db.session.refresh(alice.profile)
    # The rest of the profile is saved; the language it had stays.
    assert alice.profile.display_name == "Ada Example" and alice.profile.locale == "ar"

    post_form(logged_in, "/dashboard/profile", {"display_name": "Ada Example", "locale": ""})
    assert language_of_page(client, "/alice/") == ("de", "ltr", "de_DE")


def test_a_pages_lang_front_matter_sets_that_page_only(make_user, client):
    alice = make_user("alice")
    pages.publish_upload(alice, HOME, "index.md")
    pages.publish_upload(alice, b"---\ntitle: Resume\npermalink: /fa/\nlang: fa-IR\n---\n\nText.\n", "fa.md")
    assert language_of_page(client, "/alice/fa/") == ("fa-IR", "rtl", "fa_IR")
    assert language_of_page(client, "/alice/") == ("en", "ltr", "en_US")


def test_a_bad_lang_is_published_with_a_notice_naming_the_field_and_the_page_keeps_the_site_language(
        make_user, client):
    alice = make_user("alice")
    site_files.save_site_file(alice, "_config.yml", b"locale: de\n")
    outcome = pages.publish_upload(alice, b"---\ntitle: Home\npermalink: /\nlang: klingon!\n---\n\nHi.\n", "index.md")
    assert any("field 'lang': 'klingon!' is not a language tag" in notice for notice in outcome.notices)
    assert language_of_page(client, "/alice/") == ("de", "ltr", "de_DE")


def test_a_bad_config_locale_is_a_notice_naming_the_file_and_field(make_user, client):
    alice = make_user("alice")
    pages.publish_upload(alice, HOME, "index.md")
    saved = site_files.save_site_file(alice, "_config.yml", AUTHOR + b"locale: english\n")
    assert any(notice.startswith("_config.yml, field 'locale': 'english' is not a language tag")
               for notice in saved.notices)
    assert language_of_page(client, "/alice/") == ("en", "ltr", "en_US")


def test_a_language_value_cannot_reach_the_markup(make_user, client):
    alice = make_user("alice")
    pages.publish_upload(alice, b"---\ntitle: Home\npermalink: /\nlang: 'en\" onload=\"x'\n---\n\nHi.\n", "index.md")
    html = client.get("/alice/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html and "onload" not in html


def test_a_configs_lang_counts_when_it_has_no_locale(make_user, client):
    alice = make_user("alice")
    pages.publish_upload(alice, HOME, "index.md")
    site_files.save_site_file(alice, "_config.yml", b"lang: pt-BR\n")
    assert language_of_page(client, "/alice/") == ("pt-BR", "ltr", "pt_BR")


def test_the_editors_preview_says_the_language_the_public_page_will(logged_in):
    source = "---\ntitle: Startseite\npermalink: /\nlang: de\n---\n\nHallo.\n"
    html = post_form(logged_in, "/dashboard/pages/preview", {"source": source}).get_data(as_text=True)
    assert re.search(r'<html[^>]*\blang="de"', html)
    assert '<meta property="og:locale" content="de_DE">' in html


def test_a_bad_locale_in_a_config_without_an_author_block_is_a_notice_too(make_user):
    alice = make_user("alice")
    saved = site_files.save_site_file(alice, "_config.yml", b"title: Ada\nlocale: english\n")
    assert any("field 'locale': 'english' is not a language tag" in notice for notice in saved.notices)
    report = import_site(make_user("bob"), build_zip(site_with({"_config.yml": "title: Bob\nlocale: english\n"})),
                         "site.zip", quota=100 * 1024 * 1024)
    assert any("field 'locale': 'english'" in notice for _path, notice in report.notices)
