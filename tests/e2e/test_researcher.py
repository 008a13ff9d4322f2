"""A new researcher registers, uploads a page and an avatar, fills the profile, sees the public page, edits with
preview, restores an older revision and downloads the site."""

from browser_checks import follow, horizontal_overflow, screenshot, serious_violations
from factories import PNG, SITE
from support import PASSWORD, link_in, mail_in_folder


def test_a_researchers_first_hour(new_page, axe_source, screenshots_dir, instance_path):
    page = new_page()
    page.goto(page.base + "/register")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Create account"))
    assert "No pages yet: upload your about.md" in page.content()
    page.goto(page.base + link_in(mail_in_folder(instance_path, "grace@example.org"), "/email/confirm/"))
    page.goto(page.base + "/dashboard/")
    assert serious_violations(page, axe_source) == []

    page.get_by_label("Markdown pages, _config.yml or navigation.yml").set_input_files(
        [{"name": "about.md", "mimeType": "text/markdown", "buffer": (SITE / "about.md").read_bytes()},
         {"name": "publications.md", "mimeType": "text/markdown", "buffer": (SITE / "publications.md").read_bytes()}])
    follow(page, page.get_by_role("button", name="Upload and publish"))
    assert page.locator(".result-ok").count() == 2

    page.goto(page.base + "/dashboard/files")
    page.get_by_label("Images and PDFs").set_input_files([{"name": "grace.png", "mimeType": "image/png",
                                                           "buffer": PNG}])
    follow(page, page.get_by_role("button", name="Upload"))
    assert "Uploaded grace.png" in page.content()

    page.goto(page.base + "/dashboard/profile")
    page.get_by_label("Name").fill("Grace Fixture")
    page.get_by_label("Employer or affiliation").fill("Institute of Fixtures")
    page.get_by_label("Avatar").fill("grace.png")
    page.get_by_label("ORCID").fill("0000-0002-1825-0097")
    follow(page, page.get_by_role("button", name="Save profile"))
    assert "Profile saved" in page.content()
    assert serious_violations(page, axe_source) == []

    page.goto(page.base + "/grace/")
    assert page.locator("img.author__avatar").get_attribute("alt") == "Grace Fixture"
    assert page.locator("aside.author").get_by_text("Institute of Fixtures").is_visible()

    page.goto(page.base + "/dashboard/")
    screenshot(page, screenshots_dir, "dashboard")
    follow(page, page.get_by_role("link", name="Edit Grace Fixture"))
    source = page.get_by_label("Page source (Markdown with front matter)")
    source.fill(source.input_value().replace("studies **test design**", "studies **careful test design**"))
    follow(page, page.get_by_role("button", name="Preview"))
    assert page.locator(".preview-body strong", has_text="careful test design").is_visible()
    page.locator(".preview").scroll_into_view_if_needed()
    screenshot(page, screenshots_dir, "editor-preview")
    assert serious_violations(page, axe_source) == []
    follow(page, page.get_by_role("button", name="Publish"))
    assert "Published revision 2" in page.content()

    follow(page, page.get_by_role("link", name="History").first)
    follow(page, page.get_by_role("button", name="Restore revision 1"))
    assert "Revision 1 is live again as revision 3" in page.content()
    page.goto(page.base + "/grace/")
    assert "careful test design" not in page.content()

    page.goto(page.base + "/dashboard/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my site (ZIP)").click()
    assert download.value.suggested_filename == "grace-profilehost.zip"
    assert page.errors == [] and page.foreign == []


def test_dashboard_screens_on_a_phone_in_the_dark(new_page, make_user, axe_source):
    make_user("alice")
    page = new_page(360, 740, scheme="dark")
    page.goto(page.base + "/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Log in"))
    for path in ("/dashboard/", "/dashboard/files", "/dashboard/profile", "/dashboard/account", "/dashboard/pages/new"):
        page.goto(page.base + path)
        assert horizontal_overflow(page) <= 0, path
        assert serious_violations(page, axe_source) == [], path
