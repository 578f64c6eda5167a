"""What a commissioner's year is assessed by: the projects they lead, the published scoring rules
of their round, and the grade staff give."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.commissioners import choices
from talent.commissioners.choices import sql_in
from talent.commissioners.models import Commissioner, ServiceTarget
from talent.core.timeutil import iso_utc, utcnow
from talent.extensions import db


class Project(db.Model):
    """科技项目 a commissioner leads, e.g. 省级科技特派员服务乡村振兴科技项目."""

    __tablename__ = "commissioner_projects"
    __table_args__ = (
        CheckConstraint(f"level IN ({sql_in(choices.PROJECT_LEVELS)})", name="level"),
        CheckConstraint(f"kind IN ({sql_in(choices.PROJECT_KINDS)})", name="kind"),
        CheckConstraint(f"status IN ({sql_in(choices.PROJECT_STATUSES)})", name="status"),
        CheckConstraint("funding >= 0", name="funding"),
        Index("ix_commissioner_projects_year_level", "year", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30), default="rural_revitalization")
    year: Mapped[int] = mapped_column()
    funding: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False), default=0)
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("commissioners.id"), index=True)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("service_targets.id"))
    status: Mapped[str] = mapped_column(String(20), default="approved")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    commissioner: Mapped[Commissioner] = relationship()
    target: Mapped[ServiceTarget | None] = relationship()

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "level": self.level, "kind": self.kind,
                "year": self.year, "funding": float(self.funding or 0),
                "commissioner_id": self.commissioner_id, "target_id": self.target_id,
                "status": self.status}


class Assessment(db.Model):
    """年度考核: the grade staff give a commissioner for a year (the figures are computed)."""

    __tablename__ = "commissioner_assessments"
    __table_args__ = (
        UniqueConstraint("commissioner_id", "year", name="uq_commissioner_assessments_year"),
        CheckConstraint(f"grade IN ({sql_in(choices.GRADES)})", name="grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("commissioners.id"))
    year: Mapped[int] = mapped_column(index=True)
    grade: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the published rules said when the grade was given: kept when the rules change.
    points: Mapped[float | None] = mapped_column(Numeric(8, 2, asdecimal=False))
    suggested_grade: Mapped[str | None] = mapped_column(String(20))
    rules_id: Mapped[int | None] = mapped_column(ForeignKey("commissioner_scoring_rules.id"))
    rules_version: Mapped[int] = mapped_column(default=0)

    commissioner: Mapped[Commissioner] = relationship()


class ScoringRules(db.Model):
    """考核积分规则 of a selection round, as data; every change is a new version (the old ones
    stay, and the assessments graded under them keep pointing at them)."""

    __tablename__ = "commissioner_scoring_rules"
    __table_args__ = (UniqueConstraint("round_id", "version", name="uq_commissioner_scoring_rules_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("selection_rounds.id"), index=True)
    version: Mapped[int] = mapped_column()
    rules: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def to_dict(self) -> dict:
        return {"version": self.version, **self.rules, "created_at": iso_utc(self.created_at)}
