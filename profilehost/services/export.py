"""Export a tenant's site as a ZIP in the academicpages layout, so a researcher can always leave."""

from __future__ import annotations

import io
import zipfile

import yaml
from sqlalchemy import select

from ..extensions import db
from ..models import Page, Revision, User
from . import assets
from .pages import tenant_pages
from .profiles import AUTHOR_KEYS, AUTHOR_LINK_KEYS, HANDLE_URLS

# academicpages' _config.yml wants bare user names for these services, URLs for the others.
HANDLE_KEYS = {"github", "linkedin", "twitter", "bluesky"}
README = """This is your profilehost site in the academicpages layout.

_pages/      your pages, exactly as you last published them (front matter included)
files/       your PDFs
images/      your images
_config.yml  your profile, as academicpages' author: block

Upload the ZIP to profilehost again (Dashboard > Import) or copy these folders into an academicpages
repository to publish them with GitHub Pages.
"""


def export_name(page: Page, front_matter: dict) -> str:
    """A file name that gives the page back its permalink when imported (explicit or derived from the name)."""
    if page.permalink == "/":
        return "about.md" if "permalink" in front_matter else "index.md"
    return page.permalink.strip("/").replace("/", "-") + ".md"


def export_site(tenant: User) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        root = f"{tenant.username}-site"
        archive.writestr(f"{root}/README.txt", README)
        archive.writestr(f"{root}/_config.yml", config_yaml(tenant))
        for page, revision in _current_revisions(tenant):
            archive.writestr(f"{root}/_pages/{export_name(page, revision.front_matter)}", revision.source)
        for asset in assets.list_assets(tenant):
            folder = "images" if assets.is_image(asset) else "files"
            archive.writestr(f"{root}/{folder}/{asset.name}", asset.data)
    buffer.seek(0)
    return buffer


def _current_revisions(tenant: User) -> list[tuple[Page, Revision]]:
    return [(row[0], row[1]) for row in db.session.execute(
        select(Page, Revision)
        .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
        .where(Page.id.in_(tenant_pages(tenant).with_only_columns(Page.id))).order_by(Page.permalink)
    )]


def author_block(tenant: User) -> dict:
    profile = tenant.profile
    author: dict = {}
    for key, field_name in AUTHOR_KEYS.items():
        value = getattr(profile, field_name)
        if value:
            author[key] = value
    kinds_to_keys = {}
    for key, kind in AUTHOR_LINK_KEYS.items():
        kinds_to_keys.setdefault(kind, key)
    for kind, value in (profile.links or {}).items():
        key = kinds_to_keys.get(kind, kind)
        author[key] = _handle(kind, value) if key in HANDLE_KEYS else value
    return author


def _handle(kind: str, url: str) -> str:
    prefix = HANDLE_URLS[kind].format("")
    return url[len(prefix):] if url.startswith(prefix) else url


def config_yaml(tenant: User) -> str:
    config = {
        "title": tenant.profile.display_name or tenant.username,
        "name": tenant.profile.display_name or tenant.username,
        "author": author_block(tenant),
    }
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
