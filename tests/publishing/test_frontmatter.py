import pytest

from profilehost.publishing import PublishError, frontmatter, publish_source
from profilehost.publishing.frontmatter import MAX_YAML_DEPTH


def render(front: str, body: str = "Text.", filename: str = "page.md"):
    return publish_source(f"---\n{front}\n---\n{body}\n".encode(), filename=filename, tenant_base="/ada")


def refused(front: str, filename: str = "page.md") -> PublishError:
    with pytest.raises(PublishError) as error:
        render(front, filename=filename)
    return error.value


def test_known_keys_are_typed():
    meta = render('title: "T"\npermalink: /t/\nauthor_profile: true\npublished: false\nnav_order: 3\n'
                  'nav_title: Short\ndate: 2024-01-02\nexcerpt: "An *excerpt*."').meta
    assert (meta.title, meta.permalink, meta.author_profile, meta.published, meta.nav_order, meta.nav_title,
            meta.date, meta.description) == ("T", "/t/", True, False, 3, "Short", "2024-01-02", "An excerpt.")


@pytest.mark.parametrize(("given", "normalised"), [
    ("/", "/"), ("/about/", "/about/"), ("/about", "/about/"), ("about", "/about/"), ("/cv.html", "/cv/"),
    ("/talks/2024/", "/talks/2024/"), ("/index.html", "/"), ("/über-mich/", "/über-mich/"),
])
def test_permalinks_are_normalised(given, normalised):
    assert render(f"permalink: {given}").meta.permalink == normalised


@pytest.mark.parametrize("bad", ["/../etc/", "/a//b/", "'/a\\\\b/'", "/a b/", "/a?x=1", "/a#b", "https://evil/",
                                 "//evil.example/", "'/a\\tb/'", "/./a/"])
def test_bad_permalinks_are_refused_naming_the_field_and_line(bad):
    error = refused(f"title: x\npermalink: {bad}")
    assert error.field == "permalink" and error.line == 3
    assert "page.md, line 3, field 'permalink'" in error.message


def test_missing_permalink_comes_from_the_file_name():
    assert render("title: x", filename="about.md").meta.permalink == "/about/"
    assert render("title: x", filename="index.md").meta.permalink == "/"
    assert render("title: x", filename="README.md").meta.permalink == "/"


def test_redirect_from_takes_a_path_or_a_list():
    assert render("permalink: /\nredirect_from: /old").meta.redirect_from == ("/old/",)
    assert render("permalink: /\nredirect_from:\n  - /about/\n  - /about.html").meta.redirect_from == (
        "/about/", "/about.html")


@pytest.mark.parametrize(("front", "field", "expected"), [
    ("author_profile: yes please", "author_profile", "true or false"),
    ("published: 'no'", "published", "true or false"),
    ("nav_order: first", "nav_order", "whole number"),
    ("nav_order: true", "nav_order", "whole number"),
    ("title: [a, b]", "title", "expected text"),
    ("redirect_from: {a: 1}", "redirect_from", "list of paths"),
    ("date: yesterday", "date", "YYYY-MM-DD"),
])
def test_wrong_types_are_refused_with_what_was_expected(front, field, expected):
    error = refused(front)
    assert error.field == field and expected in error.message and "line 2" in error.message


def test_yaml_errors_report_the_line_of_the_file():
    error = refused('title: "ok"\npermalink: /x/\nbroken: [unclosed')
    assert error.line in (4, 5) and f"line {error.line}" in error.message


def test_unclosed_front_matter_is_explained():
    with pytest.raises(PublishError, match="never ends"):
        publish_source(b"---\ntitle: x\n\nBody without end\n", filename="p.md", tenant_base="/a")


def test_front_matter_over_64_kib_is_refused():
    assert "64 KiB" in refused("title: x\nbig: " + "a" * 70_000).message


def test_billion_laughs_is_refused_by_counting_the_written_nodes_and_nothing_is_built(monkeypatch):
    """Nine references nested nine levels deep would expand to 9**9 values; the check looks at each place a node
    is written once (about a hundred here), whatever the expansion, and refuses before building any value."""
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "\n".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8))
    visits = 0
    size_of = frontmatter._expanded_size

    def counted(*args):
        nonlocal visits
        visits += 1
        assert visits <= 500, "the alias check walks the expansion instead of the written document"
        return size_of(*args)

    monkeypatch.setattr(frontmatter, "_expanded_size", counted)
    monkeypatch.setattr(frontmatter._BoundedLoader, "construct_document",
                        lambda *_: pytest.fail("a value was built from the bomb"))
    assert "aliases" in refused(bomb).message
    assert visits > 0


def test_python_objects_cannot_be_built():
    error = refused("title: !!python/object/apply:os.system ['echo hacked']")
    assert "line 2" in error.message


def test_layout_is_accepted_and_noted_and_unknown_keys_are_listed():
    notices = render("layout: splash\nclasses: wide\nsidebar: true").notices
    assert any("layout: splash" in notice and "not one profilehost knows" in notice for notice in notices)
    assert any("classes, sidebar" in notice for notice in notices)


@pytest.mark.parametrize(("front", "said"), [
    ('title: "Unclosed\nexcerpt: fine\n', "line 2: a quote opened on this line is never closed"),
    ("title: x\ntags: [a, b\n", "line 3: a '[' list opened on this line is never closed with ']'"),
    ("title: x\nauthor: {name: Ada\n", "line 3: a '{' opened on this line is never closed with '}'"),
])
def test_an_unclosed_quote_or_bracket_is_found_where_it_was_opened(front, said):
    with pytest.raises(PublishError) as refused:
        publish_source(f"---\n{front}---\nBody\n".encode(), filename="p.md", tenant_base="/a")
    assert refused.value.message.startswith(f"p.md, {said}")


@pytest.mark.parametrize(("front", "said"), [
    # The quote runs on to the next quote in the front matter, and YAML stumbles on what follows it.
    ('title: "Research\npermalink: /research/\nauthor_profile: true\nexcerpt: "Work"\n',
     "line 2: a quote opened on this line is never closed"),
    ("title: 'Research\npermalink: /research/\nexcerpt: 'Work'\n",
     "line 2: a quote opened on this line is never closed"),
    # The list runs on into the next line, whose ':' cannot be inside it.
    ("title: [unclosed\npermalink: /research/\n", "line 2: a '[' list opened on this line is never closed with ']'"),
    ("title: x\nauthor: {name: Ada\n\nbio: Curious\n", "line 3: a '{' opened on this line is never closed with '}'"),
])
def test_an_unclosed_quote_or_bracket_with_lines_after_it_is_found_where_it_was_opened(front, said):
    with pytest.raises(PublishError) as refused:
        publish_source(f"---\n{front}---\nBody\n".encode(), filename="p.md", tenant_base="/a")
    assert refused.value.message.startswith(f"p.md, {said}")


def test_quotes_and_lists_over_several_lines_are_still_yaml():
    rendered = render('title: "Research\n  and teaching"\ntags: [a,\n  b]')
    assert rendered.meta.title == "Research and teaching" and rendered.front_matter["tags"] == ["a", "b"]


def test_an_error_after_a_value_over_several_lines_is_not_blamed_on_its_quote():
    error = refused('title: "Research\n  and teaching"\nvenue: x: y')
    assert error.message.startswith("page.md, line 4: mapping values are not allowed here")


@pytest.mark.parametrize("character", ["\x81", "\ufffe"])
def test_a_character_yaml_cannot_hold_is_named_with_its_line(character):
    error = refused(f"title: ok\nvenue: a{character}b")
    assert "page.md, line 3" in str(error) and f"U+{ord(character):04X}" in str(error)


def test_nesting_deeper_than_the_limit_is_refused_as_nesting_with_its_line():
    error = refused("title: x\ntags: " + "[" * 2000 + "]" * 2000)
    assert error.line == 3
    assert f"line 3: lists and mappings are nested {MAX_YAML_DEPTH + 1} levels deep here" in error.message
    assert "aliases" not in error.message


def test_an_alias_inside_its_own_anchor_is_refused_as_aliases():
    assert "anchors and aliases" in refused("title: x\nloop: &a [*a]").message


def test_front_matter_after_blank_lines_is_published_as_text_with_a_notice_saying_what_to_do():
    source = b"\n\n---\ntitle: Research\npermalink: /research/\n---\n\nBody.\n"
    rendered = publish_source(source, filename="research.md", tenant_base="/a")
    assert rendered.front_matter == {} and "permalink: /research/" in rendered.body_html  # as Jekyll does
    [said] = [notice for notice in rendered.notices if "line 1" in notice]
    assert said.startswith("research.md: the front matter starts on line 3")
    assert "must start on line 1 with '---'" in said and "Delete the 2 blank lines" in said


@pytest.mark.parametrize("source", [
    b"\n---\n\nA paragraph between two rules.\n\n---\n",
    b"\n---\n# Contents\n- one\n---\n\nText.\n",
    b"\n---\ntitle: Research\nBody without a closing rule.\n",
])
def test_rules_and_text_after_a_blank_line_get_no_front_matter_notice(source):
    rendered = publish_source(source, filename="p.md", tenant_base="/a")
    assert not any("front matter" in notice for notice in rendered.notices)


@pytest.mark.parametrize("front", [
    "title: x\nauthor: [a] , " + "[" * 60_000 + "\n",  # every '[' of a line weighed again at each token
    "title: x\nauthor: " + "[" * 49 + "a, " * 15_000 + "]]: :\n",
])
def test_explaining_a_yaml_mistake_reads_no_more_of_the_text_than_the_load_did(front, monkeypatch):
    scanned = []
    original = frontmatter.yaml.scan

    def counted(*args, **kwargs):
        for token in original(*args, **kwargs):
            scanned.append(token)
            yield token

    monkeypatch.setattr(frontmatter.yaml, "scan", counted)
    with pytest.raises(PublishError):
        frontmatter.load_yaml(front, "a.md")
    assert len(scanned) <= frontmatter.MAX_SCANNED_TOKENS + 1  # the one that stops it
    assert all(token.start_mark.line <= 1 for token in scanned[:-1])
    assert sum(isinstance(token, frontmatter.FLOW_STARTS) for token in scanned) <= MAX_YAML_DEPTH + 1
