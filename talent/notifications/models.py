from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from talent.core.timeutil import utcnow
from talent.extensions import db


class Notification(db.Model):
    """One message to one account. Messages to a unit or a talent are fanned out to their
    accounts when written, so each reader has their own read mark."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_inbox", "user_id", "read_at", "id"),
        # A key makes a reminder idempotent: a sweep run twice notifies once.
        UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(500), default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()

    @property
    def unread(self) -> bool:
        return self.read_at is None
