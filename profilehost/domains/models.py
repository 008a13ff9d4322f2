"""A researcher's own domain: the name, the TXT token that proves it is theirs, and whether DNS said so lately."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import NEVER_REUSED_IDS, UTCDateTime, utcnow


class Domain(db.Model):
    __tablename__ = "domains"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # ASCII (IDNA) and lowercase, without the root's dot: the spelling the HostGate gives every Host header, so
    # the unique constraint is also "one domain, one tenant".
    name: Mapped[str] = mapped_column(String(253), unique=True)
    token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set while the last check found the TXT token and the name pointing here; a verified domain is served.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # What the last check found wrong, in words for the researcher.
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)
