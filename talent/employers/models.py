"""Employers and who works for them."""
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.registry.models import Talent

KINDS = {"enterprise": "企业", "institution": "事业单位", "other": "其他"}


class Employer(db.Model):
    __tablename__ = "employers"
    __table_args__ = (CheckConstraint("kind IN ('enterprise', 'institution', 'other')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="enterprise")
    uscc: Mapped[str] = mapped_column(String(18), default="")
    contact: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    # The same enterprise as a commissioners' service target, where it is one.
    service_target_id: Mapped[int | None] = mapped_column(ForeignKey("service_targets.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__: ClassVar = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "uscc": self.uscc,
                "contact": self.contact, "phone": self.phone, "active": self.active,
                "version": self.version}


class Employment(db.Model):
    """A talent works for an employer: what "its own staff" means. One current employer per talent
    (the talent's row is replaced when they change employer; the audit log keeps the old one)."""

    __tablename__ = "employments"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id"), unique=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    since: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    talent: Mapped[Talent] = relationship()
    employer: Mapped[Employer] = relationship()
