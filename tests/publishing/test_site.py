"""What a page's Liquid sees of its site: the site files read as Jekyll reads them."""

import pytest

from profilehost.publishing import PublishError, load_yaml_document
from profilehost.publishing.site import SiteDocument, listed_pages, read_site_files


def test_a_csv_data_file_is_a_list_of_rows_keyed_by_its_header():
    data = read_site_files({"_data/people.csv": b"name,role\nAda,PI\n"}, load_yaml_document)[1]
    assert data["people"] == [{"name": "Ada", "role": "PI"}]


def test_a_csv_data_file_that_cannot_be_read_is_refused_naming_the_file_and_line():
    raw = b"name,bio\nAda,short\nGrace,\"" + b"x" * 200_000 + b"\"\n"
    with pytest.raises(PublishError) as refused:
        read_site_files({"_data/people.csv": raw}, load_yaml_document)
    assert refused.value.message.startswith("_data/people.csv, line 3: ")
    assert refused.value.line == 3


def test_a_page_has_only_what_its_front_matter_says_a_document_gets_a_title_and_id_from_its_name():
    page = SiteDocument(url="/assets/css/main.css", front_matter={}, path="assets/css/main.scss").to_liquid()
    item = SiteDocument(url="/talks/umap-2018/", front_matter={}, collection="talks",
                        path="_talks/umap-2018.md").to_liquid()
    assert "title" not in page and "id" not in page
    assert (item["title"], item["id"]) == ("Umap 2018", "/talks/umap-2018")


def test_site_pages_lists_redirect_pages_only_when_the_site_uses_jekyll_redirect_from():
    about = SiteDocument(url="/", front_matter={"redirect_from": ["/about/"]}, path="_pages/about.md")
    assert [page.url for page in listed_pages([about], [], {})] == ["/"]
    assert [page.url for page in listed_pages([about], [], {"plugins": ["jekyll-redirect-from"]})] == [
        "/", "/about/", "/redirects.json"]


def test_listings_give_the_address_as_the_front_matter_writes_it_as_jekyll_does():
    paper = SiteDocument(url="/publication/paper-1/", front_matter={"permalink": "/publication/paper-1"},
                         collection="publications", path="_publications/paper-1.md")
    talkmap = SiteDocument(url="/talkmap/", front_matter={"permalink": "/talkmap.html"}, path="_pages/talkmap.html")
    templated = SiteDocument(url="/talks/t/", front_matter={"permalink": "/talks/:title/"}, collection="talks",
                             path="_talks/t.md")
    assert [document.to_liquid()["url"] for document in (paper, talkmap, templated)] == [
        "/publication/paper-1", "/talkmap.html", "/talks/t/"]


def test_a_documents_excerpt_is_its_markdown_up_to_the_first_blank_line_as_jekyll_takes_it():
    source = "\n### Groups\n1. First group\n2. Second group\n\nA later paragraph.\n"
    item = SiteDocument(url="/activity/groups/", front_matter={}, collection="activity",
                        path="_activity/groups.md", source=source, content="<p>A later paragraph.</p>")
    excerpt = item.to_liquid()["excerpt"]
    assert "<h3" in excerpt and "<li>Second group</li>" in excerpt and "later" not in excerpt
    assert item.to_liquid(excerpt_separator="<!--more-->")["excerpt"].count("<li>") == 2
    assert "later" in item.to_liquid(excerpt_separator="<!--more-->")["excerpt"]


def test_an_excerpt_with_liquid_in_it_is_the_contents_first_paragraph():
    item = SiteDocument(url="/talks/t/", front_matter={}, collection="talks", path="_talks/t.md",
                        source="See {{ page.venue }}.\n\nMore.", content="<p>See Nature.</p>\n<p>More.</p>")
    assert item.to_liquid()["excerpt"] == "<p>See Nature.</p>"
