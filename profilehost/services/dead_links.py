"""Links in a tenant's page that lead nowhere: a file that was never uploaded, an address no page answers.

A page is checked against the site as the same transaction sees it: when it is published on its own, or after
a whole import has been written (a page may link to one imported after it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from sqlalchemy import select

from ..extensions import db
from ..models import Asset, Page, Redirect, User
from ..publishing import Rendered
from ..publishing.links import canonical_path
from . import bibliography
from .assets import served_file

# The sanitizer writes every attribute value in double quotes, and resolves every link inside the site to
# '/<username>/...', so this is every link of a stored page that points into the tenant's site.
LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
SERVED_WITHOUT_A_PAGE = frozenset({"/sitemap.xml"})
MAX_NOTICES = 10
MAX_SHOWN = 80  # characters of a link a notice quotes (notices travel in the session cookie)


@dataclass(frozen=True)
class SiteAddresses:
    """What a visitor can open on a tenant's site: its pages (and their redirect_from paths), its bibliography's
    entry pages and its files."""

    pages: frozenset[str]
    files: frozenset[str]
    base: str = ""  # '/<username>': read with the addresses, so checking links needs no database

    @classmethod
    def of(cls, tenant: User, *, leaving_out: int | None = None, including: int | None = None,
           entry_pages: Iterable[str] | None = None) -> SiteAddresses:
        """The addresses now; as if the page with id `leaving_out` were deleted, or `including` undeleted. The
        bibliography's entry pages are the current bibliography's, or `entry_pages` when the check is for a
        bibliography about to take its place."""
        if entry_pages is None:
            entry_pages = [address for address, _saved in bibliography.entry_addresses(tenant)]
        live = Page.deleted_at.is_(None) if including is None else (Page.deleted_at.is_(None) | (Page.id == including))
        if leaving_out is not None:
            live = live & (Page.id != leaving_out)
        permalinks = db.session.scalars(select(Page.permalink).where(
            Page.user_id == tenant.id, live, Page.published.is_(True)))
        redirects = db.session.scalars(select(Redirect.path).join(Page, Redirect.page_id == Page.id).where(
            Redirect.user_id == tenant.id, live, Page.published.is_(True)))
        files = db.session.scalars(select(Asset.name).where(Asset.user_id == tenant.id))
        return cls(pages=frozenset([*permalinks, *redirects, *entry_pages]), files=frozenset(files),
                   base=f"/{tenant.username}")

    def with_page(self, permalink: str, redirects: Iterable[str]) -> SiteAddresses:
        return replace(self, pages=self.pages | {permalink, *redirects})

    def answers(self, path: str) -> bool:
        if (served := served_file(path)) is not None:
            return served[1] in self.files
        return path in SERVED_WITHOUT_A_PAGE or path in self.pages or canonical_path(path) in self.pages


def with_dead_link_notices(tenant: User | None, rendered: Rendered,
                           addresses: SiteAddresses | None = None) -> Rendered:
    """`rendered` with a notice for each of its links that leads nowhere (addresses: the site as it is now, with
    the page's own permalink and redirect_from). Given the addresses, it reads nothing from the database."""
    if addresses is None:
        if tenant is None:
            raise TypeError("with_dead_link_notices needs the site's addresses or the tenant to read them from")
        addresses = SiteAddresses.of(tenant)
    addresses = addresses.with_page(rendered.meta.permalink, rendered.meta.redirect_from)
    dead = dead_link_notices(tenant, rendered.body_html, addresses)
    return replace(rendered, notices=rendered.notices + tuple(dead)) if dead else rendered


def dead_link_notices(tenant: User | None, body_html: str, addresses: SiteAddresses) -> list[str]:
    """One notice per link of the page that leads nowhere on the tenant's own site, naming it as the author
    would write it ('/files/cv.pdf') and saying how to fix it."""
    base = addresses.base or (f"/{tenant.username}" if tenant is not None else "")
    notices = []
    for url in dict.fromkeys(html.unescape(url) for url in LINK.findall(body_html)):
        if not url.startswith(base + "/"):
            continue
        path = unquote(urlsplit(url).path)[len(base):]
        if addresses.answers(path):
            continue
        notices.append(_notice(path))
        if len(notices) == MAX_NOTICES:
            notices.append("More links lead nowhere; fix these first.")
            break
    return notices


def _notice(path: str) -> str:
    path = path if len(path) <= MAX_SHOWN else path[:MAX_SHOWN] + "…"
    if (served := served_file(path)) is not None:
        return (f"The link to {path} leads nowhere: no file named '{served[1]}' has been uploaded. Upload it under "
                "Files, or correct the link.")
    return (f"The link to {path} leads nowhere: none of your pages has that address. Correct the link, or "
            f"publish the page it should open with 'permalink: {canonical_path(path)}'.")
