"""A diff as people read it: the old and the new text side by side (one above the other on a phone, by CSS),
and in a changed line the words that changed marked with <del> and <ins>. Built from the bounded unified diff
uploads.diff_texts makes, so it is never bigger than that."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from itertools import zip_longest

from markupsafe import Markup, escape

from ..services.uploads import Diff
from . import dashboard

WORDS = re.compile(r"\s+|\w+|[^\w\s]")
# Word marks cost a comparison per changed pair (quadratic in its words at worst): past this many pairs, or in
# lines of more words, a changed line is marked whole.
MAX_MARKED_PAIRS = 400
MAX_MARKED_WORDS = 160


@dataclass(frozen=True)
class DiffRow:
    kind: str  # 'hunk' (where the lines are), 'same' or 'change'
    old: Markup | None = None  # None: no line on this side (added or removed lines)
    new: Markup | None = None
    where: str = ""  # a hunk's '@@ -3,7 +3,8 @@'


@dataclass
class SideBySide:
    old_label: str
    new_label: str
    rows: list[DiffRow] = field(default_factory=list)
    clipped: list[str] = field(default_factory=list)


@dashboard.app_template_filter("side_by_side")
def side_by_side(diff: Diff) -> SideBySide:
    shown = SideBySide("before", "after", clipped=list(diff.clipped))
    removed: list[str] = []
    added: list[str] = []
    budget = [MAX_MARKED_PAIRS]
    for kind, text in diff.rows:
        if kind in ("context", "header"):
            shown.rows.extend(_paired(removed, added, budget))
            removed, added = [], []
        if kind == "header" and text.startswith("--- "):
            shown.old_label = text[4:]
        elif kind == "header" and text.startswith("+++ "):
            shown.new_label = text[4:]
        elif kind == "header":
            shown.rows.append(DiffRow("hunk", where=text))
        elif kind == "context":
            shown.rows.append(DiffRow("same", escape(text[1:]), escape(text[1:])))
        elif kind == "remove":
            removed.append(text[1:])
        else:
            added.append(text[1:])
    shown.rows.extend(_paired(removed, added, budget))
    return shown


def _paired(removed: list[str], added: list[str], budget: list[int]) -> list[DiffRow]:
    """Removed lines beside the lines added in their place; a pair's changed words marked."""
    return [DiffRow("change", *_marked(old, new, budget)) for old, new in zip_longest(removed, added)]


def _marked(old: str | None, new: str | None, budget: list[int]) -> tuple[Markup | None, Markup | None]:
    whole = (None if old is None else _whole(old, "del")), (None if new is None else _whole(new, "ins"))
    if old is None or new is None or budget[0] <= 0:
        return whole
    a, b = WORDS.findall(old), WORDS.findall(new)
    if max(len(a), len(b)) > MAX_MARKED_WORDS:
        return whole
    budget[0] -= 1
    old_html, new_html = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if tag == "equal":
            old_html.append(before)
            new_html.append(after)
            continue
        if before:
            old_html.append(Markup("<del>{}</del>").format(before))
        if after:
            new_html.append(Markup("<ins>{}</ins>").format(after))
    return Markup("").join(old_html), Markup("").join(new_html)


def _whole(text: str, tag: str) -> Markup:
    return Markup(f"<{tag}>{{}}</{tag}>").format(text) if text else Markup("")
