"""Programmes, their yearly calls, and recommendations of talents to a call."""
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.core.timeutil import iso_utc, utcnow
from talent.extensions import db
from talent.registry.choices import PROGRAMME_LEVELS
from talent.registry.models import Talent

# A programme's level uses the talent record's own codes, so a selection maps onto
# ``Talent.programme_level`` without translation; "none" is not a programme level.
LEVELS = {code: text for code, text in PROGRAMME_LEVELS.items() if code != "none"}
LEVEL_SHORT = {"academician": "院士", "national": "国家级", "provincial": "省级", "municipal": "市级"}
# Highest first; the talent record's order (academician > national > provincial > municipal > none).
LEVEL_RANK = {code: rank for rank, code in enumerate(PROGRAMME_LEVELS)}
HIGH_LEVELS = ("academician", "national", "provincial")

# Where the county found the talent (item 4.1: 市十大科技创新项目、揭榜挂帅、省市自科联合基金等).
SOURCES = {
    "top_ten": "市十大科技创新项目",
    "open_competition": "揭榜挂帅",
    "joint_fund": "省市自科联合基金",
    "other": "其他",
}
OUTCOMES = {"pending": "待定", "selected": "入选", "not_selected": "未入选", "withdrawn": "已撤回"}
DECIDED_OUTCOMES = ("selected", "not_selected")

ATTACHMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _in(column: str, values) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=column)


class Programme(db.Model):
    """A talent programme (湖湘青年英才, 芙蓉计划 …): reference data the admin and 人才办 keep."""

    __tablename__ = "programmes"
    __table_args__ = (_in("level", LEVELS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    level: Mapped[str] = mapped_column(String(20), index=True)
    organiser: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    calls: Mapped[list["ProgrammeCall"]] = relationship(
        back_populates="programme", order_by="ProgrammeCall.year.desc()")

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, self.level)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "level": self.level, "organiser": self.organiser,
                "description": self.description, "active": self.active,
                "calls": [{"id": c.id, "year": c.year,
                           "deadline": c.deadline.isoformat() if c.deadline else None}
                          for c in self.calls]}


class ProgrammeCall(db.Model):
    """A programme's call for a year (申报年度) with its deadline."""

    __tablename__ = "programme_calls"
    __table_args__ = (
        UniqueConstraint("programme_id", "year", name="uq_programme_calls_programme_year"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    deadline: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")

    programme: Mapped[Programme] = relationship(back_populates="calls")


class Recommendation(db.Model):
    """县委组织部 recommends a talent to a programme's call; the outcome is recorded later."""

    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint("talent_id", "call_id", name="uq_recommendations_talent_call"),
        _in("source", SOURCES),
        _in("outcome", OUTCOMES),
        Index("ix_recommendations_outcome_call", "outcome", "call_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id"), index=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("programme_calls.id"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="other")
    note: Mapped[str] = mapped_column(String(500), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="pending")
    decided_on: Mapped[date | None] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(String(100), default="")
    # The application material: stored outside static/, served by a permission-checked route.
    attachment_key: Mapped[str | None] = mapped_column(String(80))
    attachment_name: Mapped[str] = mapped_column(String(200), default="")
    attachment_type: Mapped[str] = mapped_column(String(40), default="")
    attachment_size: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Every write carries the version it was made on; the mapper also bumps and checks it.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar = {"version_id_col": version}

    talent: Mapped[Talent] = relationship()
    call: Mapped[ProgrammeCall] = relationship()

    @property
    def programme(self) -> Programme:
        return self.call.programme

    @property
    def year(self) -> int:
        return self.call.year

    @property
    def source_label(self) -> str:
        return SOURCES.get(self.source, self.source)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "talent_id": self.talent_id,
            "talent_name": self.talent.name,
            "programme_id": self.call.programme_id,
            "programme": self.programme.name,
            "level": self.programme.level,
            "year": self.call.year,
            "deadline": self.call.deadline.isoformat() if self.call.deadline else None,
            "source": self.source,
            "note": self.note,
            "outcome": self.outcome,
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "document_no": self.document_no,
            "attachment": ({"name": self.attachment_name, "content_type": self.attachment_type,
                            "size": self.attachment_size} if self.attachment_key else None),
            "version": self.version,
            "created_at": iso_utc(self.created_at),
            "updated_at": iso_utc(self.updated_at),
        }
