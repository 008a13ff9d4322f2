"""A revision of a tenant's page as its visitors see it, for a moderator.

The admin screens are styled by the app's CSS, which gives meaning to classes a tenant may also write
(`class="honeypot"` is moved off-screen there): shown inside an admin screen, a tenant's text could look
different to the moderator than to its readers. So the revision is drawn by the public theme's own template and
stylesheets, as a separate document in a sandboxed `<iframe srcdoc>`: none of the app's styles reach it, and it
runs no script, submits no form and cannot navigate the admin's page (the sandbox keeps only the same origin, so
that the theme's icons load), under the admin screen's Content-Security-Policy, which it inherits.
"""

from __future__ import annotations

from flask import render_template, request

from ..models import Page, Revision, User
from ..public import page_heads
from ..public.views import _site_view
from ..services import collections, sites


def revision_as_published(tenant: User, page: Page, revision: Revision) -> str:
    """The whole public page (theme, menu, sidebar, the lines under the title) with this revision's content."""
    html = sites.published_html(revision)
    view = sites.PageView(
        title=revision.title, body_html=html.body, description=revision.description,
        canonical_url=f"{request.url_root.rstrip('/')}/{tenant.username}{page.permalink}", permalink=page.permalink,
        author_profile=revision.author_profile, updated_at=revision.created_at,
        layout_draws_title=revision.layout_draws_title, header_html=html.header,
        after_content_html=html.after_content,
        item=collections.header_of(tenant, page, revision) if revision.header_html is None else None,
    )
    head = page_heads.page_head(tenant, request.url_root.rstrip("/"), page.collection, revision.front_matter or {},
                                revision.title, view.canonical_url)
    return render_template("theme/page.html", site=_site_view(tenant, page.permalink, page.collection), page=view,
                           page_head=head, report_url=None, dashboard_url=None, framed=True)
