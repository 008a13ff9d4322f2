"""The home page, robots and sitemaps, and under /<username>/ the tenants' sites."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, current_app, redirect, render_template, request, url_for

from ..domains.service import served_domains
from ..extensions import db, limiter
from ..models import AccountState, User
from ..publishing.links import canonical_path
from ..security import same_for_every_visitor
from ..services import bibliography, collections, pages, sites
from ..services.assets import is_image, served_file
from . import bibliography_views, feed_views, page_heads, public, routing
from .cache import answer, freeze, page_cache_key
from .tenant_heads import TenantHead

THEME_VERSION = "3"
# A browser keeps its own copy of a tenant's file this long; nothing a takedown does can reach that copy, so a
# file is never marked immutable, not even under a versioned (?v=) address.
FILE_BROWSER_SECONDS = 3600
ROBOTS = """User-agent: *
Disallow: /dashboard/
Disallow: /admin/
Disallow: /api/
Disallow: /login
Disallow: /register
Sitemap: {sitemap}
"""


@public.route("/")
def home():
    return render_template("home.html")


@public.route("/robots.txt")
@same_for_every_visitor
def robots():
    body = ROBOTS.format(sitemap=url_for("public.sitemap_index", _external=True))
    return Response(body, mimetype="text/plain")


@public.route("/sitemap.xml")
@same_for_every_visitor
def sitemap_index():
    tenants = sites.tenants_with_public_pages()
    domains = served_domains([tenant.id for tenant in tenants])
    bases = {tenant.id: routing.tenant_base_url(request.environ, tenant.username, domains.get(tenant.id),
                                                current_app.config["PAGES_HOST"]) for tenant in tenants}
    body = render_template("sitemap_index.xml", tenants=tenants, bases=bases)
    return Response(body, mimetype="application/xml")


@public.route("/<tenant:username>")
@same_for_every_visitor
def tenant_root(username: str):
    # The converter lets only a well-formed name this far, so Location cannot leave the site.
    return redirect(f"/{username.lower()}/", 301)


# The hot path: one indexed query, then a cached response if the tenant's site has not changed since.
# Exempt from the rate limiter, whose bookkeeping would cost more than the view itself.
@public.route("/<tenant:username>/", defaults={"subpath": ""})
@public.route("/<tenant:username>/<path:subpath>")
@limiter.exempt
@same_for_every_visitor
def tenant_path(username: str, subpath: str):
    head = _public_tenant(username)
    if username != head.username:
        return redirect(f"/{head.username}/{subpath}", 301)
    elsewhere = served_elsewhere(head, subpath)
    if elsewhere is not None:
        return elsewhere
    cache = current_app.extensions["profilehost.page_cache"]
    key = page_cache_key(request.environ, head.id, subpath, THEME_VERSION)
    cached = cache.get(key, head.site_version)
    if cached is None:
        tenant = db.session.get(User, head.id)
        served = served_file(subpath)
        if served is not None:
            return _serve_asset(tenant, served[1])
        rendered = routing.rebased(_render_tenant_path(tenant, subpath), request.environ, tenant.username)
        cached = freeze(rendered, head.site_version)
        cache.put(key, cached)
    return answer(cached, request.environ)


def _render_tenant_path(tenant: User, subpath: str) -> Response:
    if subpath == "sitemap.xml":
        return _tenant_sitemap(tenant)
    listed = bibliography_views.bibliography_response(tenant, subpath)
    if listed is not None:
        return listed
    feed = feed_views.feed_response(tenant, subpath, request.url_root.rstrip("/"))
    if feed is not None:
        feed.headers["Cache-Control"] = _public_cache()
        return feed
    return _serve_page(tenant, "/" + subpath)


def served_elsewhere(head: TenantHead, subpath: str) -> Response | None:
    """A 301 to where the tenant's site lives (its domain, the content origin), for a request that came elsewhere."""
    moved = routing.misplaced(request.environ, head.username, head.domain, current_app.config["PAGES_HOST"], subpath)
    return None if moved is None else _redirect(moved)


def report_url(tenant: User, permalink: str) -> str:
    """The report form lives on the site's own address: a content origin links there, never to a form of its own."""
    path = f"/report?url=/{tenant.username}{permalink}"
    if routing.request_origin(request.environ).content:
        return current_app.config["MAIL_BASE_URL"].rstrip("/") + path
    return path


def _public_tenant(username: str) -> TenantHead:
    tenant = current_app.extensions["profilehost.tenant_heads"](username)
    if tenant is None or tenant.state in (AccountState.PENDING, AccountState.DELETED):
        abort(404)
    if tenant.state == AccountState.SUSPENDED:
        abort(Response(render_template("theme/unavailable.html"), 410))
    return tenant


def _serve_page(tenant: User, path: str) -> Response:
    base = f"/{tenant.username}"
    candidates = tuple(dict.fromkeys((path, canonical_path(path))))
    for permalink in candidates:
        found = sites.public_page_and_revision(tenant, permalink)
        if found:
            return _render_page(tenant, *found) if permalink == path else _redirect(base + permalink)
    for candidate in candidates:
        target = sites.redirect_target(tenant, candidate)
        if target is not None:
            return _redirect(base + target.permalink)
    return _tenant_not_found(tenant, path)


def _public_cache(browser_seconds: int = 0) -> str:
    # How long nginx (or any shared cache) may serve a public answer without asking the app again: the delay
    # before a suspension, a deletion or an unpublish shows everywhere.
    return f"public, max-age={browser_seconds}, s-maxage={current_app.config['PUBLIC_CACHE_SECONDS']}"


def _redirect(location: str) -> Response:
    response = redirect(location, 301)
    response.headers["Cache-Control"] = _public_cache()
    return response


def _site_view(tenant: User, current: str, collection: str | None = None) -> sites.SiteView:
    """The site around the page at `current`. Around an item of `collection` (a bibliography's entry is one of
    the publications), the page that lists the collection is marked in the menu and linked back to: both read from
    the public pages the menu reads anyway, so an item's page costs no query more, and any change to that page
    bumps the site's version, which every cached page is validated by."""
    public_pages = sites.public_pages(tenant)
    listing = sites.listing_page(public_pages, collection) if collection else None
    base = f"/{tenant.username}"
    return sites.SiteView(username=tenant.username, base_url=base,
                          profile=sites.profile_view(tenant, _avatar_url(tenant)),
                          nav=sites.menu(tenant, public_pages, current, listing.permalink if listing else ""),
                          listed_on=sites.NavItem(listing.title, base + listing.permalink) if listing else None)


def _avatar_url(tenant: User) -> str:
    avatar = tenant.profile.avatar if tenant.profile else ""
    if not avatar or avatar.startswith("https://"):
        return avatar
    asset = sites.public_asset(tenant, avatar)
    if asset is None or not is_image(asset):
        return ""
    return f"/{tenant.username}/images/{quote(asset.name)}?v={asset.sha256[:12]}"


def _render_page(tenant: User, page, revision) -> Response:
    site = _site_view(tenant, page.permalink, page.collection)
    root = request.url_root.rstrip("/")
    avatar = site.profile.avatar_url
    html = sites.published_html(revision)
    page_view = sites.PageView(
        title=revision.title, body_html=html.body, description=revision.description,
        canonical_url=f"{root}/{tenant.username}{page.permalink}", permalink=page.permalink,
        author_profile=revision.author_profile, updated_at=page.updated_at,
        layout_draws_title=revision.layout_draws_title, header_html=html.header,
        after_content_html=html.after_content,
        json_ld=sites.person_json_ld(site.profile, f"{root}/{tenant.username}/",
                                     root + avatar if avatar.startswith("/") else avatar),
        # The site's own single layout wrote the item's lines at publish time: none are worked out per view.
        item=collections.header_of(tenant, page, revision) if revision.header_html is None else None,
    )
    head = page_heads.page_head(tenant, root, page.collection, revision.front_matter or {}, revision.title,
                                page_view.canonical_url)
    response = Response(render_template("theme/page.html", site=site, page=page_view, page_head=head,
                                        report_url=report_url(tenant, page.permalink), dashboard_url=None))
    # A hash of the body: it changes when what a visitor sees changes, and tells nothing else (not the drafts
    # saved since, nor how many revisions the whole site holds).
    response.add_etag()
    response.last_modified = max(page.updated_at, tenant.profile.updated_at)
    response.headers["Cache-Control"] = _public_cache()
    return response


def _tenant_not_found(tenant: User, path: str) -> Response:
    """The site's own not-found page (404.md) when it has one, else the theme's; 404 either way."""
    own = pages.not_found_page(tenant)
    if own is not None:
        response = _render_page(tenant, *own)
        response.status_code = 404
        return response
    html = render_template("theme/not_found.html", site=_site_view(tenant, path), report_url=None,
                           page_head=page_heads.site_head(tenant, request.url_root.rstrip("/")))
    response = Response(html, 404)
    response.headers["Cache-Control"] = _public_cache()
    return response


def _serve_asset(tenant: User, name: str):
    asset = sites.public_asset(tenant, name)
    if asset is None:
        return _tenant_not_found(tenant, f"/{name}")
    response = Response(asset.data, mimetype=asset.content_type)
    disposition = "inline" if is_image(asset) or asset.content_type == "application/pdf" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{asset.name.rsplit("/", 1)[-1]}"'
    response.headers["Cache-Control"] = _public_cache(FILE_BROWSER_SECONDS)
    # Even if a browser were tricked into rendering a file as a document, it could run nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.set_etag(asset.sha256)
    return response.make_conditional(request)


def _tenant_sitemap(tenant: User) -> Response:
    addresses = {page.permalink: page.updated_at for page in sites.public_pages(tenant)}
    for permalink, updated_at in bibliography.entry_addresses(tenant):
        addresses.setdefault(permalink, updated_at)
    body = render_template("sitemap.xml", root=request.url_root.rstrip("/"), tenant=tenant,
                           addresses=addresses.items())
    response = Response(body, mimetype="application/xml")
    response.headers["Cache-Control"] = _public_cache()
    return response
