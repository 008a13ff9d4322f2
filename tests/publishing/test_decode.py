import codecs

import pytest

from profilehost.publishing import PublishError
from profilehost.publishing.decode import MAX_SOURCE_BYTES, decode_source

TEXT = "Zoë Café 郑楚杰 – “quoted”"


@pytest.mark.parametrize("raw", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
])
def test_utf8_and_utf16_with_or_without_bom(raw):
    assert decode_source(raw, "a.md") == (TEXT, [])


@pytest.mark.parametrize(("wrong_codec", "original"), [
    ("mac_roman", "title: \"Zoë Café 郑楚杰\"\n\nHello – world."),
    ("cp1252", "title: \"Zoë Café naïve\"\n\nHello – world."),
    ("latin-1", "title: \"Zoë Café 郑楚杰\"\n\nHello world."),
])
def test_mojibake_is_repaired_with_a_notice_showing_samples(wrong_codec, original):
    garbled = original.encode("utf-8").decode(wrong_codec)
    text, notices = decode_source(garbled.encode("utf-8"), "a.md")
    assert text == original
    assert len(notices) == 1 and "Repaired garbled characters" in notices[0] and "->" in notices[0]


def test_crlf_line_ends_become_lf_silently():
    assert decode_source(b"a\r\nb\r\n", "a.md") == ("a\nb\n", [])


def test_the_authors_choices_are_not_repaired():
    text = "&amp; “curly” ＡＢＣ ﬁ，。"
    assert decode_source(text.encode(), "a.md") == (text, [])


def test_invalid_utf8_names_the_line_and_the_fix():
    with pytest.raises(PublishError) as refused:
        decode_source(b"line one\nline two \xff\xfe\xfd\n", "cv.md")
    assert "cv.md, line 2" in refused.value.message and "UTF-8" in refused.value.message


def test_oversized_files_are_refused():
    with pytest.raises(PublishError, match="at most 1 MiB"):
        decode_source(b"a" * (MAX_SOURCE_BYTES + 1), "big.md")


def test_a_file_garbled_one_way_is_repaired_on_every_line():
    original = "title: \"Zoë 郑楚杰\"\n\n- first [🤗 model](https://example.org)\n- second [🤗 demo](https://example.org)\n"
    garbled = original.encode("utf-8").decode("mac_roman")
    text, _notices = decode_source(garbled.encode("utf-8"), "a.md")
    assert text == original


def test_the_repair_notice_of_a_long_garbled_line_quotes_a_short_stretch_of_it():
    garbled = ("été " * 4000).encode("utf-8").decode("latin-1")
    text, notices = decode_source(garbled.encode("utf-8"), "a.md")
    assert text == "été " * 4000
    assert "'Ã©tÃ©" in notices[0] and "-> 'été" in notices[0] and len(notices[0]) < 300
