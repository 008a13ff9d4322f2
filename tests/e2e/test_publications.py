"""A visitor reads a researcher's publication list and an entry's page on a phone, in light and dark: grouped,
accessible, no script needed to open an entry's abstract or its Cite block, each entry's .bib downloads, and an
entry's page shows its abstract open and leads back to the list."""

from pathlib import Path

import pytest

from browser_checks import follow, horizontal_overflow, leads_back_to_its_list, screenshot, serious_violations
from factories import page_source, publish
from profilehost.services import bibliography, profiles

BIB = Path(__file__).parent.parent / "fixtures" / "bib"


@pytest.fixture
def site(make_user):
    alice = make_user("alice")
    profiles.update_profile(alice, {"display_name": "Ada Lovelace"})
    publish(alice, page_source("Publications", "/publications/", "{% bibliography %}", nav_order=2))
    raw = b"\n".join((BIB / name).read_bytes() for name in ("zotero.bib", "dblp.bib", "hostile.bib"))
    bibliography.save_bibliography(alice, raw, source_name="papers.bib")
    return alice


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_publication_list_on_a_phone(new_page, site, axe_source, screenshots_dir, scheme):
    page = new_page(390, 844, scheme=scheme)
    page.goto(page.base + "/alice/publications/")
    groups = page.locator("h2.bibliography-group").all_inner_texts()
    assert groups == ["Journal articles", "Conference papers", "Preprints", "Theses", "Talks"]
    assert page.locator("div.bibliography-entry strong").first.inner_text().startswith("Lovelace, A")
    assert horizontal_overflow(page) <= 0, "long titles, URLs and BibTeX wrap or scroll inside the page"
    cite = page.locator("details.bibliography-cite").first
    cite.locator("summary").click()
    assert cite.locator("pre").is_visible()
    assert horizontal_overflow(page) <= 0
    screenshot(page, screenshots_dir, f"publications-phone-{scheme}")
    assert serious_violations(page, axe_source) == []
    assert page.errors == [] and page.foreign == [] and page.dialogs == []


def test_an_entrys_bib_downloads_and_its_page_opens(new_page, site, axe_source):
    page = new_page(390, 844)
    page.goto(page.base + "/alice/publications/")
    cite = page.locator("details.bibliography-cite", has_text="Notes on the Analytical Engine")
    cite.locator("summary").click()
    with page.expect_download() as download:
        cite.get_by_role("link", name="Download .bib").click()
    assert download.value.suggested_filename == "lovelace_notes_2021.bib"
    assert Path(download.value.path()).read_text().startswith("@article{lovelace_notes_2021,")
    follow(page, page.get_by_role("link", name="Notes on the Analytical Engine: A Re-reading"))
    assert page.url == page.base + "/alice/publication/lovelace_notes_2021/"
    assert page.locator("h1").first.inner_text() == "Notes on the Analytical Engine: A Re-reading"
    assert serious_violations(page, axe_source) == []
    assert page.errors == [] and page.dialogs == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_entrys_page_on_a_phone_shows_its_abstract_and_leads_back_to_the_list(new_page, site, axe_source,
                                                                                  screenshots_dir, scheme):
    page = new_page(390, 844, scheme=scheme)
    page.goto(page.base + "/alice/publication/lovelace_notes_2021/")
    assert page.locator("details.bibliography-abstract p").inner_text().startswith("We read the notes again")
    assert horizontal_overflow(page) <= 0
    screenshot(page, screenshots_dir, f"publication-entry-phone-{scheme}")
    assert serious_violations(page, axe_source) == []
    leads_back_to_its_list(page, "/alice/publications/", "Publications")
    assert page.errors == [] and page.foreign == [] and page.dialogs == []
