"""The demo tenant that `make run` creates: content we wrote, showing what the theme and pipeline do."""

from __future__ import annotations

import secrets
from importlib import resources

from ..extensions import db
from ..models import User
from ..services import accounts, assets, pages, profiles

DEMO_USERNAME = "ada"
PAGES = ("about.md", "publications.md", "teaching.md")


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing `text`, so the demo's file links lead somewhere real."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def create_demo_tenant(quota: int) -> tuple[User, str] | None:
    """Create the demo researcher with pages, files and profile; None if it exists already."""
    if accounts.find_user(DEMO_USERNAME) is not None:
        return None
    password = secrets.token_urlsafe(12)
    tenant = accounts.create_account(DEMO_USERNAME, "ada@example.org", password)
    content = resources.files(__package__)
    config = profiles.read_author_config(content.joinpath("config.yml").read_bytes(), "config.yml")
    profiles.update_profile(tenant, config.fields)
    assets.store_assets(tenant, [("curricula.pdf", minimal_pdf("Curricula for Small Reasoners (demo)")),
                                 ("call-for-students.pdf", minimal_pdf("Call for Ph.D. students (demo)"))], quota)
    for name in PAGES:
        pages.publish_upload(tenant, content.joinpath(name).read_bytes(), name)
    # The password was printed in a terminal: whoever logs in first chooses their own (services.first_sign_in).
    tenant.must_change_password = True
    db.session.commit()
    return tenant, password
