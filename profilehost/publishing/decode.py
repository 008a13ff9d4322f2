"""Bytes to text: BOMs, UTF-16, and mojibake repaired with ftfy (UTF-8 that went through Latin-1, cp1252 or
Mac Roman on its way, as happens when a site is copied between editors)."""

from __future__ import annotations

import codecs
import re

import ftfy

from .errors import PublishError

MAX_SOURCE_BYTES = 1024 * 1024
SAMPLES = 3
SAMPLE_CHARS = 40


def decode_source(raw: bytes, filename: str) -> tuple[str, list[str]]:
    """The text of an upload and notices about what was repaired. Raises PublishError for non-text."""
    if len(raw) > MAX_SOURCE_BYTES:
        raise PublishError(f"{filename} is {len(raw) / 1048576:.1f} MiB; pages can be at most 1 MiB. "
                           "Move large content (tables of data, images) into files and link to them.")
    if not raw.strip():
        raise PublishError(f"{filename} is empty. Upload a Markdown file with your page's text.")
    text = _decode(raw, filename)
    if "\x00" in text or _looks_binary(text):
        raise PublishError(f"{filename} is not a text file (it contains binary data). Upload the .md file itself.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    repaired = repair_mojibake(text)
    notices = [_repair_notice(text, repaired)] if repaired != text else []
    return repaired, notices


# Only mojibake is repaired: entities, curly quotes, full-width CJK punctuation and ligatures are the author's
# own choices and stay as written.
FTFY_OPTIONS = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, fix_character_width=False,
                                    fix_latin_ligatures=False, normalization=None)


FTFY_ASCII_FIXES = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def repair_mojibake(text: str) -> str:
    """ftfy judges each line on its own, and misses lines whose only damage is, say, one emoji. A file is
    garbled one way throughout, so the plan ftfy finds for the first line it repairs is tried on the whole
    text; if it does not fit the whole text, the line-by-line repair stands."""
    if text.isascii() and not FTFY_ASCII_FIXES.search(text):
        # Mojibake needs non-ASCII characters; ASCII text has nothing for ftfy but control characters.
        return text
    by_line = ftfy.fix_text(text, FTFY_OPTIONS)
    if by_line == text:
        return text
    for line in text.split("\n"):
        fixed, plan = ftfy.fix_and_explain(line, FTFY_OPTIONS)
        if fixed == line:
            continue
        if not plan or any(step not in ("encode", "decode") for step, _ in plan):
            return by_line
        try:
            whole = ftfy.apply_plan(text, [(step, argument) for step, argument in plan])
        except (UnicodeError, LookupError):
            return by_line
        return ftfy.fix_text(whole, FTFY_OPTIONS)
    return by_line


def _decode(raw: bytes, filename: str) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise PublishError(f"{filename} starts like UTF-16 but is not valid UTF-16. "
                               "Save it as UTF-8 and upload it again.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        if b"\x00" in raw:
            raise PublishError(f"{filename} is not a text file (it contains binary data). "
                               "Upload the .md file itself.") from None
        raise PublishError(f"{filename}, line {line}: these bytes are not UTF-8 text. Save the file as UTF-8 "
                           "(in most editors: Save As > Encoding > UTF-8) and upload it again.", line=line) from None


def _looks_binary(text: str) -> bool:
    # A stray control character is a typo (ftfy removes it); many of them mean the file is not text.
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f")
    return controls > 8 and controls / len(text) > 0.02


def _repair_notice(before: str, after: str) -> str:
    # Linear on purpose: a notice must not cost more than the repair (difflib is quadratic on a long line).
    samples = []
    for old, new in zip(before.split("\n"), after.split("\n"), strict=False):
        if old != new:
            samples.append(_changed_words(old, new))
            if len(samples) == SAMPLES:
                break
    shown = "; ".join(f"'{old}' -> '{new}'" for old, new in samples)
    return ("Repaired garbled characters (the file had been decoded with the wrong encoding somewhere)"
            + (f": {shown}." if shown else ".") + " Check the page and upload a UTF-8 file to silence this notice.")


def _changed_words(old: str, new: str) -> tuple[str, str]:
    """The first changed stretch of a line, before and after, with a few characters either side, each cut to
    SAMPLE_CHARS."""
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while (suffix < min(len(old), len(new)) - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]):
        suffix += 1
    start = max(prefix - 8, 0)
    return _clip(old[start: len(old) - suffix + 8]), _clip(new[start: len(new) - suffix + 8])


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= SAMPLE_CHARS else text[:SAMPLE_CHARS].rstrip() + "…"
