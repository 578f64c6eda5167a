"""技术需求: what a service target asks the commissioners for, from posting to the logs that
answered it."""
from datetime import datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.commissioners import choices
from talent.commissioners.choices import sql_in
from talent.commissioners.models import Commissioner, ServiceTarget
from talent.core.timeutil import iso_utc, utcnow
from talent.extensions import db


class TargetNeed(db.Model):
    """A need of one target: ``open`` until a commissioner is matched, ``matched`` while one works
    on it, ``closed`` once a confirmed log answered it (or the clerk closed it)."""

    __tablename__ = "target_needs"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(choices.NEED_STATUSES)})", name="status"),
        CheckConstraint(f"urgency IN ({sql_in(choices.URGENCIES)})", name="urgency"),
        CheckConstraint("status = 'open' OR status = 'closed' OR commissioner_id IS NOT NULL",
                        name="matched_has_commissioner"),
        Index("ix_target_needs_target_status", "target_id", "status"),
        Index("ix_target_needs_status_field", "status", "field"),
        Index("ix_target_needs_commissioner_status", "commissioner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("service_targets.id"))
    title: Mapped[str] = mapped_column(String(100))
    field: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(10), default="open")
    commissioner_id: Mapped[int | None] = mapped_column(ForeignKey("commissioners.id"))
    # "clerk" (县科工信局 recorded it) or "target" (the target's own account posted it).
    posted_via: Mapped[str] = mapped_column(String(10), default="clerk")
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: ClassVar = {"version_id_col": version}

    target: Mapped[ServiceTarget] = relationship()
    commissioner: Mapped[Commissioner | None] = relationship()

    @property
    def status_label(self) -> str:
        return choices.NEED_STATUSES.get(self.status, self.status)

    @property
    def urgency_label(self) -> str:
        return choices.URGENCIES.get(self.urgency, self.urgency)

    @property
    def field_label(self) -> str:
        return choices.FIELDS.get(self.field, self.field)

    @property
    def label(self) -> str:
        return f"{self.title}（{self.target.name}）"

    def to_dict(self) -> dict:
        return {"id": self.id, "target_id": self.target_id, "title": self.title,
                "field": self.field, "description": self.description, "urgency": self.urgency,
                "status": self.status, "commissioner_id": self.commissioner_id,
                "posted_via": self.posted_via, "closed_at": iso_utc(self.closed_at),
                "created_at": iso_utc(self.created_at), "updated_at": iso_utc(self.updated_at),
                "version": self.version}
