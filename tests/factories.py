"""Builders for test data, through the same services the app uses."""

from __future__ import annotations

from pathlib import Path

from profilehost.services import assets, pages

FIXTURES = Path(__file__).parent / "fixtures"
SITE = FIXTURES / "site"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def page_source(title: str = "A page", permalink: str = "/a-page/", body: str = "Some text.", **front) -> bytes:
    lines = [f'title: "{title}"', f"permalink: {permalink}"] + [f"{key}: {value}" for key, value in front.items()]
    return ("---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n").encode()


def publish(tenant, source: bytes, filename: str = "page.md"):
    return pages.publish_upload(tenant, source, filename)


def publish_site(tenant) -> None:
    """The fixture site: home (with redirects), publications, a draft."""
    for name in ("about.md", "publications.md", "draft.md"):
        pages.publish_upload(tenant, (SITE / name).read_bytes(), name)


def store_file(tenant, name: str = "cv.pdf", data: bytes = PDF, quota: int = 100 * 1024 * 1024):
    return assets.store_assets(tenant, [(name, data)], quota)[0]
