"""The bibliography from the dashboard and the API: a .bib saved is a publication list on the pages that ask
for it, a page per entry and .bib downloads; a malformed entry is refused by key and line and changes nothing;
history and restore; hostile fields are harmless; one tenant never reaches another's bibliography."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from site_archive import build_zip, site_with

from factories import page_source, publish, store_file
from profilehost.extensions import db
from profilehost.services import bibliography, tokens
from profilehost.services.site_import import import_site
from support import built_with_jekyll, csrf_token_from, exported_archive, log_in, needs_jekyll, post_form

BIB = Path(__file__).parent.parent / "fixtures" / "bib"
PUBLICATIONS_PAGE = page_source("Publications", "/publications/", body="{% bibliography %}")
LISTING_PAGE = page_source("Listing", "/listing/", body="{% for post in site.publications %}\n"
                                                           "* [{{ post.title }}]({{ post.url }}) in {{ post.venue }}\n"
                                                           "{% endfor %}")


def fixture(name: str) -> bytes:
    return (BIB / name).read_bytes()


def upload(client, raw: bytes, name: str = "papers.bib"):
    token = csrf_token_from(client.get("/dashboard/bibliography").get_data(as_text=True))
    return client.post("/dashboard/bibliography", data={"csrf_token": token, "file": (io.BytesIO(raw), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def paste(client, text: str):
    return post_form(client, "/dashboard/bibliography", {"text": text}, follow_redirects=True)


@pytest.fixture
def alice(logged_in):
    publish(logged_in.user, PUBLICATIONS_PAGE, "publications.md")
    return logged_in


def version_numbers(tenant) -> list[int]:
    db.session.expire_all()
    return [version.number for version in bibliography.versions(tenant)]


def test_an_uploaded_zotero_export_is_listed_by_type_and_year_with_the_name_in_bold(alice, client):
    response = upload(alice, fixture("zotero.bib"), "My Library.bib")
    assert response.status_code == 200
    assert "Saved version 1 of your bibliography: 4 entries; 1 page(s) that list it were updated." in \
        response.get_data(as_text=True)
    html = client.get("/alice/publications/").get_data(as_text=True)
    groups = re.findall(r'<h2 class="bibliography-group">([^<]+)</h2>', html)
    assert groups == ["Journal articles", "Conference papers", "Theses", "Talks"]
    assert "Montréal" not in html or "Montr{" not in html
    assert "Notes on the Analytical Engine: A Re-reading" in html  # braces and accents decoded
    assert "Müller, J." in html
    assert "<strong>Lovelace, A.</strong>" not in html  # her profile has no name yet: nothing matched
    assert 'href="/alice/publication/lovelace_notes_2021/"' in html
    assert 'href="/alice/publications.bib"' in html


def test_the_name_forms_put_the_researcher_in_bold_and_the_style_is_a_setting(alice, client):
    upload(alice, fixture("zotero.bib"))
    response = post_form(alice, "/dashboard/bibliography/settings",
                         {"style": "chicago-author-date", "name_forms": "Lovelace, Ada\nA. Lovelace"},
                         form_url="/dashboard/bibliography", follow_redirects=True)
    assert "Saved the bibliography&#39;s settings. 1 page(s) that list it were updated." in \
        response.get_data(as_text=True)
    html = client.get("/alice/publications/").get_data(as_text=True)
    assert "<strong>Lovelace, A.</strong>" in html  # Chicago writes the first author family name first
    assert "Somerville, M., and <strong>A. Lovelace</strong>. 2023." in html


def test_a_style_that_is_not_offered_is_refused(alice):
    response = post_form(alice, "/dashboard/bibliography/settings", {"style": "made-up", "name_forms": ""},
                         form_url="/dashboard/bibliography")
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_a_malformed_entry_is_refused_by_key_and_line_and_nothing_changes(alice, client):
    upload(alice, fixture("zotero.bib"))
    response = upload(alice, fixture("malformed.bib"), "malformed.bib")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "malformed.bib: line 8: @inproceedings{broken2021} is malformed" in html
    assert version_numbers(alice.user) == [1]
    assert "Notes on the Analytical Engine" in client.get("/alice/publications/").get_data(as_text=True)


def test_text_without_an_entry_is_refused_and_the_list_stays(alice, client):
    upload(alice, fixture("zotero.bib"))
    response = paste(alice, "Lovelace, A. (2021). Notes on the Analytical Engine. Journal of Engines.")
    assert response.status_code == 422
    assert "pasted.bib: no BibTeX entry found" in response.get_data(as_text=True)
    assert version_numbers(alice.user) == [1]
    assert "Notes on the Analytical Engine" in client.get("/alice/publications/").get_data(as_text=True)


def test_a_file_and_pasted_text_at_once_are_refused_rather_than_one_dropped(alice):
    token = csrf_token_from(alice.get("/dashboard/bibliography").get_data(as_text=True))
    response = alice.post("/dashboard/bibliography", data={
        "csrf_token": token, "file": (io.BytesIO(fixture("zotero.bib")), "papers.bib"),
        "text": "@article{pasted, title={Pasted}, year={2020}}"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a file or paste BibTeX, not both" in response.get_data(as_text=True)
    assert version_numbers(alice.user) == []


def test_one_entry_is_counted_as_one(alice, client):
    response = paste(alice, "@article{solo, title={Solo}, author={Lovelace, Ada}, journal={J}, year={2020}}\n")
    assert "Saved version 1 of your bibliography: 1 entry;" in response.get_data(as_text=True)
    assert "Version 1: 1 entry from" in response.get_data(as_text=True)
    assert "The entry as BibTeX (.bib)" in client.get("/alice/publications/").get_data(as_text=True)


def test_the_dashboard_names_entries_without_title_author_or_year_and_the_duplicates(alice):
    html = upload(alice, fixture("scholar.bib") + fixture("dblp.bib")).get_data(as_text=True)
    assert "<code>untitled2017</code></td><td>(none)</td><td>title</td>" in html
    assert "<code>noauthor</code></td><td>An editorial without names</td><td>author, year</td>" in html
    assert "has the DOI of &#39;DBLP:conf/icmc/LovelaceS23&#39;" in html


def test_the_dashboard_names_the_pdfs_not_uploaded_until_they_are(alice):
    html = upload(alice, fixture("dblp.bib")).get_data(as_text=True)
    assert "PDFs that are not among your files" in html
    assert "<td><code>DBLP:misc/arxiv/Lovelace25</code></td><td><code>/files/pdf/engines.pdf</code></td>" in html
    store_file(alice.user, "pdf/engines.pdf")
    assert "PDFs that are not among your files" not in alice.get("/dashboard/bibliography").get_data(as_text=True)


def test_pasted_bibtex_is_saved_too(alice, client):
    paste(alice, "@article{pasted, title={Pasted}, author={Lovelace, Ada}, journal={J}, year={2020}}\n")
    assert "Pasted" in client.get("/alice/publications/").get_data(as_text=True)


def test_each_entry_has_a_page_and_a_bib_and_the_whole_list_one_bib(alice, client):
    upload(alice, fixture("dblp.bib"))
    page = client.get("/alice/publication/dblp-misc-arxiv-lovelace25/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<title>Engines of Übermorgen" in html
    assert 'href="/alice/files/pdf/engines.pdf"' in html and 'href="https://github.com/ada/engines"' in html
    assert "<summary>Abstract</summary>" in html and "<summary>Cite<span" in html
    entry = client.get("/alice/publication/dblp-misc-arxiv-lovelace25.bib")
    assert entry.headers["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert entry.get_data(as_text=True).startswith("@misc{DBLP:misc/arxiv/Lovelace25,")
    assert "pdf =" not in entry.get_data(as_text=True)  # al-folio's display fields stay out of a citation
    whole = client.get("/alice/publications.bib").get_data(as_text=True)
    assert whole.count("\n@") + whole.startswith("@") == 4


def test_each_entry_is_sanitized_once_and_the_list_shows_the_block_its_page_shows(alice, client, monkeypatch):
    from profilehost.publishing import sanitize

    sanitize.BLOCKS.clear()
    cleaned = []
    clean = sanitize._Cleaner.clean
    monkeypatch.setattr(sanitize._Cleaner, "clean", lambda self, block: cleaned.append(block) or clean(self, block))
    upload(alice, fixture("zotero.bib"))
    assert sum('class="bibliography-entry"' in block for block in cleaned) == 4
    assert sum('class="bibliography-cite"' in block for block in cleaned) == 4
    listed = client.get("/alice/publications/").get_data(as_text=True)
    page = client.get("/alice/publication/lovelace_notes_2021/").get_data(as_text=True)
    reference = re.search(r'<div class="bibliography-entry">.*?</div>', page, re.S).group(0)
    cite = re.search(r'<details class="bibliography-cite">.*?</details>', page, re.S).group(0)
    assert "Notes on the Analytical Engine" in reference and reference in listed and cite in listed


def test_an_entry_saved_before_its_citation_and_details_were_one_block_is_shown_whole(alice, client):
    upload(alice, fixture("zotero.bib"))
    current = bibliography.current_version(alice.user)
    entries = []
    for entry in current.rendered["entries"]:
        old = {name: value for name, value in entry.items() if name not in ("entry_html", "entry_blocks")}
        entries.append({**old, "citation_html": "Lovelace, A. (2021). <i>Notes</i>.",
                        "details_html": '<p class="bibliography-links"><a href="https://doi.org/10.1/x">DOI</a></p>'})
    current.rendered = {**current.rendered, "entries": entries}
    db.session.commit()
    page = client.get("/alice/publication/lovelace_notes_2021/").get_data(as_text=True)
    assert ('<div class="bibliography-entry"><p class="bibliography-citation">Lovelace, A. (2021). <i>Notes</i>.</p>'
            '<p class="bibliography-links"><a href="https://doi.org/10.1/x">DOI</a></p></div>') in page
    feed = client.get("/alice/feed/publications.xml").get_data(as_text=True)
    assert "Lovelace, A. (2021). &lt;i&gt;Notes&lt;/i&gt;." in feed  # the feed has it too, escaped for XML


def test_an_entry_saved_as_one_block_is_shown_whole_on_its_page(alice, client):
    upload(alice, fixture("zotero.bib"))
    current = bibliography.current_version(alice.user)
    block = ('<div class="bibliography-entry"><p class="bibliography-citation">Old.</p>'
             "<details><summary>Abstract</summary><p>Kept.</p></details></div>")
    current.rendered = {**current.rendered, "entries": [
        {**{name: value for name, value in entry.items() if name != "entry_blocks"}, "entry_html": block}
        for entry in current.rendered["entries"]]}
    db.session.commit()
    page = client.get("/alice/publication/lovelace_notes_2021/").get_data(as_text=True)
    assert block in page and page.count("<summary>Abstract") == 1

def test_an_address_that_names_no_entry_is_the_tenants_own_page(alice, client):
    publish(alice.user, page_source("My paper", "/publication/my-paper/"), "_publications/my-paper.md")
    upload(alice, fixture("zotero.bib"))
    assert "My paper" in client.get("/alice/publication/my-paper/").get_data(as_text=True)
    assert client.get("/alice/publication/nothing-here/").status_code == 404
    assert client.get("/alice/publication/nothing-here.bib").status_code == 404


def test_site_publications_lists_the_entries_as_academicpages_items(alice, client):
    publish(alice.user, LISTING_PAGE, "listing.md")
    upload(alice, fixture("scholar.bib"))
    html = client.get("/alice/listing/").get_data(as_text=True)
    assert '<a href="/alice/publication/lovelace2020poetical/">Poetical science and the Österreich problem</a> ' \
           "in Nature Computing" in html


def test_history_and_restore(alice, client):
    upload(alice, fixture("zotero.bib"))
    upload(alice, fixture("scholar.bib"))
    response = post_form(alice, "/dashboard/bibliography/versions/1/restore", {},
                         form_url="/dashboard/bibliography", follow_redirects=True)
    assert "Restored version 1 as version 3 of your bibliography: 4 entries" in response.get_data(as_text=True)
    assert version_numbers(alice.user) == [3, 2, 1]
    assert "Notes on the Analytical Engine" in client.get("/alice/publications/").get_data(as_text=True)


def test_removing_the_bibliography_empties_the_list_and_keeps_its_versions(alice, client):
    upload(alice, fixture("zotero.bib"))
    removed = post_form(alice, "/dashboard/bibliography/remove", {}, form_url="/dashboard/bibliography",
                        follow_redirects=True).get_data(as_text=True)
    assert "Your bibliography is off your site. Upload or paste one above, or restore a version below." in removed
    assert "Notes on the Analytical Engine" not in client.get("/alice/publications/").get_data(as_text=True)
    assert client.get("/alice/publications.bib").status_code == 404
    assert version_numbers(alice.user) == [2, 1]


def test_hostile_fields_are_rendered_harmless(alice, client):
    upload(alice, fixture("hostile.bib"))
    for url in ("/alice/publications/", "/alice/publication/hostile1/"):
        html = client.get(url).get_data(as_text=True)
        body = html.split("<body", 1)[1]
        assert "<script>alert" not in body and "<iframe" not in body and "<img src=x" not in body
        assert "javascript:" not in html and "data:text/html" not in html
        assert "onerror=alert(1)&gt;" in body  # shown as the text it is


def test_the_api_puts_and_gets_the_bibliography(client, make_user):
    tenant = make_user("alice")
    publish(tenant, PUBLICATIONS_PAGE, "publications.md")
    headers = {"Authorization": f"Bearer {tokens.create_token(tenant, 'CI')[1]}"}
    assert client.get("/api/v1/bibliography", headers=headers).status_code == 404
    response = client.put("/api/v1/bibliography?filename=scholar.bib", data=fixture("scholar.bib"),
                          headers={**headers, "Content-Type": "application/x-bibtex"})
    assert response.status_code == 200
    assert response.json["version"] == 1 and response.json["entries"] == 5
    assert response.json["rerendered"] == ["/publications/"]
    assert {"key": "noauthor", "missing": ["author", "year"]} in response.json["incomplete"]
    got = client.get("/api/v1/bibliography", headers=headers)
    assert got.data == fixture("scholar.bib") and got.headers["Content-Type"].startswith("application/x-bibtex")
    refused = client.put("/api/v1/bibliography", data=fixture("malformed.bib"), headers=headers)
    assert refused.status_code == 422 and "broken2021" in refused.json["message"]
    again = client.put("/api/v1/bibliography", data=fixture("scholar.bib"), headers=headers)
    assert again.json["unchanged"] is True and again.json["version"] == 1


def test_one_tenant_never_sees_anothers_bibliography(alice, client, make_user):
    upload(alice, fixture("zotero.bib"))
    bob = make_user("bob")
    publish(bob, PUBLICATIONS_PAGE, "publications.md")
    assert "Analytical" not in client.get("/bob/publications/").get_data(as_text=True)
    assert client.get("/bob/publication/lovelace_notes_2021/").status_code == 404
    assert client.get("/bob/publications.bib").status_code == 404


def test_the_export_holds_the_bib_and_each_entry_as_an_academicpages_item(alice):
    upload(alice, fixture("dblp.bib"), "dblp.bib")
    upload(alice, fixture("dblp.bib") + b"\n@misc{liquid, title={{{ site.secret }} {% include x %}}, year={2020}}\n",
           "dblp.bib")
    with exported_archive(alice.user) as archive:
        names = archive.namelist()
        item = archive.read("alice-site/_publications/dblp-conf-icmc-lovelaces23.md").decode()
        liquid = archive.read("alice-site/_publications/liquid.md").decode()
        bib = archive.read("alice-site/_bibliography/dblp.bib")
    assert bib.startswith(fixture("dblp.bib"))
    assert "alice-site/_publications/dblp-misc-arxiv-lovelace25.md" in names
    front, body = item.split("---\n")[1:3]
    values = yaml.safe_load(front)
    assert values["title"] == "Loops, Cards and the Bernoulli Numbers"
    assert values["permalink"] == "/publication/dblp-conf-icmc-lovelaces23/"
    assert values["venue"] == "Proceedings of ICMC 2023" and values["date"] == "2023-01-01"
    assert values["authors"] == ["Lovelace, Ada", "Somerville, Mary"]
    assert "Loops, Cards and the Bernoulli Numbers" in body
    assert "{{" not in liquid.split("---\n", 2)[2] and "{%" not in liquid.split("---\n", 2)[2]


@needs_jekyll
def test_the_export_with_a_bibliography_builds_with_jekyll(alice, tmp_path):
    upload(alice, fixture("zotero.bib"))
    source = built_with_jekyll(alice.user, tmp_path)
    built = (source / "_site/publication/lovelace_notes_2021/index.html").read_text()
    assert "Notes on the Analytical Engine: A Re-reading" in built
    listed = (source / "_site/publications/index.html").read_text()
    assert '<h2 class="bibliography-group">Journal articles</h2>' in listed
    assert "Loops, Cards and the Bernoulli Numbers" in listed


def test_an_archives_bibliography_folder_is_one_bib_with_papers_first():
    found = bibliography.bibliography_from_archive_files({
        "_bibliography/talks.bib": b"@misc{t, title={T}}\n", "_bibliography/papers.bib": b"@misc{p, title={P}}\n",
        "_bibliography/old/x.bib": b"@misc{x}", "_pages/about.md": b"---\n---\n"})
    assert found == (b"@misc{p, title={P}}\n\n@misc{t, title={T}}\n", "_bibliography (papers.bib, talks.bib)")
    assert bibliography.bibliography_from_archive_files({"_pages/about.md": b""}) is None


def test_restoring_a_version_one_does_not_have_is_not_found(alice, make_user, make_client):
    upload(alice, fixture("zotero.bib"))
    upload(alice, fixture("scholar.bib"))
    make_user("bob")
    bob = make_client()
    log_in(bob, "bob")
    response = post_form(bob, "/dashboard/bibliography/versions/1/restore", {}, form_url="/dashboard/bibliography")
    assert response.status_code == 404
    assert version_numbers(alice.user) == [2, 1]


def test_an_entrys_page_carries_google_scholars_tags_in_the_authors_order(alice, client):
    store_file(alice.user, "pdf/engines.pdf")
    upload(alice, fixture("dblp.bib") + fixture("zotero.bib"))
    html = client.get("/alice/publication/lovelace_notes_2021/").get_data(as_text=True)
    tags = re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)">', html)
    assert tags[:5] == [("citation_title", "Notes on the Analytical Engine: A Re-reading"),
                        ("citation_author", "Lovelace, Ada"), ("citation_author", "Babbage, Charles"),
                        ("citation_author", "Müller, Jörg"), ("citation_publication_date", "2021/03/01")]
    assert ("citation_journal_title", "Journal of Computing History") in tags
    assert ("citation_doi", "10.1234/engine.2021.012") in tags
    preprint = client.get("/alice/publication/dblp-misc-arxiv-lovelace25/").get_data(as_text=True)
    assert '<meta name="citation_pdf_url" content="http://localhost/alice/files/pdf/engines.pdf">' in preprint


def test_an_al_folio_bibliography_folder_in_an_import_is_the_bibliography(make_user, client):
    alice = make_user("alice")
    files = site_with({"_bibliography/papers.bib": fixture("zotero.bib"),
                       "_pages/publications.md": PUBLICATIONS_PAGE})
    report = import_site(alice, build_zip(files), "site.zip", quota=100 * 1024 * 1024)
    assert report.ok, report.errors
    assert ("papers.bib", "bibliography", "/alice/publications.bib") in report.imported
    assert bibliography.current_version(alice).source_name == "papers.bib"
    html = client.get("/alice/publications/").get_data(as_text=True)
    assert "Notes on the Analytical Engine: A Re-reading" in html


def test_a_malformed_bib_in_an_import_refuses_it_naming_the_entry_and_changes_nothing(make_user):
    alice = make_user("alice")
    report = import_site(alice, build_zip(site_with({"_bibliography/papers.bib": fixture("malformed.bib")})),
                         "site.zip", quota=100 * 1024 * 1024)
    assert not report.ok
    assert any("broken2021" in message for _path, message in report.errors)
    assert bibliography.current_version(alice) is None


YEARS_BIB = b"""@article{loom2023, title={Looms Revisited}, author={Lovelace, Ada}, journal={J}, year={2023},
  selected={true}}
@inproceedings{cards2023, title={Punched Cards at Scale}, author={Lovelace, Ada}, booktitle={Proc}, year={2023}}
@article{engine2021, title={The Engine Notes}, author={Lovelace, Ada}, journal={J}, year={2021}}
"""
# al-folio's publications page: one list per year, each from jekyll-scholar's query.
BY_YEAR = page_source("Years", "/by-year/", body="{% for y in page.years %}\n<h3 class=\"year\">{{ y }}</h3>\n"
                      "{% bibliography -f papers -q @*[year={{y}}]* %}\n{% endfor %}").replace(
    b"title: \"Years\"\n", b"title: \"Years\"\nyears: [2023, 2021]\n")


def sections(html: str) -> dict[str, str]:
    parts = re.split(r'<h3 class="year">(\d{4})</h3>', html)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_a_query_per_year_lists_each_years_entries_under_it_and_only_those(alice, client):
    publish(alice.user, BY_YEAR, "by-year.md")
    upload(alice, YEARS_BIB)
    page = client.get("/alice/by-year/").get_data(as_text=True)
    by_year = sections(page[page.index("data-page-body"):])
    assert "Looms Revisited" in by_year["2023"] and "Punched Cards at Scale" in by_year["2023"]
    assert "The Engine Notes" not in by_year["2023"]
    assert "The Engine Notes" in by_year["2021"] and "Looms Revisited" not in by_year["2021"]
    assert '<ol class="bibliography">' in by_year["2021"]


def test_a_query_by_type_and_field_lists_what_jekyll_scholar_would(alice, client):
    publish(alice.user, page_source("Chosen", "/chosen/", body="{% bibliography -q @*[selected=true]* %}\n\n"
                                    "---\n\n{% bibliography --query @inproceedings %}"), "chosen.md")
    upload(alice, YEARS_BIB)
    page = client.get("/alice/chosen/").get_data(as_text=True)
    selected, papers = page[page.index("data-page-body"):].split("<hr", 1)
    assert "Looms Revisited" in selected and "Punched Cards" not in selected and "Engine Notes" not in selected
    assert "Punched Cards at Scale" in papers and "Looms Revisited" not in papers


def test_a_file_name_with_control_characters_is_refused_by_the_api_and_nothing_is_stored(make_user, client):
    alice = make_user("alice")
    secret = tokens.create_token(alice, "CI")[1]
    response = client.put("/api/v1/bibliography?filename=pa%00pers.bib", data=b"@misc{a, title={A}, year={2020}}",
                          headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422 and "file name" in response.json["message"]
    assert bibliography.current_version(alice) is None


def menu_link(html: str, title: str) -> str:
    return re.search(rf'<a href="[^"]*"[^>]*>{title}</a>', html.split('aria-label="Site menu"', 1)[1]).group(0)


def test_an_entrys_address_without_its_slash_leads_to_its_page(alice, client):
    upload(alice, fixture("zotero.bib"))
    response = client.get("/alice/publication/lovelace_notes_2021")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/alice/publication/lovelace_notes_2021/")
    assert client.get("/alice/publication/no_such_entry").status_code == 404


def test_an_entrys_page_links_back_to_the_list_and_marks_its_menu_item(alice, client):
    publish(alice.user, page_source("Publications", "/publications/", "{% bibliography %}", nav_order=2))
    publish(alice.user, page_source("Home", "/", nav_order=1))
    upload(alice, fixture("zotero.bib"))
    html = client.get("/alice/publication/lovelace_notes_2021/").get_data(as_text=True)
    assert re.search(r'<p class="page__listed-on"><a href="/alice/publications/">.*Publications</a></p>', html)
    assert menu_link(html, "Publications") == '<a href="/alice/publications/" aria-current="true">Publications</a>'
    assert menu_link(html, "Home") == '<a href="/alice/">Home</a>'


@pytest.mark.parametrize(("pages", "listed_on"), [
    # al-folio: the home page lists the selected papers, another page all of them
    ({"/": "{% bibliography -q @*[selected=true]* %}", "/papers/": "{% bibliography %}"}, "/alice/papers/"),
    ({"/work/": "{% bibliography %}", "/publications/": "{% bibliography %}"}, "/alice/publications/"),
    # academicpages' archive page of the collection, even when its list is written by hand
    ({"/publications/": "A list written by hand."}, "/alice/publications/"),
    ({"/about/": "No list here."}, None),
])
def test_an_entrys_page_links_to_the_page_that_lists_the_publications(logged_in, client, pages, listed_on):
    for permalink, body in pages.items():
        publish(logged_in.user, page_source("Listed", permalink, body), permalink.strip("/") + ".md")
    upload(logged_in, fixture("zotero.bib"))
    html = client.get("/alice/publication/lovelace_notes_2021/").get_data(as_text=True)
    found = re.search(r'<p class="page__listed-on"><a href="([^"]*)">', html)
    assert (found and found.group(1)) == listed_on



def test_the_abstract_is_open_on_the_entrys_page_and_closed_in_the_list(alice, client):
    upload(alice, fixture("zotero.bib"))
    page = client.get("/alice/publication/lovelace_notes_2021/").get_data(as_text=True)
    listed = client.get("/alice/publications/").get_data(as_text=True)
    assert re.search(r"<details[^>]* open[^>]*><summary>Abstract</summary><p>We read the notes again, with élan",
                     page)
    assert page.count("<summary>Abstract") == 1
    abstract = re.search(r"<details[^>]*><summary>Abstract.*?</details>", listed, re.S).group(0)
    assert "We read the notes again" in abstract and " open" not in abstract.split(">", 1)[0]


def test_a_hostile_abstract_is_text_on_the_entrys_page_where_it_is_shown_open(alice, client):
    upload(alice, b"@article{x, title={T}, author={Lovelace, Ada}, year={2020}, journal={J},\n"
                  b"  abstract={</p></details><script>alert(1)</script><img src=x onerror=alert(2)>}}\n")
    page = client.get("/alice/publication/x/").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;/p&gt;&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_each_entrys_abstract_and_cite_toggles_say_which_entry_in_the_list(alice, client):
    upload(alice, fixture("zotero.bib"))
    listed = client.get("/alice/publications/").get_data(as_text=True)
    summaries = re.findall(r"<summary>(.*?)</summary>", listed)
    assert [summary for summary in summaries if summary.startswith("Abstract")] == [
        'Abstract<span class="visually-hidden"> of Notes on the Analytical Engine: A Re-reading</span>']
    cites = [summary for summary in summaries if summary.startswith("Cite")]
    assert len(cites) == 4 and len(set(cites)) == 4
    assert 'Cite<span class="visually-hidden"> Loops, Cards and the Bernoulli Numbers</span>' in cites
