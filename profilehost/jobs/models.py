"""A job of the queue as the dashboard shows it: what it is, how far it got, and what it left."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..extensions import db
from ..models import NEVER_REUSED_IDS, UTCDateTime, utcnow


class JobState:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"  # the work ran to its end; its report says whether it changed anything
    FAILED = "failed"  # the work stopped before its end (a worker died, a bug): nothing was written

    ACTIVE = (QUEUED, RUNNING)


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10), default=JobState.QUEUED, index=True)
    archive_name: Mapped[str] = mapped_column(String(255), default="")
    # The upload itself, for the worker to read; dropped once the job has ended.
    archive: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    files_checked: Mapped[int] = mapped_column(Integer, default=0)
    files_total: Mapped[int] = mapped_column(Integer, default=0)
    pages_rendered: Mapped[int] = mapped_column(Integer, default=0)
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def active(self) -> bool:
        return self.state in JobState.ACTIVE
