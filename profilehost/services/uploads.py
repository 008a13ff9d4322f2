"""Several files at once from the dashboard: pages and an academicpages _config.yml, each judged alone."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..models import User
from ..publishing import PublishError, Rendered, publish_source
from . import pages, profiles
from .pages import EditConflict

PAGE_SUFFIXES = (".md", ".markdown")
CONFIG_NAMES = ("_config.yml", "_config.yaml", "config.yml")


@dataclass
class UploadResult:
    filename: str
    ok: bool
    message: str
    url: str = ""
    notices: list[str] = field(default_factory=list)


def publish_uploads(tenant: User, files: list[tuple[str, bytes]]) -> list[UploadResult]:
    """Publish each file in its own transaction: a refused file changes nothing and stops no other."""
    return [_publish_one(tenant, _base_name(name), raw) for name, raw in files]


def _base_name(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1] or "(unnamed file)"


def _publish_one(tenant: User, name: str, raw: bytes) -> UploadResult:
    lowered = name.lower()
    if lowered in CONFIG_NAMES:
        return _apply_config(tenant, name, raw)
    if not lowered.endswith(PAGE_SUFFIXES):
        return UploadResult(name, False, f"{name}: only Markdown pages (.md) and _config.yml can be uploaded "
                                         "here. Upload images and PDFs under Files.")
    try:
        outcome = pages.publish_upload(tenant, raw, name)
    except PublishError as refused:
        return UploadResult(name, False, refused.message)
    except EditConflict as changed:
        return UploadResult(name, False, f"{name}: {changed} Upload it again.")
    url = pages.public_url(tenant, outcome.page.permalink)
    if outcome.unchanged:
        return UploadResult(name, True, "Unchanged: identical to the live revision.", url, outcome.notices)
    verb = "Published" if outcome.page.published else "Saved as a draft (published: false)"
    return UploadResult(name, True, f"{verb}, revision {outcome.revision.number}.", url, outcome.notices)


def _apply_config(tenant: User, name: str, raw: bytes) -> UploadResult:
    try:
        config = profiles.read_author_config(raw, name)
        changed = profiles.update_from_author_block(tenant, config.fields)
    except (PublishError, profiles.ProfileError) as refused:
        return UploadResult(name, False, f"{name}: {refused.message}")
    said = "Profile updated from the author: block." if changed else "Unchanged: the profile already says this."
    return UploadResult(name, True, said, f"/{tenant.username}/", config.notices)


def preview(tenant: User, raw: bytes, filename: str) -> tuple[Rendered | None, str | None]:
    """The page as it would be published, or the pipeline's message; nothing is stored."""
    try:
        return publish_source(raw, filename=filename, tenant_base=pages.tenant_base(tenant)), None
    except PublishError as refused:
        return None, refused.message


# A diff's work and size are bounded whatever the two texts: difflib over two 78 KB revisions took 135 s of
# CPU. Myers' algorithm stops after MAX_DIFF_STEPS comparisons (a fraction of a second); the rest of the texts is then
# shown as replaced. At most MAX_DIFF_ROWS rows of at most MAX_DIFF_LINE_CHARS characters are shown.
MAX_DIFF_STEPS = 2_000_000
MAX_DIFF_ROWS = 2_000
MAX_DIFF_LINE_CHARS = 300
CONTEXT_LINES = 3


@dataclass
class Diff:
    """A unified diff as (kind, text) rows, kind in add/remove/context/header, and why it is not whole."""
    rows: list[tuple[str, str]]
    clipped: list[str] = field(default_factory=list)


@dataclass
class ConflictView:
    page_id: int
    current_number: int
    current_source: str
    diff: Diff


def conflict_view(conflict: EditConflict, mine: str) -> ConflictView:
    theirs = conflict.current.source.decode("utf-8", "replace")
    diff = diff_texts(theirs, mine, f"live revision {conflict.current.number}", "your text")
    return ConflictView(conflict.page.id, conflict.current.number, theirs, diff)


def diff_texts(old: str, new: str, old_label: str, new_label: str) -> Diff:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    ids: dict[str, int] = {}
    a = [ids.setdefault(line, len(ids)) for line in old_lines]
    b = [ids.setdefault(line, len(ids)) for line in new_lines]
    steps, complete = _edit_steps(a, b)
    diff = Diff(_rows(steps, old_lines, new_lines, old_label, new_label))
    if not complete:
        diff.clipped.append("The two texts differ in too many places to compare them line by line here: "
                            "everything from the first to the last difference is shown as removed, then added.")
    if len(diff.rows) > MAX_DIFF_ROWS:
        diff.clipped.append(f"Only the first {MAX_DIFF_ROWS:,} lines of the differences are shown.")
        diff.rows = diff.rows[:MAX_DIFF_ROWS]
    if any(len(text) > MAX_DIFF_LINE_CHARS for _kind, text in diff.rows):
        diff.clipped.append(f"Lines longer than {MAX_DIFF_LINE_CHARS} characters are cut short (…).")
        diff.rows = [(kind, _cut(text)) for kind, text in diff.rows]
    return diff


def _cut(text: str) -> str:
    return text if len(text) <= MAX_DIFF_LINE_CHARS else text[:MAX_DIFF_LINE_CHARS - 1] + "…"


# An edit step: ('=', old index, new index), ('-', old index, -1) or ('+', -1, new index).
Step = tuple[str, int, int]


def _edit_steps(a: list[int], b: list[int]) -> tuple[list[Step], bool]:
    """The steps from a to b, and whether they are a shortest edit (False: the budget ran out first)."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[head:len(a) - tail], b[head:len(b) - tail]
    middle = _myers(middle_a, middle_b)
    complete = middle is not None
    if middle is None:
        middle = [("-", i, -1) for i in range(len(middle_a))] + [("+", -1, j) for j in range(len(middle_b))]
    steps = [("=", i, i) for i in range(head)]
    steps += [(kind, i + head if i >= 0 else -1, j + head if j >= 0 else -1) for kind, i, j in middle]
    steps += [("=", len(a) - tail + i, len(b) - tail + i) for i in range(tail)]
    return steps, complete


def _myers(a: list[int], b: list[int]) -> list[Step] | None:
    """Myers' shortest edit script (1986), or None when it needs more than MAX_DIFF_STEPS comparisons."""
    n, m = len(a), len(b)
    # Each round d costs at least 2d + 3 steps, so the budget runs out before d reaches its square root.
    offset = min(n + m, math.isqrt(MAX_DIFF_STEPS)) + 2
    furthest = [0] * (2 * offset + 1)  # diagonal k = x - y (at k + offset) -> furthest x reached on it
    trace: list[list[int]] = []  # per round d, the diagonals -d-1..d+1 as the round found them
    spent = 0
    for d in range(offset - 1):
        trace.append(furthest[offset - d - 1: offset + d + 2])
        spent += 2 * d + 3
        for k in range(-d, d + 1, 2):
            down = k == -d or (k != d and furthest[offset + k - 1] < furthest[offset + k + 1])
            x = furthest[offset + k + 1] if down else furthest[offset + k - 1] + 1
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
                spent += 1
            furthest[offset + k] = x
            spent += 1
            if x >= n and y >= m:
                return _backtrack(trace, n, m)
        if spent > MAX_DIFF_STEPS:
            return None
    return None


def _backtrack(trace: list[list[int]], x: int, y: int) -> list[Step]:
    steps: list[Step] = []
    for d in range(len(trace) - 1, -1, -1):
        furthest, k = trace[d], x - y
        down = k == -d or (k != d and furthest[k - 1 + d + 1] < furthest[k + 1 + d + 1])
        previous_k = k + 1 if down else k - 1
        previous_x = furthest[previous_k + d + 1]
        previous_y = previous_x - previous_k
        while x > previous_x and y > previous_y:
            x, y = x - 1, y - 1
            steps.append(("=", x, y))
        if d > 0:
            steps.append(("+", -1, previous_y) if x == previous_x else ("-", previous_x, -1))
        x, y = previous_x, previous_y
    steps.reverse()
    return steps


def _rows(steps: list[Step], old: list[str], new: list[str], old_label: str, new_label: str) -> list[tuple[str, str]]:
    changed = [index for index, step in enumerate(steps) if step[0] != "="]
    if not changed:
        return []
    rows = [("header", f"--- {old_label}"), ("header", f"+++ {new_label}")]
    for first, last in _hunks(changed, len(steps)):
        hunk = steps[first:last + 1]
        rows.append(("header", _hunk_header(hunk)))
        for kind, i, j in hunk:
            if kind == "=":
                rows.append(("context", " " + old[i]))
            elif kind == "-":
                rows.append(("remove", "-" + old[i]))
            else:
                rows.append(("add", "+" + new[j]))
        if len(rows) > MAX_DIFF_ROWS:
            break
    return rows


def _hunks(changed: list[int], total: int) -> list[tuple[int, int]]:
    """(first, last) step indexes of each hunk: changes with CONTEXT_LINES unchanged lines around them, joined
    when their contexts meet, as diff -u does."""
    hunks: list[tuple[int, int]] = []
    for index in changed:
        first, last = max(0, index - CONTEXT_LINES), min(total - 1, index + CONTEXT_LINES)
        if hunks and first <= hunks[-1][1] + 1:
            hunks[-1] = (hunks[-1][0], last)
        else:
            hunks.append((first, last))
    return hunks


def _hunk_header(hunk: list[Step]) -> str:
    # A hunk starts with context or a change; its first old and new line numbers follow from its first step.
    old_start = next((i for _kind, i, _j in hunk if i >= 0), None)
    new_start = next((j for _kind, _i, j in hunk if j >= 0), None)
    old_count = sum(1 for kind, _i, _j in hunk if kind != "+")
    new_count = sum(1 for kind, _i, _j in hunk if kind != "-")
    return f"@@ -{_range(old_start, old_count)} +{_range(new_start, new_count)} @@"


def _range(start: int | None, count: int) -> str:
    # diff -u's convention: a one-line range is its line number; an empty one (an empty text) is '0,0'.
    if count == 0 or start is None:
        return "0,0"
    return str(start + 1) if count == 1 else f"{start + 1},{count}"
