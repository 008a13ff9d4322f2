"""Read models for a tenant's public site: what the theme templates receive.

Built once per request from at most a few indexed queries; the page body is HTML stored at publish time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import select

from ..extensions import db
from ..models import AccountState, Asset, Page, Redirect, Revision, User
from ..publishing import Rendered
from .collections import LISTING_PERMALINKS, CollectionItem
from .pages import NOT_FOUND_PERMALINKS

# (kind, label) in the order the sidebar shows them.
LINK_KINDS: tuple[tuple[str, str], ...] = (
    ("email", "Email"),
    ("homepage", "Website"),
    ("google_scholar", "Google Scholar"),
    ("orcid", "ORCID"),
    ("github", "GitHub"),
    ("stackoverflow", "Stack Overflow"),
    ("linkedin", "LinkedIn"),
    ("twitter", "X (Twitter)"),
    ("bluesky", "Bluesky"),
    ("mastodon", "Mastodon"),
    ("researchgate", "ResearchGate"),
    ("semantic_scholar", "Semantic Scholar"),
    ("dblp", "DBLP"),
    ("arxiv", "arXiv"),
)


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str
    current: bool = False
    lists_current: bool = False  # the page that lists the current one (an item's collection, an entry's list)


@dataclass(frozen=True)
class ProfileLink:
    kind: str  # one of LINK_KINDS
    label: str
    url: str  # http(s) or mailto:, validated when saved


@dataclass(frozen=True)
class ProfileView:
    display_name: str
    pronouns: str = ""
    bio: str = ""
    location: str = ""
    employer: str = ""
    avatar_url: str = ""
    links: tuple[ProfileLink, ...] = ()


@dataclass(frozen=True)
class SiteView:
    username: str
    base_url: str  # "/alice"
    profile: ProfileView
    nav: tuple[NavItem, ...] = ()
    listed_on: NavItem | None = None  # the page that lists the current one, which the current one links back to


@dataclass(frozen=True)
class PublishedHtml:
    body: Markup
    header: Markup | None = None  # the site's own single layout's lines under the title
    after_content: Markup | None = None


def published_html(source: Revision | Rendered) -> PublishedHtml:
    """What the theme prints unescaped, from a stored revision or a preview's rendering. Trusted because both are
    the publishing pipeline's output, whose last step is the sanitizer; nothing else is marked trusted."""
    return PublishedHtml(Markup(source.body_html), _markup(source.header_html), _markup(source.after_content_html))


def _markup(html: str | None) -> Markup | None:
    return None if html is None else Markup(html)


@dataclass(frozen=True)
class PageView:
    title: str
    body_html: Markup  # sanitized HTML (published_html), which the theme prints as it is
    description: str
    canonical_url: str  # absolute
    permalink: str
    author_profile: bool
    updated_at: datetime
    layout_draws_title: bool = False  # the site's own layout wrote the title into the body
    header_html: Markup | None = None
    after_content_html: Markup | None = None
    json_ld: dict = field(default_factory=dict)
    item: CollectionItem | None = None  # set when the page is an item of a collection


# --- queries -------------------------------------------------------------------------------------------------


def find_tenant(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.lower()))


def public_page_and_revision(tenant: User, permalink: str) -> tuple[Page, Revision] | None:
    row = db.session.execute(
        select(Page, Revision)
        .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_revision))
        .where(Page.user_id == tenant.id, Page.permalink == permalink, Page.deleted_at.is_(None),
               Page.published.is_(True), Page.moderation_reason.is_(None))
    ).first()
    return (row[0], row[1]) if row else None


def redirect_target(tenant: User, path: str) -> Page | None:
    page = db.session.scalar(
        select(Page).join(Redirect, Redirect.page_id == Page.id)
        .where(Redirect.user_id == tenant.id, Redirect.path == path, Page.deleted_at.is_(None),
               Page.published.is_(True), Page.moderation_reason.is_(None))
    )
    return page


def public_pages(tenant: User) -> list[Page]:
    """The pages of the site, as its sitemap and menu list them: the not-found page (404.md) is not one."""
    return list(db.session.scalars(
        select(Page).where(Page.user_id == tenant.id, Page.deleted_at.is_(None), Page.published.is_(True),
                           Page.moderation_reason.is_(None), Page.permalink.not_in(NOT_FOUND_PERMALINKS))
        .order_by(Page.nav_order.is_(None), Page.nav_order, Page.permalink)
    ))


def public_asset(tenant: User, name: str) -> Asset | None:
    return db.session.scalar(select(Asset).where(Asset.user_id == tenant.id, Asset.name == name))


def tenants_with_public_pages() -> list[User]:
    has_pages = select(Page.id).where(Page.user_id == User.id, Page.deleted_at.is_(None), Page.published.is_(True),
                                      Page.moderation_reason.is_(None)).exists()
    return list(db.session.scalars(select(User).where(User.public_state == AccountState.ACTIVE, has_pages)
                                   .order_by(User.username)))


# --- read models ---------------------------------------------------------------------------------------------

def menu(tenant: User, pages: list[Page], current: str, listing: str = "") -> tuple[NavItem, ...]:
    """The masthead menu: an imported navigation.yml's entries in its order; else pages with a nav_order, in
    that order; with none set, the home page and the top-level pages by title (so a new site has a useful menu
    before its author thinks about one). `listing` is the permalink of the page that lists the current one."""
    if tenant.profile and tenant.profile.navigation:
        return _navigation_menu(tenant, tenant.profile.navigation, pages, current, listing)
    chosen = [page for page in pages if page.nav_order is not None]
    if not chosen:
        top_level = [page for page in pages if page.permalink.count("/") <= 2]
        chosen = sorted(top_level, key=lambda page: (page.permalink != "/", page.title.lower()))
    base = f"/{tenant.username}"
    return tuple(NavItem(title=page.nav_title or page.title, url=base + page.permalink,
                         current=page.permalink == current, lists_current=bool(listing) and page.permalink == listing)
                 for page in chosen)


def menu_positions(tenant: User) -> dict[str, int]:
    """Each page's place in the masthead menu, by permalink, as `menu` draws it (navigation.yml's order when the
    site has one): what the dashboard shows, so it never says a page is in the menu when visitors do not see it."""
    base = f"/{tenant.username}"
    items = menu(tenant, public_pages(tenant), "")
    return {item.url[len(base):]: number for number, item in enumerate(items, 1) if item.url.startswith(base + "/")}


def _navigation_menu(tenant: User, navigation: list, pages: list[Page], current: str,
                     listing: str) -> tuple[NavItem, ...]:
    """Entries that lead to one of the tenant's public pages, or off the site; never to a 404."""
    base = f"/{tenant.username}"
    public = {page.permalink for page in pages}
    items = []
    for entry in navigation:
        url = entry["url"]
        if url.startswith(("https://", "http://")):
            items.append(NavItem(title=entry["title"], url=url))
        elif url.partition("#")[0] in public:
            items.append(NavItem(title=entry["title"], url=base + url, current=url == current,
                                 lists_current=bool(listing) and url == listing))
    return tuple(items)


def listing_page(pages: list[Page], collection: str) -> Page | None:
    """Of the site's public pages, the one that lists the collection's items, which an item's page links back to:
    a page whose Liquid read site.<collection> (`{% bibliography %}` does), the collection's usual listing address
    first and the home page last (al-folio's home lists only the selected papers); else a page at that address
    (academicpages' archive page, whatever it says). None when the site has neither."""
    address = LISTING_PERMALINKS.get(collection)
    listing = [page for page in pages if f"site.{collection}" in (page.reads or ())]
    if listing:
        return min(listing, key=lambda page: (page.permalink != address, page.permalink == "/"))
    return next((page for page in pages if page.permalink == address), None)


def profile_view(tenant: User, avatar_url: str) -> ProfileView:
    profile = tenant.profile
    links = tuple(
        ProfileLink(kind=kind, label=label, url=_link_href(kind, profile.links[kind]))
        for kind, label in LINK_KINDS if profile.links.get(kind)
    )
    return ProfileView(display_name=profile.display_name or tenant.username, pronouns=profile.pronouns,
                       bio=profile.bio, location=profile.location, employer=profile.employer,
                       avatar_url=avatar_url, links=links)


def _link_href(kind: str, value: str) -> str:
    return f"mailto:{value}" if kind == "email" else value


def person_json_ld(profile: ProfileView, home_url: str, avatar_absolute: str) -> dict:
    person: dict = {"@context": "https://schema.org", "@type": "Person", "name": profile.display_name,
                    "url": home_url}
    if profile.employer:
        person["affiliation"] = {"@type": "Organization", "name": profile.employer}
    if profile.bio:
        person["description"] = profile.bio
    if avatar_absolute:
        person["image"] = avatar_absolute
    same_as = [link.url for link in profile.links if link.kind != "email"]
    if same_as:
        person["sameAs"] = same_as
    return person
