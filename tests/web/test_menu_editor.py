"""The menu editor: labels, order and targets among the site's pages, an external link added; saved as the site's
_data/navigation.yml, which the public menu follows. Every mistake is shown at once, each on its line."""

import re

import yaml

from factories import page_source, publish
from profilehost.extensions import db
from profilehost.services import site_files
from support import csrf_token_from


def menu_form(client) -> tuple[str, dict]:
    html = client.get("/dashboard/menu").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(html)}
    data["base_version"] = re.search(r'name="base_version" type="hidden" value="(\d*)"', html).group(1)
    for name, value in re.findall(r'<input[^>]*name="(entries-\d+-(?:title|url|position))"[^>]*value="([^"]*)"',
                                  html):
        data[name] = value
    for name, options in re.findall(r'<select[^>]*name="(entries-\d+-target)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options)
        data[name] = chosen.group(1) if chosen else ""
    return html, data


def saved_menu(tenant) -> list[dict]:
    db.session.expire_all()
    return yaml.safe_load(site_files.current_version(tenant, "_data/navigation.yml").source)["main"]


def site(tenant) -> None:
    publish(tenant, page_source("Home", "/", nav_order=1))
    publish(tenant, page_source("Talks", "/talks/", nav_order=2))
    publish(tenant, page_source("CV", "/cv/", nav_order=3))


def test_the_editor_starts_from_the_menu_the_site_shows_and_saves_it_as_navigation_yml(logged_in, client):
    site(logged_in.user)
    html, data = menu_form(logged_in)
    assert [data[f"entries-{n}-title"] for n in range(3)] == ["Home", "Talks", "CV"]
    data.update({"entries-1-title": "Talks given", "entries-3-title": "GitHub",
                 "entries-3-url": "https://github.com/alice"})
    response = logged_in.post("/dashboard/menu", data=data)
    assert response.status_code == 302
    assert saved_menu(logged_in.user) == [{"title": "Home", "url": "/"}, {"title": "Talks given", "url": "/talks/"},
                                          {"title": "CV", "url": "/cv/"},
                                          {"title": "GitHub", "url": "https://github.com/alice"}]
    public = client.get("/alice/").get_data(as_text=True)
    assert "Talks given" in public and "https://github.com/alice" in public


def test_moving_an_entry_up_or_by_its_position(logged_in):
    site(logged_in.user)
    _html, data = menu_form(logged_in)
    assert logged_in.post("/dashboard/menu", data={**data, "move": "up-3"}).status_code == 302
    assert [entry["title"] for entry in saved_menu(logged_in.user)] == ["Home", "CV", "Talks"]
    _html, data = menu_form(logged_in)
    data.update({"entries-0-position": "9"})
    assert logged_in.post("/dashboard/menu", data=data).status_code == 302
    assert [entry["title"] for entry in saved_menu(logged_in.user)] == ["CV", "Talks", "Home"]


def test_removing_an_entry(logged_in):
    site(logged_in.user)
    _html, data = menu_form(logged_in)
    assert logged_in.post("/dashboard/menu", data={**data, "entries-1-remove": "y"}).status_code == 302
    assert [entry["title"] for entry in saved_menu(logged_in.user)] == ["Home", "CV"]


def test_every_mistake_is_shown_at_once_on_its_line(logged_in):
    site(logged_in.user)
    _html, data = menu_form(logged_in)
    data.update({"entries-0-title": "", "entries-1-url": "javascript:alert(1)", "entries-2-url": "/nowhere/",
                 "entries-3-title": "Blog"})
    response = logged_in.post("/dashboard/menu", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There are 4 problems" in html
    assert sorted(re.findall(r'<li><a href="#(entries-\d+-\w+)">', html)) == [
        "entries-0-title", "entries-1-url", "entries-2-target", "entries-3-target"]
    assert 'id="entries-1-url-error"' in html and "javascript:alert(1)" in html
    assert site_files.current_version(logged_in.user, "_data/navigation.yml") is None


def test_a_menu_changed_meanwhile_is_not_overwritten(logged_in):
    site(logged_in.user)
    _html, data = menu_form(logged_in)
    site_files.save_site_file(logged_in.user, "_data/navigation.yml", b"main:\n  - title: Only\n    url: /cv/\n")
    response = logged_in.post("/dashboard/menu", data=data, follow_redirects=True)
    assert "changed since you opened it" in response.get_data(as_text=True)
    assert saved_menu(logged_in.user) == [{"title": "Only", "url": "/cv/"}]


def test_the_not_found_page_is_marked_on_the_dashboard_and_is_no_menu_target(logged_in):
    site(logged_in.user)
    publish(logged_in.user, page_source("Page not found", "/404.html"))
    html, _data = menu_form(logged_in)
    assert 'value="/404.html"' not in html and 'value="/cv/"' in html
    dashboard = logged_in.get("/dashboard/").get_data(as_text=True)
    assert "Shown for missing addresses" in dashboard


def test_an_address_with_a_control_character_is_refused_on_its_line(logged_in):
    site(logged_in.user)
    _html, data = menu_form(logged_in)
    data["entries-1-url"] = "https://a.example/\x0bb"
    response = logged_in.post("/dashboard/menu", data=data)
    assert response.status_code == 422
    assert 'id="entries-1-url-error"' in response.get_data(as_text=True)
    assert site_files.current_version(logged_in.user, "_data/navigation.yml") is None


def test_a_draft_is_offered_saying_its_entry_stays_out_of_the_menu_until_it_is_published(logged_in, client):
    site(logged_in.user)
    publish(logged_in.user, page_source("Notes", "/notes/", published="false"), "notes.md")
    html, _data = menu_form(logged_in)
    assert "Notes (/notes/): a draft, not in the menu until published</option>" in html
    assert "CV (/cv/)</option>" in html
