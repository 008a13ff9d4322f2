"""The front matter keys shown as text (title, nav_title, description) are stored as the text a reader sees.

academicpages' publication generator writes HTML entities into front matter (`title: "Paper &quot;One&quot;"`);
Jekyll puts them into its HTML as they are, so a visitor reads `Paper "One"`. profilehost stores the decoded text
and its templates escape it once."""

import pytest

from factories import page_source, publish
from profilehost.publishing import publish_source
from profilehost.publishing.frontmatter import split_front_matter
from profilehost.publishing.meta import document_title, read_page_meta
from profilehost.publishing.site import SiteDocument
from support import log_in


def meta_of(front_matter: str, first_paragraph: str = ""):
    front, _body, _line = split_front_matter(f"---\n{front_matter}---\nBody\n", "paper.md")
    return read_page_meta(front, "paper.md", first_paragraph)[0]


@pytest.mark.parametrize(("written", "shown"), [
    ('"Paper &quot;One&quot;"', 'Paper "One"'),
    ('"Ada&apos;s engine"', "Ada's engine"),
    ('"Ada&#39;s engine"', "Ada's engine"),
    ('"Notes &amp; queries"', "Notes & queries"),
    ('"Caf&eacute; &lt;br&gt; talk"', "Café <br> talk"),
    ('"R&D and Q&A"', "R&D and Q&A"),  # a bare '&' is text already
    ('"&amp;quot; is how to write a quote"', "&quot; is how to write a quote"),  # decoded once, not twice
    ('" &quot;Padded&quot; "', '"Padded"'),
])
def test_a_title_is_stored_as_the_text_its_entities_stand_for(written, shown):
    assert meta_of(f"title: {written}\n").title == shown


def test_a_nav_title_is_decoded_like_the_title():
    assert meta_of('title: "T"\nnav_title: "Q&amp;A"\n').nav_title == "Q&A"


def test_a_title_of_only_an_entity_for_a_space_falls_back_to_the_file_name():
    assert meta_of('title: "&#32;"\n').title == "Paper"


@pytest.mark.parametrize("key", ["excerpt", "description"])
def test_a_description_is_plain_text_with_its_entities_decoded(key):
    meta = meta_of(f"title: T\n{key}: 'A &quot;study&quot; of <i>engines</i> &amp; &lt;looms&gt;'\n")
    assert meta.description == 'A "study" of engines & <looms>'


def test_a_description_from_the_first_paragraph_is_not_decoded_a_second_time():
    # The pipeline gives the paragraph's text decoded already: '&lt;' in it is what the reader sees.
    assert meta_of("title: T\n", "Write &lt;b&gt; for bold").description == "Write &lt;b&gt; for bold"


def test_a_decoded_title_is_escaped_once_on_the_page_in_its_head_and_on_the_dashboard(make_user, client):
    alice = make_user("alice")
    publish(alice, page_source("Paper &quot;One&quot; &amp; &lt;Two&gt;", "/paper/",
                               excerpt="'The &quot;first&quot; paper'"))
    page = client.get("/alice/paper/").get_data(as_text=True)
    assert '<h1 class="page__title">Paper &#34;One&#34; &amp; &lt;Two&gt;</h1>' in page
    assert "<title>Paper &#34;One&#34; &amp; &lt;Two&gt; · " in page
    assert '<meta name="description" content="The &#34;first&#34; paper">' in page
    assert "&amp;quot;" not in page and "&amp;amp;" not in page and "&amp;lt;" not in page
    log_in(client, "alice")
    dashboard = client.get("/dashboard/").get_data(as_text=True)
    assert '<th scope="row" class="title-cell">Paper &#34;One&#34; &amp; &lt;Two&gt;</th>' in dashboard
    assert "&amp;quot;" not in dashboard and "&amp;lt;" not in dashboard


def notices_of(front_matter: str) -> list[str]:
    front, _body, _line = split_front_matter(f"---\n{front_matter}---\nBody\n", "paper.md")
    return read_page_meta(front, "paper.md", "")[1]


@pytest.mark.parametrize("layout", ["single", "talk"])
def test_the_academicpages_layouts_the_theme_follows_need_no_notice(layout):
    assert notices_of(f"layout: {layout}\ntalk_type: Talk\nbibtexurl: /x.bib\nmodified: 2020-01-01\n") == []


def test_another_layout_is_named_in_a_notice():
    assert any("'layout: book' is not one profilehost knows" in notice for notice in notices_of("layout: book\n"))


@pytest.mark.parametrize(("filename", "title"), [
    ("_news/JWS-review-2018.md", "Jws Review 2018"),          # Ruby's capitalize, as Jekyll's titleize_slug
    ("_talks/2018-06-01-umap-2018.md", "Umap 2018"),
    ("_posts/2020-01-01-notes-v1.2.md", "Notes V1.2"),
])
def test_an_untitled_document_is_titled_as_jekyll_titles_it_on_its_page_and_in_listings(filename, title):
    assert document_title(filename) == title
    assert SiteDocument(url="/x/", front_matter={}, collection="news", path=filename).to_liquid()["title"] == title


def test_al_folios_about_layout_shows_the_author_profile_unless_the_page_says_not():
    assert read_page_meta(split_front_matter("---\nlayout: about\n---\n", "a.md")[0], "a.md", "")[0].author_profile
    assert not read_page_meta(split_front_matter("---\nlayout: about\nauthor_profile: false\n---\n", "a.md")[0],
                              "a.md", "")[0].author_profile


def test_the_length_limits_are_the_lengths_of_the_columns_that_hold_the_values():
    from profilehost.models import Page, Redirect, Revision
    from profilehost.publishing import meta

    columns = {"permalink": Page.permalink, "redirect": Redirect.path, "title": Page.title,
               "revision title": Revision.title, "nav_title": Page.nav_title}
    lengths = {name: column.property.columns[0].type.length for name, column in columns.items()}
    assert lengths == {"permalink": meta.PATH_LIMIT, "redirect": meta.PATH_LIMIT, "title": meta.TITLE_LIMIT,
                       "revision title": meta.TITLE_LIMIT, "nav_title": meta.NAV_TITLE_LIMIT}


@pytest.mark.parametrize(("front_matter", "field", "limit"), [
    ("title: " + "t" * 301 + "\n", "title", "300"),
    ('title: "' + "&amp;" * 301 + '"\n', "title", "300"),  # counted as stored: decoded
    ("title: T\nnav_title: " + "n" * 121 + "\n", "nav_title", "120"),
    ("title: T\npermalink: /" + "p" * 511 + "/\n", "permalink", "512"),
    ("title: T\nredirect_from: /" + "r" * 511 + ".html\n", "redirect_from", "512"),
    ("title: T\nredirect_from: [" + ", ".join(f"/old-{n}/" for n in range(101)) + "]\n", "redirect_from", "100"),
])
def test_a_value_longer_than_its_column_is_refused_over_the_api_naming_the_field_and_the_limit(
        make_user, client, front_matter, field, limit):
    from profilehost.models import Page
    from profilehost.services import tokens

    secret = tokens.create_token(make_user("alice"), "CI")[1]
    response = client.put("/api/v1/pages/long", data=f"---\n{front_matter}---\nBody\n".encode(),
                          headers={"Authorization": f"Bearer {secret}"})
    message = response.json["message"]
    assert response.status_code == 422 and f"field '{field}'" in message and f"at most {limit}" in message
    assert Page.query.count() == 0


@pytest.mark.parametrize("front_matter", [
    "title: " + "t" * 300 + "\n",
    'title: "' + "&amp;" * 300 + '"\n',
    "title: T\nnav_title: " + "n" * 120 + "\n",
    "title: T\nredirect_from: [" + ", ".join(f"/old-{n}/" for n in range(100)) + "]\n",
])
def test_a_value_as_long_as_its_column_allows_is_published(make_user, front_matter):
    outcome = publish(make_user("alice"), f"---\n{front_matter}permalink: /long/\n---\nBody\n".encode())
    assert outcome.page.permalink == "/long/"


def test_the_keys_profilehost_reads_or_writes_are_not_called_unused():
    # authors: Google Scholar's citation_author; category: the publication groups and the feed's terms; tags:
    # the feed's terms; bibtex_*, year, month: what the bibliography's items carry (an export writes them).
    front_matter = ("authors: [Ada Lovelace]\ncategory: manuscripts\ntags: [engines]\nbibtex_key: ada2024\n"
                    "bibtex_fields: {entry_type: article}\nyear: 2024\nmonth: 3\n")
    assert notices_of(front_matter) == []


def test_academicpages_theme_switches_are_noted_as_having_no_effect_here():
    notices = notices_of("comments: true\nshare: true\n")
    assert notices == ["No effect in profilehost's shared theme (academicpages theme settings): comments, share."]


def test_academicpages_archive_layout_of_its_listing_pages_needs_no_notice():
    assert notices_of("layout: archive\n") == []


def test_keys_the_configs_defaults_give_every_item_are_not_noted_on_each():
    rendered = publish_source(b"---\ntitle: Paper\n---\nText.\n", filename="_publications/paper.md",
                              tenant_base="/ada", defaults={"comments": True, "share": True, "layout": "single"})
    assert rendered.notices == ()
