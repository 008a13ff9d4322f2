"""A tenant's bibliography in public: each entry's page (/publication/<slug>/), its .bib, and the whole list as
one .bib. Everything shown was formatted and sanitized when the bibliography was saved; nothing is rendered here.

An address that names no entry is the tenant's own page (an academicpages `_publications` item lives at
/publication/<name>/ too), served by the ordinary page view.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask import Response, render_template, request
from markupsafe import Markup

from ..extensions import db, limiter
from ..models import User
from ..publishing.scholar import scholar_meta
from ..security import same_for_every_visitor
from ..services import bibliography, sites
from . import page_heads, public, routing, views

BIBTEX_TYPE = "application/x-bibtex; charset=utf-8"


@public.route("/<tenant:username>/publications.bib")
@limiter.exempt
@same_for_every_visitor
def whole_bibliography(username: str):
    tenant = _tenant(username)
    if tenant is None:
        return views.tenant_path(username, "publications.bib")
    text = bibliography.whole_bib(tenant)
    if text is None:
        return views.tenant_path(username, "publications.bib")
    return _bibtex(text, f"{tenant.username}-publications.bib")


@public.route("/<tenant:username>/publication/<slug>.bib")
@limiter.exempt
@same_for_every_visitor
def entry_bibtex(username: str, slug: str):
    tenant = _tenant(username)
    entry = bibliography.entry_by_slug(tenant, slug) if tenant is not None else None
    if entry is None:
        return views.tenant_path(username, f"publication/{slug}.bib")
    return _bibtex(entry["bib"] + "\n", f"{entry['slug']}.bib")


@public.route("/<tenant:username>/publication/<slug>/")
@limiter.exempt
@same_for_every_visitor
def entry_page(username: str, slug: str):
    tenant = _tenant(username)
    entry = bibliography.entry_by_slug(tenant, slug) if tenant is not None else None
    if entry is None:
        return views.tenant_path(username, f"publication/{slug}/")
    return _entry_page(tenant, entry)


def _tenant(username: str) -> User | None:
    """The tenant whose bibliography a visitor may see, or None: the ordinary view then answers (its 404, its
    410 for a suspended account, its redirect to the lowercase name)."""
    head = views._public_tenant(username)
    if username != head.username or views.served_elsewhere(head, "") is not None:
        return None
    return db.session.get(User, head.id)


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
    return routing.rebased(response, request.environ, tenant.username).make_conditional(request)


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
    return response.make_conditional(request)
