"""The Liquid that academicpages pages use. The site's base paths resolve to '' (link resolution then puts
every root-relative link inside the tenant); a loop over a collection (`{% for post in site.publications
reversed %}...{% endfor %}`) becomes that collection's listing, filled in when the page is served; any other
tag is removed and listed in a notice, and capture and comment blocks, which never show, go with their
content. Code is never touched: Liquid inside code samples is the author's text."""

from __future__ import annotations

import hashlib
import re

BASE_PATHS = re.compile(r"\{%-?\s*include\s+base_path\s*-?%\}|\{\{-?\s*(?:base_path|site\.baseurl|site\.url)"
                        r"\s*(?:\|[^}]*)?-?\}\}")
OTHER_TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")
COLLECTIONS = ("publications", "talks", "teaching", "portfolio", "posts")
FOR_OVER_SITE = re.compile(r"\{%-?\s*for\s+\w+\s+in\s+site\.(\w+)\b[^%]*-?%\}")
FOR_OR_ENDFOR = re.compile(r"\{%-?\s*(for|endfor)\b[^%]*-?%\}")
# Blocks that never show their content in Jekyll: dropped whole, not just their tags.
SILENT_BLOCKS = re.compile(r"\{%-?\s*(capture|comment)\b.*?%\}.*?\{%-?\s*end\1\s*-?%\}", re.S)
LISTING_ELEMENT = '<div class="collection-listing" data-collection="{}"></div>'


def listing_element(collection: str) -> str:
    """The element a served page replaces with the collection's items; the sanitizer refuses data-collection in
    authors' HTML, so only a loop the pipeline recognised can produce it."""
    return LISTING_ELEMENT.format(collection)


def extract_collection_loops(body: str) -> tuple[str, dict[str, str], list[str]]:
    """Replace each `{% for ... in site.<collection> %}` block outside code with a token line.

    Returns the body, {token: collection} to turn into listing elements after sanitizing, and notices. The
    token is derived from the body, so no author can type one in; line numbers after the block are kept.
    """
    lines = body.split("\n")
    code = _code_lines(lines)
    salt = hashlib.sha256(body.encode()).hexdigest()[:20]
    tokens: dict[str, str] = {}
    notices: list[str] = []
    out: list[str] = []
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and code[end] == code[start]:
            end += 1
        chunk = "\n".join(lines[start:end])
        out.append(chunk if code[start] else _replace_loops(_drop_silent_blocks(chunk), salt, tokens, notices))
        start = end
    return "\n".join(out), tokens, notices


def _drop_silent_blocks(text: str) -> str:
    return SILENT_BLOCKS.sub(lambda block: "\n" * block.group(0).count("\n"), text)


def _replace_loops(text: str, salt: str, tokens: dict[str, str], notices: list[str]) -> str:
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
        if collection in COLLECTIONS and collection not in tokens.values():
            token = f"phlisting{salt}{collection}"
            tokens[token] = collection
            pieces.append(f"\n\n{token}\n\n" + "\n" * block.count("\n"))
        else:
            if collection not in COLLECTIONS:
                notices.append(f"Removed a loop over site.{collection}: profilehost lists only "
                               f"{', '.join(COLLECTIONS)}.")
            pieces.append("\n" * block.count("\n"))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _matching_endfor(text: str, offset: int) -> int | None:
    depth = 1
    for tag in FOR_OR_ENDFOR.finditer(text, offset):
        depth += 1 if tag.group(1) == "for" else -1
        if depth == 0:
            return tag.end()
    return None


def insert_listing_elements(html: str, tokens: dict[str, str]) -> str:
    for token, collection in tokens.items():
        element = listing_element(collection)
        html = html.replace(f"<p>{token}</p>", element).replace(token, element)
    return html


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
