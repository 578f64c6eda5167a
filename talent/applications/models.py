"""Card applications, their steps and their materials."""
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.auth.models import User
from talent.cards.models import Card
from talent.core.timeutil import iso_utc, utcnow
from talent.employers.models import Employer
from talent.extensions import db
from talent.registry.models import Talent

STATUSES = {
    "submitted": "待单位确认",
    "confirmed": "待组织部审核",
    "returned": "退回修改",
    "declined": "单位不予确认",
    "approved": "已批准发卡",
    "rejected": "未通过",
    "withdrawn": "已撤回",
}
OPEN_STATUSES = ("submitted", "confirmed", "returned")
STARTED_BY = {"talent": "本人申请", "employer": "用人单位代为申请", "org": "组织部代为申请"}


def _in(column: str, values) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=column)


class CardApplication(db.Model):
    __tablename__ = "card_applications"
    __table_args__ = (
        _in("status", STATUSES),
        _in("started_by", STARTED_BY),
        # One open application per talent, settled by the database when two arrive at once.
        Index("uq_card_applications_one_open_per_talent", "talent_id", unique=True,
              sqlite_where=db.text("status IN ('submitted', 'confirmed', 'returned')"),
              postgresql_where=db.text("status IN ('submitted', 'confirmed', 'returned')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="submitted", index=True)
    # The tier the rules in force gave on the day of application (就高), and that rule version.
    eligible_tier: Mapped[str | None] = mapped_column(String(10))
    rule_version: Mapped[int | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    started_by: Mapped[str] = mapped_column(String(10), default="talent")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_on: Mapped[date] = mapped_column(Date, index=True)
    decided_on: Mapped[date | None] = mapped_column(Date)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__: ClassVar = {"version_id_col": version}

    talent: Mapped[Talent] = relationship()
    employer: Mapped[Employer] = relationship()
    card: Mapped[Card | None] = relationship()
    steps: Mapped[list["CardApplicationStep"]] = relationship(
        order_by="CardApplicationStep.id", cascade="all, delete-orphan")
    files: Mapped[list["CardApplicationFile"]] = relationship(
        order_by="CardApplicationFile.id", cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def to_dict(self) -> dict:
        return {
            "id": self.id, "talent_id": self.talent_id, "talent_name": self.talent.name,
            "employer_id": self.employer_id, "employer": self.employer.name,
            "status": self.status, "eligible_tier": self.eligible_tier,
            "rule_version": self.rule_version, "note": self.note, "started_by": self.started_by,
            "submitted_on": self.submitted_on.isoformat(),
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "card_id": self.card_id, "card_number": self.card.number if self.card else None,
            "files": [{"id": f.id, "name": f.filename, "content_type": f.content_type, "size": f.size}
                      for f in self.files],
            "steps": [s.to_dict() for s in self.steps],
            "version": self.version, "created_at": iso_utc(self.created_at),
            "updated_at": iso_utc(self.updated_at),
        }


class CardApplicationStep(db.Model):
    """One step of an application's way (who did what, when, with which note) — what the
    applicant reads as the timeline."""

    __tablename__ = "card_application_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("card_applications.id", ondelete="CASCADE"),
                                                index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(500), default="")

    actor: Mapped[User | None] = relationship()

    def to_dict(self) -> dict:
        return {"at": iso_utc(self.at), "action": self.action, "from": self.from_status,
                "to": self.to_status, "note": self.note,
                "by": self.actor.label if self.actor else None}


class CardApplicationFile(db.Model):
    """Material (PDF, JPEG, PNG) checked by content and kept under ``UPLOAD_DIR``."""

    __tablename__ = "card_application_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("card_applications.id", ondelete="CASCADE"),
                                                index=True)
    key: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
