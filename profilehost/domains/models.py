"""A researcher's own domain: the name, the TXT token that proves it is theirs, and whether DNS said so lately."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import NEVER_REUSED_IDS, UTCDateTime, utcnow

# Only DNS decides who a name belongs to: until a claim is verified, other accounts may claim the name too (each
# with a token of its own), so that nobody can hold a name they do not control. A verified name has one tenant.
VERIFIED = text("verified_at IS NOT NULL")


class Domain(db.Model):
    __tablename__ = "domains"
    __table_args__ = (
        UniqueConstraint("user_id", "name", name="uq_domains_user_id_name"),
        Index("ix_domains_verified_name", "name", unique=True, sqlite_where=VERIFIED, postgresql_where=VERIFIED),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # ASCII (IDNA) and lowercase, without the root's dot: the spelling the HostGate gives every Host header, so
    # the verified names' unique index is also "one domain, one tenant".
    name: Mapped[str] = mapped_column(String(253))
    token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set while the last check found the TXT token and the name pointing here; a verified domain is served.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # What the last check found wrong, in words for the researcher.
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)
    # While not verified: when the periodic check removes the claim (service.PENDING_DAYS after it was made or
    # stopped being verified).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
