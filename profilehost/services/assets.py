"""Tenant assets: images and PDFs, verified by content, stored in the database, within a quota."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import func, select, update

from ..extensions import db
from ..models import Asset, Page, Revision, User
from .errors import Refusal
from .unit_of_work import unit_of_work

MAX_ASSET_BYTES = 10 * 1024 * 1024
# The site folders whose URLs serve a tenant's files, all from one set of names: academicpages links
# '/files/cv.pdf' and '/images/me.png', al-folio '/assets/img/prof_pic.jpg' (the file 'img/prof_pic.jpg').
SERVED_FOLDERS = ("files", "images", "assets")
# A space is kept (academicpages sites link "files/My CV.pdf" as "files/My%20CV.pdf"); nothing else to escape.
NAME_PATTERN = re.compile(r"\A[A-Za-z0-9](?:[A-Za-z0-9._ -]{0,118}[A-Za-z0-9._-])?\Z")
# A site's images/ folder may have folders of its own ('fig_pose/1.png'); they stay, so its links still work.
MAX_FOLDERS = 3
MAX_NAME_LENGTH = 200
# (content type, the extensions a name may carry for it). Checked by content: a name proves nothing.
KINDS = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
}


KIND_NAMES = {"image/png": "a PNG image", "image/jpeg": "a JPEG image", "image/gif": "a GIF image",
              "image/webp": "a WebP image", "application/pdf": "a PDF document"}


class AssetError(Refusal):
    """An upload refused with a message naming the file: one no view catches is answered 422 with it."""


@dataclass(frozen=True)
class Usage:
    used: int
    quota: int

    @property
    def left(self) -> int:
        return max(self.quota - self.used, 0)


def is_hosted_kind(name: str) -> bool:
    """Whether a file by this name may be hosted, by its extension (its content is checked on upload)."""
    return name.lower().endswith(tuple(suffix for suffixes in KINDS.values() for suffix in suffixes))


def sniff_content_type(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def is_image(asset: Asset) -> bool:
    return asset.content_type.startswith("image/")


def served_file(path: str) -> tuple[str, str] | None:
    """(folder, name) of the file a path of the site serves, by the name it would have: '/assets/img/me.jpg' ->
    ('assets', 'img/me.jpg'); None for a path outside SERVED_FOLDERS."""
    folder, _, name = path.lstrip("/").partition("/")
    return (folder, name) if folder in SERVED_FOLDERS and name else None


def is_valid_name(name: str) -> bool:
    """A file name, or up to MAX_FOLDERS folder names and a file name joined by '/', each part of letters,
    digits, '.', '-' and '_': a name that is its own URL path, with nothing to escape or climb out of."""
    parts = name.split("/")
    return (len(name) <= MAX_NAME_LENGTH and len(parts) <= MAX_FOLDERS + 1 and ".." not in name
            and all(NAME_PATTERN.match(part) for part in parts))


def check_asset(name: str, data: bytes) -> str:
    """The verified content type of an upload, or AssetError saying what is wrong and how to fix it."""
    if not is_valid_name(name):
        raise AssetError(f"{name!r}: file names may use letters, digits, spaces, '.', '-' and '_' (up to 120 "
                         "characters, starting with a letter or digit; an imported site may keep up to "
                         f"{MAX_FOLDERS} folders, as in 'figures/1.png'). Rename the file and upload it again.")
    if len(data) > MAX_ASSET_BYTES:
        raise AssetError(f"{name}: {len(data) / 1048576:.1f} MiB is over the 10 MiB limit per file. "
                         "Compress the image or PDF and upload it again.")
    content_type = sniff_content_type(data)
    claimed = next((kind for kind, suffixes in KINDS.items() if name.lower().endswith(suffixes)), None)
    if content_type is None and claimed:
        raise AssetError(f"{name}: its name says {KIND_NAMES[claimed]}, but its content is not one (nor any other "
                         "image or PDF profilehost hosts). Save or export it again as "
                         f"{KIND_NAMES[claimed]}, or leave it out.")
    if content_type is None:
        raise AssetError(f"{name}: only PNG, JPEG, GIF and WebP images and PDF documents can be uploaded "
                         "(SVG and HTML files are refused because they can carry scripts).")
    if not name.lower().endswith(KINDS[content_type]):
        raise AssetError(f"{name}: the file contains {content_type} data but its name says otherwise. "
                         f"Rename it to end in {KINDS[content_type][0]}.")
    return content_type


def usage(tenant: User, quota: int) -> Usage:
    used = db.session.scalar(select(func.coalesce(func.sum(Asset.size), 0)).where(Asset.user_id == tenant.id))
    return Usage(used=int(used or 0), quota=quota)


def find_asset(tenant: User, name: str) -> Asset | None:
    return db.session.scalar(select(Asset).where(Asset.user_id == tenant.id, Asset.name == name))


def list_assets(tenant: User) -> list[Asset]:
    return list(db.session.scalars(select(Asset).where(Asset.user_id == tenant.id).order_by(Asset.name)))


def lock_tenant(tenant: User) -> None:
    """Make this transaction the only one writing the tenant's rows until it ends, so what it checks first (the
    quota, whether a name is free) still holds when it commits: a request at the same moment waits here, then
    sees what this one wrote. PostgreSQL locks the tenant's users row; SQLite lets one transaction write at a
    time, and its (deferred) transaction takes that right at the first write, so the lock is a write that changes
    nothing."""
    users = User.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(users).where(users.c.id == tenant.id).values(id=users.c.id))
    else:
        db.session.execute(select(users.c.id).where(users.c.id == tenant.id).with_for_update())


def store_assets(tenant: User, files: list[tuple[str, bytes]], quota: int) -> list[Asset]:
    """Store every file or none, in a unit of work: one bad file or a quota overrun refuses the whole batch. Locks
    the tenant (lock_tenant) until the unit's transaction ends."""
    with unit_of_work():
        checked = _checked(files)
        lock_tenant(tenant)
        return _write_within_quota(tenant, checked, quota)


def _checked(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes, str]]:
    """(name, data, verified content type) of each file; else AssetError naming every file refused and why, and
    the good files the refusal keeps back (the batch is stored whole or not at all)."""
    checked, refused, reasons = [], [], []
    for name, data in files:
        try:
            checked.append((name, data, check_asset(name, data)))
        except AssetError as refusal:
            refused.append(name)
            reasons.append(refusal.message)
    counted = Counter(name for name, _data in files)
    if twice := sorted(name for name, count in counted.items() if count > 1):
        refused += twice
        reasons.append(f"{', '.join(twice)}: two files by one name. Rename one of them and upload again.")
    if reasons:
        fine = [name for name, _data, _type in checked if name not in refused]
        raise AssetError(" ".join([*reasons, *_kept_back(fine, refused)]))
    return checked


def _kept_back(fine: list[str], refused: list[str]) -> list[str]:
    """What a refusal did to the good files of the same upload: a person would otherwise think them stored."""
    if not fine:
        return []
    were, them = ("was", "it") if len(fine) == 1 else ("were", "them")
    return [f"Nothing was uploaded: {_in_words(fine)} {were} fine; upload {them} again with "
            f"{_in_words(sorted(set(refused)))} fixed or left out."]


def _in_words(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _write_within_quota(tenant: User, checked: list[tuple[str, bytes, str]], quota: int) -> list[Asset]:
    existing = {asset.name: asset for asset in list_assets(tenant)}
    needed = usage(tenant, quota).used + sum(
        len(data) - (existing[name].size if name in existing else 0) for name, data, _ in checked)
    if needed > quota:
        raise AssetError(f"These files need {needed / 1048576:.1f} MiB but your quota is "
                         f"{quota / 1048576:.0f} MiB. Delete files you no longer use, then upload again.")
    stored = []
    for name, data, content_type in checked:
        asset = existing.get(name) or Asset(user_id=tenant.id, name=name)
        asset.content_type, asset.size, asset.data = content_type, len(data), data
        asset.sha256 = hashlib.sha256(data).hexdigest()
        db.session.add(asset)
        stored.append(asset)
    db.session.flush()
    return stored


def delete_asset(tenant: User, name: str) -> None:
    """Raises LookupError if the tenant has no such file, also when a request at the same moment deleted it."""
    with unit_of_work():
        lock_tenant(tenant)
        asset = find_asset(tenant, name)
        if asset is None:
            raise LookupError(name)
        db.session.delete(asset)


def asset_url(tenant: User, asset: Asset) -> str:
    folder = "images" if is_image(asset) else "files"
    return f"/{tenant.username}/{folder}/{quote(asset.name)}"


def where_used(tenant: User, listed: list[Asset]) -> dict[str, list[str]]:
    """For each asset name, the titles of the tenant's live pages (and the profile) that link to it."""
    from .pages import tenant_pages

    bodies = db.session.execute(
        select(Page.title, Revision.body_html)
        .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
        .where(Page.id.in_(tenant_pages(tenant).with_only_columns(Page.id)))
    ).all()
    used: dict[str, list[str]] = {}
    for asset in listed:
        # A file answers under every served folder, and a site links it by any of them (al-folio by assets/).
        urls = [f"/{tenant.username}/{folder}/{quote(asset.name)}" for folder in SERVED_FOLDERS]
        used[asset.name] = [title for title, body in bodies if any(url in body for url in urls)]
        if tenant.profile and tenant.profile.avatar == asset.name:
            used[asset.name].append("Profile avatar")
    return used
