"""The Liquid that academicpages pages use. The site's base paths resolve to '' (link resolution then puts
every root-relative link inside the tenant); a loop over a collection (`{% for post in site.publications
reversed %}...{% endfor %}`, with `limit:` and `offset:` if it has them) becomes that collection's listing,
filled in when the page is served; `{% include toc %}` becomes the page's table of contents; any other tag is
removed and listed in a notice, and capture and comment blocks, which never show, go with their content. Code
is never touched: Liquid inside code samples is the author's text."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

BASE_PATHS = re.compile(r"\{%-?\s*include\s+base_path\s*-?%\}|\{\{-?\s*(?:base_path|site\.baseurl|site\.url)"
                        r"\s*(?:\|[^}]*)?-?\}\}")
OTHER_TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
# academicpages' "On this page" box (`{% include toc title="Contents" %}`), alone on its line: the table of
# contents Markdown makes from the page's headings.
TOC_INCLUDE = re.compile(r"\s*\{%-?\s*include\s+toc(?:\.html)?\b[^%]*-?%\}\s*")
FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")
COLLECTIONS = ("publications", "talks", "teaching", "portfolio", "posts")
FOR_OVER_SITE = re.compile(r"\{%-?\s*for\s+\w+\s+in\s+site\.(\w+)\b([^%]*?)-?%\}")
LOOP_PARAMETER = re.compile(r"\b(limit|offset)\s*:\s*([^\s,]*)")
# More than any listing shows; it keeps the numbers small for the database (and int() away from 5,000 digits).
MAX_LISTED = 1000
MAX_DIGITS = len(str(MAX_LISTED))
FOR_OR_ENDFOR = re.compile(r"\{%-?\s*(for|endfor)\b[^%]*-?%\}")
# Blocks that never show their content in Jekyll: dropped whole, not just their tags.
SILENT_BLOCKS = re.compile(r"\{%-?\s*(capture|comment)\b.*?%\}.*?\{%-?\s*end\1\s*-?%\}", re.S)
LISTING_ELEMENTS = re.compile(r'<div class="collection-listing" data-collection="(\w+)"'
                              rf'(?: data-limit="([0-9]{{1,{MAX_DIGITS}}})")?'
                              rf'(?: data-offset="([0-9]{{1,{MAX_DIGITS}}})")?></div>')


@dataclass(frozen=True)
class Listing:
    """What a loop lists: the collection's items newest first, `offset` of them skipped, then at most `limit`.

    Liquid slices before `reversed`, so in Jekyll `site.publications reversed limit:3` would be the three oldest;
    a served listing is always newest first, and its newest three are what a 'recent' block is written for."""
    collection: str
    limit: int | None = None
    offset: int = 0


def listing_element(listing: Listing) -> str:
    """The element a served page replaces with the listing; the sanitizer refuses data-* attributes in authors'
    HTML, so only a loop the pipeline recognised can produce it."""
    limit = f' data-limit="{listing.limit}"' if listing.limit is not None else ""
    offset = f' data-offset="{listing.offset}"' if listing.offset else ""
    return f'<div class="collection-listing" data-collection="{listing.collection}"{limit}{offset}></div>'


def listings_in(html: str) -> list[tuple[str, Listing]]:
    """Each listing element in a stored body, with what it lists: the reverse of `listing_element`."""
    found: dict[str, tuple[str, Listing]] = {}
    for match in LISTING_ELEMENTS.finditer(html):
        if match.group(1) in COLLECTIONS and match.group(1) not in found:
            listing = Listing(match.group(1), _number(match.group(2)), _number(match.group(3)) or 0)
            found[listing.collection] = (match.group(0), listing)
    # The first of each collection only: a body stored before tokens were placed once may hold copies.
    return list(found.values())


def _number(digits: str | None) -> int | None:
    return None if digits is None else min(int(digits), MAX_LISTED)


def extract_collection_loops(body: str, first_line: int = 1) -> tuple[str, dict[str, Listing], list[str]]:
    """Replace each `{% for ... in site.<collection> %}` block outside code with a token line.

    Returns the body, {token: listing} to turn into listing elements after sanitizing, and notices (the body
    starts on line `first_line` of the file). The token is derived from the body, so no author can type one in;
    line numbers after the block are kept.
    """
    lines = body.split("\n")
    code = _code_lines(lines)
    salt = hashlib.sha256(body.encode()).hexdigest()[:20]
    tokens: dict[str, Listing] = {}
    notices: list[str] = []
    out: list[str] = []
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and code[end] == code[start]:
            end += 1
        chunk = "\n".join(lines[start:end])
        if code[start]:
            out.append(chunk)
        else:
            out.append(_replace_loops(_drop_silent_blocks(chunk), first_line + start, salt, tokens, notices))
        start = end
    return "\n".join(out), tokens, notices


def _drop_silent_blocks(text: str) -> str:
    return SILENT_BLOCKS.sub(lambda block: "\n" * block.group(0).count("\n"), text)


def _replace_loops(text: str, first_line: int, salt: str, tokens: dict[str, Listing], notices: list[str]) -> str:
    pieces, position = [], 0
    for match in FOR_OVER_SITE.finditer(text):
        if match.start() < position:
            continue
        end = _matching_endfor(text, match.end())
        if end is None:
            continue
        block = text[match.start():end]
        collection = match.group(1)
        pieces.append(text[position:match.start()])
        # A page lists a collection once: the first loop over it is the listing, later ones go.
        if collection in COLLECTIONS and collection not in {listing.collection for listing in tokens.values()}:
            token = f"phlisting{salt}{collection}"
            line = first_line + text.count("\n", 0, match.start())
            tokens[token] = _listing(collection, match.group(2), line, notices)
            pieces.append(f"\n\n{token}\n\n" + "\n" * block.count("\n"))
        else:
            if collection not in COLLECTIONS:
                notices.append(f"Removed a loop over site.{collection}: profilehost lists only "
                               f"{', '.join(COLLECTIONS)}.")
            pieces.append("\n" * block.count("\n"))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _listing(collection: str, parameters: str, line: int, notices: list[str]) -> Listing:
    numbers = {name: _loop_number(name, value, line, collection, notices)
               for name, value in LOOP_PARAMETER.findall(parameters)}
    return Listing(collection, numbers.get("limit"), numbers.get("offset") or 0)


def _loop_number(name: str, value: str, line: int, collection: str, notices: list[str]) -> int | None:
    shown = f"{name}:{value[:20]}{'...' if len(value) > 20 else ''}"
    # isdecimal() alone would take other scripts' digits; a variable (limit: site.n) is not run either.
    if not (value.isascii() and value.isdecimal()):
        notices.append(f"line {line}: ignored '{shown}' in the loop over site.{collection}: profilehost takes a "
                       f"whole number there, such as {name}:3.")
        return None
    if len(value) > MAX_DIGITS or int(value) > MAX_LISTED:
        notices.append(f"line {line}: '{shown}' is more than {MAX_LISTED}; the listing uses {name}:{MAX_LISTED}.")
        return MAX_LISTED
    return int(value)


def _matching_endfor(text: str, offset: int) -> int | None:
    depth = 1
    for tag in FOR_OR_ENDFOR.finditer(text, offset):
        depth += 1 if tag.group(1) == "for" else -1
        if depth == 0:
            return tag.end()
    return None


def insert_listing_elements(html: str, tokens: dict[str, Listing]) -> str:
    """One listing element per token, where the token stands as text; every other copy goes. Markdown copies a
    heading's text into its id and into each [TOC], and each served listing costs a query and a render."""
    for token, listing in tokens.items():
        paragraph = f"<p>{token}</p>"
        at = html.find(paragraph)
        if at == -1:
            paragraph, at = token, _first_outside_tags(html, token)
        if at == -1:
            html = html.replace(token, "")
        else:
            before, after = html[:at], html[at + len(paragraph):]
            html = before.replace(token, "") + listing_element(listing) + after.replace(token, "")
    return html


def _first_outside_tags(html: str, token: str) -> int:
    at = html.find(token)
    while at != -1 and html.rfind("<", 0, at) > html.rfind(">", 0, at):
        at = html.find(token, at + len(token))
    return at


def _code_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it is code (fenced, or an indented block after a blank line): never Liquid."""
    flags: list[bool] = []
    fence = None
    indented = False
    for index, line in enumerate(lines):
        match = FENCE.match(line)
        if fence is not None:
            fence = None if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) else fence
            flags.append(True)
            continue
        if match:
            fence, indented = match.group(1), False
            flags.append(True)
            continue
        if line.startswith("    ") and (indented or (index > 0 and not lines[index - 1].strip())):
            indented = True
        elif line.strip():
            indented = False
        flags.append(indented)
    return flags


def apply_liquid_shims(body: str, first_line: int) -> tuple[str, list[str]]:
    removed: list[tuple[int, str]] = []
    lines = body.split("\n")
    out = [line if is_code else _shim_line(line, first_line + offset, removed)
           for offset, (line, is_code) in enumerate(zip(lines, _code_lines(lines), strict=True))]
    return "\n".join(out), _notices(removed)


def _shim_line(line: str, number: int, removed: list) -> str:
    if TOC_INCLUDE.fullmatch(line):
        return "[TOC]"
    pieces, last = [], 0
    for code in INLINE_CODE.finditer(line):
        pieces.append(_shim_text(line[last:code.start()], number, removed))
        pieces.append(code.group(0))
        last = code.end()
    pieces.append(_shim_text(line[last:], number, removed))
    return "".join(pieces)


def _shim_text(text: str, number: int, removed: list) -> str:
    text = BASE_PATHS.sub("", text)

    def remove(match: re.Match) -> str:
        removed.append((number, match.group(0)))
        return ""

    return OTHER_TAGS.sub(remove, text)


def _notices(removed: list[tuple[int, str]]) -> list[str]:
    if not removed:
        return []
    shown = ", ".join(f"line {number}: {tag[:60]}" for number, tag in removed[:5])
    more = f" and {len(removed) - 5} more" if len(removed) > 5 else ""
    return [f"Removed Liquid that profilehost does not run ({shown}{more}). Write that content out in Markdown."]
