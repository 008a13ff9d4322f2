"""Broken and hostile uploads: each gets a clear answer naming the file and what to do; none is a 500; none
changes anything."""

from __future__ import annotations

import codecs
from html import unescape

import pytest
from sqlalchemy import func, select

from factories import PDF, PNG
from profilehost.extensions import db
from profilehost.models import Asset, Page, Revision
from support import csrf_token_from
from support import post_files as support_post_files

BOMB = ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "\n".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8))).encode()

PAGE_CASES = [
    ("empty.md", b"", "empty"),
    ("spaces.md", b"   \n\n  ", "empty"),
    ("binary.md", b"\x00\x01\x02\x03" * 100, "not a text file"),
    ("png-renamed.md", PNG, "not"),
    ("latin1.md", "Café \xff".encode("latin-1") + b"\xfe\xfd", "UTF-8"),
    ("utf16-broken.md", codecs.BOM_UTF16_LE + b"\x00\xd8", "UTF-16"),
    ("huge.md", b"a" * (1024 * 1024 + 1), "at most 1 MiB"),
    ("unclosed.md", b"---\ntitle: x\nno end\n", "never ends"),
    ("bad-yaml.md", b"---\ntitle: [unclosed\n---\n", "line"),
    ("tab-yaml.md", b"---\ntitle: x\n\tbad: indent\n---\n", "line"),
    ("list-front.md", b"---\n- a\n- b\n---\n", "key: value"),
    ("bomb.md", b"---\n" + BOMB + b"\n---\n", "aliases"),
    ("python.md", b"---\ntitle: !!python/object/apply:os.system ['id']\n---\n", "line"),
    ("big-front.md", b"---\ntitle: x\nbig: " + b"a" * 70000 + b"\n---\n", "64 KiB"),
    ("perm-dotdot.md", b"---\npermalink: /../x/\n---\n", "permalink"),
    ("perm-double.md", b"---\npermalink: //evil.example/\n---\n", "permalink"),
    ("perm-backslash.md", b"---\npermalink: '/a\\\\b/'\n---\n", "permalink"),
    ("perm-space.md", b"---\npermalink: /a b/\n---\n", "permalink"),
    ("perm-query.md", b"---\npermalink: /a?b=1\n---\n", "permalink"),
    ("perm-control.md", b"---\npermalink: \"/a\\tb/\"\n---\n", "permalink"),
    ("perm-url.md", b"---\npermalink: https://evil.example/\n---\n", "permalink"),
    ("perm-list.md", b"---\npermalink: [a, b]\n---\n", "permalink"),
    ("redirect-dict.md", b"---\nredirect_from: {a: b}\n---\n", "redirect_from"),
    ("redirect-dotdot.md", b"---\nredirect_from: [/../x/]\n---\n", "redirect_from"),
    ("profile-str.md", b"---\nauthor_profile: maybe\n---\n", "author_profile"),
    ("published-str.md", b"---\npublished: later\n---\n", "published"),
    ("nav-str.md", b"---\nnav_order: first\n---\n", "nav_order"),
    ("title-list.md", b"---\ntitle: [a]\n---\n", "title"),
    ("date-bad.md", b"---\ndate: someday\n---\n", "date"),
    ("date-invalid.md", b"---\ndate: 2024-13-45\n---\n", "YYYY-MM-DD"),
    ("deep-quote.md", b">" * 5000 + b" x\n", "line 1: quotes are nested more than 32 deep"),
    ("deep-list.md", b"".join(b"  " * i + b"- x\n" for i in range(200)), "indented more than 128 spaces"),
    ("deep-html.md", b"<div>" * 20000 + b"x" + b"</div>" * 20000, "nested more than 100 deep"),
]
# Inputs on which a regular expression or a Liquid lexer goes quadratic: each is refused at once, by name.
QUADRATIC_CASES = [
    ("capture-unclosed.md", b"{% capture x %}" * 1100, "line 1: block nesting limit reached"),
    ("tag-opens.md", b"{%" * 20000, "line 1: '{%' is never closed with '%}'"),
    ("output-opens.md", b"{{" * 20000, "line 1: '{{' is never closed with '}}'"),
    ("for-unclosed.md", b"{% for x in y %}" * 2000, "line 1: block nesting limit reached"),
    ("raw-unended.md", b"{% raw %}" * 3000, "{% raw %} is never ended with {% endraw %}"),
]
PAGE_CASES += QUADRATIC_CASES
# Mojibake to repair on one long line: repaired, published, with a notice of bounded length.
MOJIBAKE_LINES = [("mojibake.md", ("Ã©tÃ© " * 2700).encode(), "été été"),
                  ("mojibake-mixed.md", ("Ã© â€œx" * 2300).encode(), "é “xé “x")]
FILE_CASES = [
    ("evil.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "SVG and HTML"),
    ("page.html", b"<!doctype html><script>alert(1)</script>", "SVG and HTML"),
    ("fake.png", b"GIF89a" + b"\x00" * 20, "Rename it to end in .gif"),
    ("fake.pdf", b"not a pdf at all", "its name says a PDF document, but its content is not one"),
    ("polyglot.jpg", b"<html>" + PNG, "its name says a JPEG image, but its content is not one"),
    ("script.js", b"alert(1)", "only PNG, JPEG"),
    ("../../etc/passwd.png", PNG, "file names may use"),
    (".hidden.png", PNG, "file names may use"),
    ("semi;colon.png", PNG, "file names may use"),
    (" leading-space.png", PNG, "file names may use"),
    ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "10 MiB"),
    ("empty.pdf", b"", "its name says a PDF document, but its content is not one"),
]


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count(model.id))) for model in (Page, Revision, Asset))


def post_files(client, url: str, files: list[tuple[str, bytes]]):
    """The dashboard's upload forms, as a browser posts them (the token from the page that shows the form)."""
    return support_post_files(client, url, files, form_url="/dashboard/files" if "files" in url else "/dashboard/")


@pytest.mark.parametrize(("name", "data", "message"), PAGE_CASES, ids=[case[0] for case in PAGE_CASES])
def test_a_hostile_page_upload_is_refused_clearly_and_changes_nothing(logged_in, name, data, message):
    before = counts()
    response = post_files(logged_in, "/dashboard/upload", [(name, data)])
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Refused." in html and name.split("/")[-1] in html and message in html
    assert counts() == before


@pytest.mark.parametrize(("name", "data", "message"), QUADRATIC_CASES, ids=[case[0] for case in QUADRATIC_CASES])
def test_a_quadratic_input_in_a_preview_is_explained_and_stores_nothing(logged_in, name, data, message):
    before = counts()
    token = csrf_token_from(logged_in.get("/dashboard/pages/new").get_data(as_text=True))
    response = logged_in.post("/dashboard/pages/preview", data={"csrf_token": token, "source": data.decode()})
    assert response.status_code == 422
    assert message in unescape(response.get_data(as_text=True))
    assert counts() == before


@pytest.mark.parametrize(("name", "data", "repaired"), MOJIBAKE_LINES, ids=[case[0] for case in MOJIBAKE_LINES])
def test_a_long_line_of_mojibake_is_repaired_and_published_with_a_short_notice(logged_in, client, name, data,
                                                                                repaired):
    response = post_files(logged_in, "/dashboard/upload", [(name, data)])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    notice = html[html.index("Repaired garbled characters"):]
    assert len(notice[: notice.index("silence this notice")]) < 300
    page = client.get(f"/alice/{name[:-3]}/").get_data(as_text=True)
    assert repaired in page and "Ã" not in page


@pytest.mark.parametrize(("name", "data", "message"), FILE_CASES, ids=[case[0] for case in FILE_CASES])
def test_a_hostile_file_upload_is_refused_clearly_and_changes_nothing(logged_in, name, data, message):
    before = counts()
    response = post_files(logged_in, "/dashboard/files", [(name, data)])
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert counts() == before


def test_a_request_over_the_size_limit_is_refused_not_crashed(logged_in):
    token = csrf_token_from(logged_in.get("/dashboard/").get_data(as_text=True))
    response = logged_in.post("/dashboard/upload", data={"csrf_token": token},
                              environ_overrides={"CONTENT_LENGTH": str(65 * 1024 * 1024)})
    assert response.status_code == 413
    assert "larger than the service accepts" in response.get_data(as_text=True)


def test_a_file_of_the_wrong_kind_on_the_pages_form_is_explained(logged_in):
    response = post_files(logged_in, "/dashboard/upload", [("photo.png", PNG)])
    assert "Upload images and PDFs under Files" in response.get_data(as_text=True)
