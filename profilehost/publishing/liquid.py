"""The Liquid that academicpages pages use. The site's base paths resolve to '' (link resolution then puts
every root-relative link inside the tenant); any other tag is removed and listed in a notice. Code is
never touched: Liquid inside code samples is the author's text."""

from __future__ import annotations

import re

BASE_PATHS = re.compile(r"\{%-?\s*include\s+base_path\s*-?%\}|\{\{-?\s*(?:base_path|site\.baseurl|site\.url)"
                        r"\s*(?:\|[^}]*)?-?\}\}")
OTHER_TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")


def apply_liquid_shims(body: str, first_line: int) -> tuple[str, list[str]]:
    removed: list[tuple[int, str]] = []
    out = []
    fence = None
    for offset, line in enumerate(body.split("\n")):
        match = FENCE.match(line)
        if fence is not None:
            fence = None if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) else fence
            out.append(line)
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        if line.startswith("    ") and out and not out[-1].strip():
            out.append(line)
            continue
        out.append(_shim_line(line, first_line + offset, removed))
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
