"""The database schema. Models hold data and small derived properties; services own every write."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    false,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from .extensions import db

# A row id, once given, is never given again: caches, audit events and rate limits keyed by an id must not pass
# to the next account after a purge. SQLite reuses the highest id of deleted rows unless a table is declared
# AUTOINCREMENT; PostgreSQL's sequences never go back.
NEVER_REUSED_IDS = {"sqlite_autoincrement": True}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that reads back timezone-aware on every engine (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def new_session_token() -> str:
    return secrets.token_hex(16)


# The values below are what the database stores: renaming one needs a migration.
class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class AccountState(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DELETED = "deleted"


# How long a deleted account can be brought back (by an admin, or by its owner logging in when the owner deleted
# it) before `flask purge` removes it for good. Here, where the mail notices can read it too.
ACCOUNT_RESTORE_WINDOW = timedelta(days=30)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # Emails are stored lowercase (services.accounts.check_email), so the unique constraint holds in any letter
    # case, also for two registrations at the same moment.
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"), NEVER_REUSED_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lowercase: the username is the tenant's URL path, unique regardless of case.
    username: Mapped[str] = mapped_column(String(32), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.USER)
    state: Mapped[str] = mapped_column(String(16), default=AccountState.ACTIVE)
    # Part of the login session's identity: replacing it ends every other session of the user.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    # Two-factor sign-in (services.two_factor): the TOTP secret once confirmed, and the time step of the last code
    # accepted, so that a code seen over a shoulder cannot be used again within its 30 seconds.
    totp_secret: Mapped[str | None] = mapped_column(String(32), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The secret of an enrolment not yet confirmed: kept here, not in the (readable) session cookie, which holds only
    # a digest of it, so the browser that started the enrolment is the only one that can finish it.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Set for a password someone else chose (the operator's CLI, the demo): every screen asks for a new one first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by every change to what the public site shows (pages, menu, profile, state), so caches and
    # ETags are validated by one number read in the same query as the page.
    site_version: Mapped[int] = mapped_column(Integer, default=1)
    # Why the account is suspended (shown to its owner at login), and when it was deleted (soft: restorable for
    # ACCOUNT_RESTORE_WINDOW).
    state_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # None until the owner follows the link mailed to `email`: until then nothing of the account is public.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A new address asked for and not yet confirmed from its own mailbox; `email` stays in use until then.
    pending_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    # Notices that are not needed to keep the account (approval, restore, appeal decisions...) are mailed while
    # true; the owner turns them off in the dashboard or with the signed link in each such message.
    mail_notices: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    profile: Mapped[Profile] = relationship(back_populates="user", uselist=False)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    # THE rule for what a visitor sees of an account, in Python and in SQL alike: an active account whose email
    # is not yet confirmed is shown as pending (not found), exactly as one waiting for an admin's approval.
    @hybrid_property
    def public_state(self) -> str:
        if self.state == AccountState.ACTIVE and self.email_verified_at is None:
            return AccountState.PENDING
        return self.state

    @public_state.inplace.expression
    @classmethod
    def _public_state_expression(cls):
        # The plain values: services.sites compiles this with literal binds, which know str but not an enum.
        return case((and_(cls.state == AccountState.ACTIVE.value, cls.email_verified_at.is_(None)),
                     AccountState.PENDING.value), else_=cls.state)

    @property
    def is_public(self) -> bool:
        return self.public_state == AccountState.ACTIVE


class Profile(db.Model):
    """What the theme's author sidebar shows."""

    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    pronouns: Mapped[str] = mapped_column(String(40), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(120), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    avatar: Mapped[str] = mapped_column(String(255), default="")
    # {link kind: URL}, kinds listed in services.profiles.LINK_KINDS.
    links: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"title", "url"}] from an imported _data/navigation.yml: the menu in the author's order. None: the
    # menu comes from the pages' nav_order.
    navigation: Mapped[list | None] = mapped_column(JSON, nullable=True)
    # A BCP 47 tag (publishing.meta.language_of); "": the _config.yml's `locale`, else English.
    locale: Mapped[str] = mapped_column(String(35), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="profile")


class Page(db.Model):
    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("user_id", "permalink", name="uq_pages_user_id_permalink"),
        Index("ix_pages_user_id_collection", "user_id", "collection"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    permalink: Mapped[str] = mapped_column(String(512))
    # Copied from the current revision so the menu and lists need no join.
    title: Mapped[str] = mapped_column(String(300))
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    nav_order: Mapped[int | None] = mapped_column(Integer, nullable=True)
    nav_title: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # An academicpages collection item ("publications", "talks", ...): listed on the collection's listing
    # page, newest item_date first. None for ordinary pages.
    collection: Mapped[str | None] = mapped_column(String(32), nullable=True)
    item_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    current_revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    moderation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # What of the site the current revision's Liquid read ('site.data.cv', 'site.publications', 'include:x'):
    # a change to one of those re-renders this page.
    reads: Mapped[list | None] = mapped_column(JSON, nullable=True)

    user: Mapped[User] = relationship()
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="page", order_by="Revision.number", cascade="all, delete-orphan"
    )

    @property
    def is_public(self) -> bool:
        return self.published and self.deleted_at is None and self.moderation_reason is None


class Revision(db.Model):
    """An immutable snapshot of a page: once written, never updated."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("page_id", "number", name="uq_revisions_page_id_number"), NEVER_REUSED_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[bytes] = mapped_column(LargeBinary)
    # The uploaded file's name: its suffix decides Markdown or HTML, and an export writes it back under it.
    source_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    front_matter: Mapped[dict] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    author_profile: Mapped[bool] = mapped_column(Boolean, default=False)
    # The site's own layout writes the title and what surrounds the body (publishing/layouts.py).
    layout_draws_title: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What the site's own single or talk layout writes under the title and after the content, sanitized; None:
    # the site has no copy, and the theme writes academicpages' lines from the front matter.
    header_html: Mapped[str | None] = mapped_column(Text, nullable=True)
    after_content_html: Mapped[str | None] = mapped_column(Text, nullable=True)
    body_html: Mapped[str] = mapped_column(Text)
    notices: Mapped[list] = mapped_column(JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    page: Mapped[Page] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


class Redirect(db.Model):
    """An old path (redirect_from) of a page, answered with a 301 to the page's permalink."""

    __tablename__ = "redirects"
    __table_args__ = (UniqueConstraint("user_id", "path", name="uq_redirects_user_id_path"), NEVER_REUSED_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(512))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)

    page: Mapped[Page] = relationship()


class Asset(db.Model):
    """An uploaded image or PDF, kept in the database so app servers share no disk."""

    __tablename__ = "assets"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_assets_user_id_name"), NEVER_REUSED_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SiteFile(db.Model):
    """One version of a file of the tenant's Jekyll site that is not a page: `_config.yml`, `_data/cv.yml`,
    `_includes/x.html`. Every upload adds a version; the newest is current, and a deletion is a version with no
    source."""

    __tablename__ = "site_files"
    __table_args__ = (
        UniqueConstraint("user_id", "path", "number", name="uq_site_files_user_id_path_number"),
        Index("ix_site_files_user_id_current", "user_id", "current"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(255))
    number: Mapped[int] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(db.Model):
    """Append-only record of every admin action and account state change."""

    __tablename__ = "audit_events"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    # Kept as text too: the log must still say who acted after an account is purged.
    actor_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target_name: Mapped[str] = mapped_column(String(600))
    reason: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ReportStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class Report(db.Model):
    """A visitor's report about a tenant's page."""

    __tablename__ = "reports"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True,
                                                  nullable=True)
    url: Mapped[str] = mapped_column(String(600))
    category: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # The reporter's private link to the outcome; only its hash is stored.
    status_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.OPEN, index=True)
    admin_notes: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    tenant: Mapped[User | None] = relationship()


class AppealStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Appeal(db.Model):
    """A suspended tenant's one appeal against the suspension."""

    __tablename__ = "appeals"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=AppealStatus.OPEN)
    response: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()


class Invite(db.Model):
    __tablename__ = "invites"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(db.Model):
    """A personal API token; only a hash of it is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RecoveryCode(db.Model):
    """One of a user's single-use two-factor recovery codes; only a hash is stored, the code is shown once."""

    __tablename__ = "recovery_codes"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class BibliographyVersion(db.Model):
    """One version of a tenant's bibliography (a .bib file): every save adds one, the newest is current, and a
    removal is a version with no source. `rendered` is what the public pages show of the current one (its entries
    formatted and sanitized), made when it is saved or the bibliography's settings change."""

    __tablename__ = "bibliography_versions"
    __table_args__ = (
        UniqueConstraint("user_id", "number", name="uq_bibliography_versions_user_id_number"),
        Index("ix_bibliography_versions_user_id_current", "user_id", "current"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    source_name: Mapped[str] = mapped_column(String(255), default="bibliography.bib")
    rendered: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BibliographySettings(db.Model):
    """How a tenant's publication list is written: its CSL style, and the forms of the researcher's name shown
    in bold besides the profile's name."""

    __tablename__ = "bibliography_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    style: Mapped[str] = mapped_column(String(64), default="apa")
    name_forms: Mapped[list] = mapped_column(JSON, default=list)
