"""A tenant's bibliography in public: each entry's page (/publication/<slug>/), its .bib, and the whole list as
one .bib. Everything shown was formatted and sanitized when the bibliography was saved; nothing is rendered here.

An address that names no entry is the tenant's own page (an academicpages `_publications` item lives at
/publication/<name>/ too), served by the ordinary page view.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from flask import Response, render_template, request
from markupsafe import Markup

from ..models import User
from ..publishing.scholar import scholar_meta
from ..services import bibliography, sites
from . import page_heads, views

BIBTEX_TYPE = "application/x-bibtex; charset=utf-8"


ENTRY_PATH = re.compile(r"publication/(?P<slug>[^/]+?)(?:(?P<bib>\.bib)|(?P<page>/)|)")


def bibliography_response(tenant: User, subpath: str) -> Response | None:
    """What the bibliography answers at `subpath` of the tenant's site (an entry's page or .bib, the whole list's
    .bib), or None when it has nothing there. The tenant's page view asks first, so these answers share its page
    cache, validated by the site's version like every page (a save of the bibliography bumps it)."""
    if subpath == "publications.bib":
        text = bibliography.whole_bib(tenant)
        return _bibtex(text, f"{tenant.username}-publications.bib") if text is not None else None
    found = ENTRY_PATH.fullmatch(subpath)
    entry = bibliography.entry_by_slug(tenant, found["slug"]) if found else None
    if entry is None:
        return None
    if found and found["bib"]:
        return _bibtex(entry["bib"] + "\n", f"{entry['slug']}.bib")
    if found and not found["page"]:  # the address without its slash, as Jekyll's pages answer it
        return views._redirect(f"/{tenant.username}/publication/{entry['slug']}/")
    return _entry_page(tenant, entry)


def _entry_page(tenant: User, entry: dict) -> Response:
    front_matter = entry["front_matter"]
    site = views._site_view(tenant, front_matter["permalink"], "publications")
    root = request.url_root.rstrip("/")
    page_url = f"{root}/{tenant.username}{front_matter['permalink']}"
    current = bibliography.current_version(tenant)
    updated_at: datetime = max(current.created_at, tenant.profile.updated_at)
    page_view = sites.PageView(
        title=entry["title"] or entry["key"], body_html=_body_html(entry), description=_description(entry),
        canonical_url=page_url, permalink=front_matter["permalink"], author_profile=True, updated_at=updated_at,
        json_ld=sites.person_json_ld(site.profile, f"{root}/{tenant.username}/", _absolute(root, site)))
    head = page_heads.site_head(tenant, root)
    scholar = scholar_meta(entry["scholar"], page_url, lambda value: page_heads.own_pdf_url(tenant, root, value))
    html = render_template("theme/page.html", site=site, page=page_view, page_head=replace(head, scholar=scholar),
                           report_url=views.report_url(tenant, front_matter["permalink"]), dashboard_url=None)
    response = Response(html)
    response.add_etag()
    response.last_modified = updated_at
    response.headers["Cache-Control"] = views._public_cache()
    return response


def _body_html(entry: dict) -> Markup:
    if "entry_blocks" not in entry:  # saved as one block, its abstract closed in it
        return Markup(entry["entry_html"])  # Trusted: sanitized when the bibliography was saved
    blocks = bibliography.stored_blocks(entry)
    # The blocks are trusted likewise; the abstract is the entry's plain text, which the template escapes.
    return Markup(render_template("theme/_publication_entry.html", reference=Markup(blocks.reference),
                                  abstract=entry["scholar"].get("abstract", ""), cite=Markup(blocks.cite)))


def _description(entry: dict) -> str:
    abstract = entry["scholar"].get("abstract", "")
    return (abstract[:297] + "...") if len(abstract) > 300 else abstract


def _absolute(root: str, site) -> str:
    avatar = site.profile.avatar_url
    return root + avatar if avatar.startswith("/") else avatar


def _bibtex(text: str, filename: str) -> Response:
    response = Response(text, content_type=BIBTEX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = views._public_cache()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.add_etag()
    return response
