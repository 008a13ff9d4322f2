"""The editor's text shown as its public page will look: rendered in the tenant's site (config, data, items) and
laid out by the public theme, with its menu and sidebar. Nothing is stored; the answer is never cached or indexed.
"""

from __future__ import annotations

import re

from flask import Response, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ..limits import preview_limit
from ..models import Page, Revision, User, utcnow
from ..public import page_heads
from ..public.views import _site_view
from ..publishing import PublishError, Rendered
from ..security import CONTENT_SECURITY_POLICY
from ..services import collections, pages, sites
from . import dashboard
from .forms import EditForm
from .views import _owned_page_or_404

PREVIEW_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow",
                   "Content-Security-Policy": CONTENT_SECURITY_POLICY}
# The first tag of each: the theme escapes everything it prints and the sanitizer allows neither tag in a body.
HEAD_END = re.compile(r"</head>", re.IGNORECASE)
BODY_START = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


@dashboard.route("/pages/preview", methods=["POST"])
@preview_limit
def preview_new_page():
    return _themed_preview(page=None)


@dashboard.route("/pages/<int:page_id>/preview", methods=["POST"])
@preview_limit
def preview_page(page_id: int):
    return _themed_preview(page=_owned_page_or_404(page_id))


def _themed_preview(page: Page | None) -> Response:
    form = EditForm()
    if not form.validate_on_submit():
        return _refused("The form expired or the text is empty. Go back to the editor and try again.", 400)
    filename = pages.file_name(page)
    collection = page.collection if page else None
    raw = form.source.data.replace("\r\n", "\n").encode("utf-8")
    try:
        rendered = pages.render_page(current_user, raw, filename, page.permalink if page else None, collection)
    except PublishError as refused:
        return _refused(refused.message, 422)
    return _answer(themed_page(current_user, rendered, filename, collection), 200)


def themed_page(tenant: User, rendered: Rendered, filename: str, collection: str | None) -> str:
    """The public theme's page.html around a rendering that is not stored, with a banner saying so."""
    permalink = rendered.meta.permalink
    now = utcnow()
    html = sites.published_html(rendered)
    view = sites.PageView(
        title=rendered.meta.title, body_html=html.body, description=rendered.meta.description,
        canonical_url=f"{request.url_root.rstrip('/')}/{tenant.username}{permalink}", permalink=permalink,
        author_profile=rendered.meta.author_profile, updated_at=now,
        layout_draws_title=rendered.layout_draws_title, header_html=html.header,
        after_content_html=html.after_content,
        item=(_item(tenant, rendered, filename, collection, now)
              if collection and rendered.header_html is None else None),
    )
    head = page_heads.page_head(tenant, request.url_root.rstrip("/"), collection, rendered.front_matter or {},
                                rendered.meta.title, view.canonical_url)
    html = render_template("theme/page.html", site=_site_view(tenant, permalink, collection), page=view,
                           page_head=head, report_url=None, dashboard_url=None)
    return _with_banner(html, pages.public_url(tenant, permalink), rendered.meta.published)


def _item(tenant: User, rendered: Rendered, filename: str, collection: str, now) -> collections.CollectionItem:
    # Transient rows, never added to the session: item_of reads their columns only.
    page = Page(title=rendered.meta.title, permalink=rendered.meta.permalink, collection=collection,
                item_date=pages.item_date(rendered.meta.date, filename), updated_at=now)
    return collections.item_of(tenant, page, Revision(front_matter=rendered.front_matter,
                                                      description=rendered.meta.description))


def _with_banner(html: str, url: str, published: bool) -> str:
    """The banner goes around the real page.html rather than into it, so the public template has no preview
    branch and the preview cannot drift from what visitors get."""
    draft = "" if published else " It is a draft (published: false): visitors will not see it."
    banner = Markup('<div class="preview-banner" role="status"><p><strong>Preview: not published.</strong> '
                    'This is how {url} will look; nothing has been saved.{draft} Close this tab to go back to the '
                    'editor.</p></div>').format(url=url, draft=draft)
    stylesheet = Markup('<link rel="stylesheet" href="{href}">\n').format(
        href=url_for("static", filename="css/preview.css"))
    # Joined as plain strings: Markup + str would escape the page's own tags around the banner.
    html = HEAD_END.sub(lambda end: str(stylesheet) + end.group(0), html, count=1)
    return BODY_START.sub(lambda start: start.group(0) + "\n" + str(banner), html, count=1)


def _refused(message: str, status: int) -> Response:
    return _answer(render_template("dashboard/preview_refused.html", message=message), status)


def _answer(html: str, status: int) -> Response:
    response = Response(html, status)
    response.headers.update(PREVIEW_HEADERS)
    return response
