"""The 科技人才信息库: talents and the high-end innovation teams they form."""
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.core.crypto import EncryptedString, blind_index, keep_blind_index
from talent.core.masking import birth_year, mask_id_number_short
from talent.core.timeutil import iso_utc, utcnow
from talent.extensions import db
from talent.registry.choices import CHOICE_SETS, label, sql_in


def _choice_check(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({sql_in(CHOICE_SETS[column])})", name=column)


class Team(db.Model):
    """高端科技创新人才团队."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("talents.id", use_alter=True, name="fk_teams_leader_id_talents"), index=True
    )
    field: Mapped[str] = mapped_column(String(30))
    introduced_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Optimistic concurrency: every UPDATE checks and bumps it (a stale form is refused).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__: ClassVar = {"version_id_col": version}

    leader: Mapped["Talent | None"] = relationship(foreign_keys=[leader_id], post_update=True)
    members: Mapped[list["Talent"]] = relationship(
        back_populates="team", foreign_keys="Talent.team_id", order_by="Talent.name"
    )

    @property
    def field_label(self) -> str:
        return label("field", self.field)


class Talent(db.Model):
    __tablename__ = "talents"
    __table_args__ = (
        *(
            _choice_check(c)
            for c in (
                "gender",
                "id_type",
                "education",
                "title_level",
                "field",
                "category",
                "source",
                "programme_level",
                "status",
            )
        ),
        Index("ix_talents_status_id", "status", "id"),
        # Covers the dashboard's one GROUP BY, so it reads this index instead of the table.
        Index("ix_talents_summary", "status", "category", "field", "education", "source", "nationality"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[str] = mapped_column(String(10))
    id_type: Mapped[str] = mapped_column(String(30), default="resident_id")
    # Encrypted at rest (SM4-GCM, core/crypto.py); found through its blind index, which also
    # carries the uniqueness: one record per person.
    id_number: Mapped[str] = mapped_column(EncryptedString(128, "talents.id_number"))
    id_number_index: Mapped[str] = mapped_column(String(64), unique=True)
    nationality: Mapped[str] = mapped_column(String(2), default="CN", index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    email: Mapped[str] = mapped_column(String(120), default="")
    education: Mapped[str] = mapped_column(String(20), index=True)
    title_level: Mapped[str] = mapped_column(String(20), default="none", index=True)
    title_name: Mapped[str] = mapped_column(String(60), default="")
    employer: Mapped[str] = mapped_column(String(100), index=True)
    field: Mapped[str] = mapped_column(String(30), index=True)
    category: Mapped[str] = mapped_column(String(20), default="none", index=True)
    source: Mapped[str] = mapped_column(String(20), default="local", index=True)
    introduced_on: Mapped[date | None] = mapped_column(Date)
    programme_level: Mapped[str] = mapped_column(String(20), default="none")
    works_in_county: Mapped[bool] = mapped_column(Boolean, default=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    honors: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # A passport-style photo (an upload key, see core/uploads.py); the one a talent submitted
    # waits in photo_pending_key until 组织部 approves it.
    photo_key: Mapped[str | None] = mapped_column(String(40))
    photo_pending_key: Mapped[str | None] = mapped_column(String(40))
    # Optimistic concurrency: every UPDATE checks and bumps it (a stale form or PATCH is refused).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__: ClassVar = {"version_id_col": version}

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])

    def label_of(self, kind: str) -> str:
        return label(kind, getattr(self, kind))

    @classmethod
    def id_number_is(cls, value: str):
        """The SQL condition "holds this ID number" (exact, after normalising)."""
        return cls.id_number_index == blind_index(value)

    def shown_id_number(self, reveal: bool) -> str:
        return self.id_number if reveal else mask_id_number_short(self.id_number)

    def shown_birth_date(self, reveal: bool) -> str:
        """The full date for those who may see full ID numbers; otherwise only the year, so the
        shown fields together cannot rebuild the ID number (see core/masking.py)."""
        if not self.birth_date:
            return ""
        return self.birth_date.isoformat() if reveal else f"{self.birth_date.year}年"

    @property
    def birth_year(self) -> int | None:
        return birth_year(self.birth_date)

    def to_dict(self, reveal_id: bool) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "gender": self.gender,
            "id_type": self.id_type,
            "id_number": self.shown_id_number(reveal_id),
            "nationality": self.nationality,
            "birth_date": self.birth_date.isoformat() if self.birth_date and reveal_id else None,
            "birth_year": self.birth_year,
            "phone": self.phone,
            "email": self.email,
            "education": self.education,
            "title_level": self.title_level,
            "title_name": self.title_name,
            "employer": self.employer,
            "field": self.field,
            "category": self.category,
            "source": self.source,
            "introduced_on": self.introduced_on.isoformat() if self.introduced_on else None,
            "programme_level": self.programme_level,
            "works_in_county": self.works_in_county,
            "team_id": self.team_id,
            "honors": list(self.honors or []),
            "status": self.status,
            "created_at": iso_utc(self.created_at),
            "updated_at": iso_utc(self.updated_at),
            "version": self.version,
        }

    def __repr__(self) -> str:
        return f"<Talent {self.id} {self.name}>"


keep_blind_index(Talent, "id_number", "id_number_index")


class CorrectionRequest(db.Model):
    """A talent asks 县委组织部 to correct their record; staff mark it handled."""

    __tablename__ = "correction_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id"), index=True)
    # What the talent writes is free text, and a correction is most often about the ID number
    # itself ("身份证号应为…"): encrypted like the numbers, and so is the reply, which repeats it
    # (1,000 characters of 4-byte UTF-8 → 5,375 stored; 500 → 2,707).
    text: Mapped[str] = mapped_column(EncryptedString(5400, "correction_requests.text"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column()
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reply: Mapped[str] = mapped_column(EncryptedString(2800, "correction_requests.reply"), default="")

    talent: Mapped[Talent] = relationship()


class TalentFigure(db.Model):
    """How many talents share one status × category × field × education × source × foreign
    (maintained by ``registry/figures.py``; the dashboard sums these few hundred rows)."""

    __tablename__ = "talent_figures"

    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    field: Mapped[str] = mapped_column(String(30), primary_key=True)
    education: Mapped[str] = mapped_column(String(20), primary_key=True)
    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    is_foreign: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
