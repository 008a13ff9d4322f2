"""Several files at once from the dashboard: pages and an academicpages _config.yml, each judged alone."""

from __future__ import annotations

import difflib
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
        outcome = pages.publish_page(tenant, raw, name)
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


@dataclass
class ConflictView:
    current_number: int
    current_source: str
    lines: list[tuple[str, str]]


def conflict_view(conflict: EditConflict, mine: str) -> ConflictView:
    theirs = conflict.current.source.decode("utf-8", "replace")
    lines = diff_lines(theirs.encode(), mine.encode(), f"live revision {conflict.current.number}", "your text")
    return ConflictView(conflict.current.number, theirs, lines)


def diff_lines(old: bytes, new: bytes, old_label: str, new_label: str) -> list[tuple[str, str]]:
    """A unified diff as (kind, text) rows, kind in add/remove/context/header, for the template to colour."""
    rows = []
    for line in difflib.unified_diff(old.decode("utf-8", "replace").splitlines(),
                                     new.decode("utf-8", "replace").splitlines(),
                                     old_label, new_label, lineterm="", n=3):
        if line.startswith(("---", "+++", "@@")):
            rows.append(("header", line))
        elif line.startswith("+"):
            rows.append(("add", line))
        elif line.startswith("-"):
            rows.append(("remove", line))
        else:
            rows.append(("context", line))
    return rows
