"""Commissioners (科技特派员), the rounds that select them, whom they serve and what they log."""
import math
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.commissioners import choices
from talent.commissioners.choices import sql_in
from talent.core.crypto import EncryptedString, keep_blind_index
from talent.core.masking import mask_id_number
from talent.core.timeutil import iso_utc, to_local, utcnow
from talent.extensions import db
from talent.registry.models import Talent

ACTIVE = db.text("status = 'active'")
PENDING = db.text("status = 'submitted'")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class Town(db.Model):
    """双牌县's towns and townships (reference data, seeded)."""

    __tablename__ = "towns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    sort_order: Mapped[int] = mapped_column(default=0)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = math.radians(lat2 - lat1), math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


class SelectionRound(db.Model):
    """选派批次."""

    __tablename__ = "selection_rounds"
    __table_args__ = (
        CheckConstraint(f"level IN ({sql_in(choices.LEVELS)})", name="level"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    level: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # 服务打卡: the round asks its commissioners to record where a service happened.
    checkin: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def to_dict(self) -> dict:
        return {"id": self.id, "year": self.year, "level": self.level, "name": self.name,
                "starts_on": _iso(self.starts_on), "ends_on": _iso(self.ends_on),
                "checkin": bool(self.checkin)}


class Commissioner(db.Model):
    __tablename__ = "commissioners"
    __table_args__ = (
        CheckConstraint(f"level IN ({sql_in(choices.LEVELS)})", name="level"),
        CheckConstraint(f"status IN ({sql_in(choices.STATUSES)})", name="status"),
        # One person, one active post: by ID number and by talent record, in the database itself.
        Index("uq_commissioners_active_id_number", "id_number_index", unique=True,
              sqlite_where=ACTIVE, postgresql_where=ACTIVE),
        Index("uq_commissioners_active_talent", "talent_id", unique=True,
              sqlite_where=ACTIVE, postgresql_where=ACTIVE),
        Index("ix_commissioners_status_level", "status", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    # Encrypted at rest like talents' (core/crypto.py); the blind index finds and ties it.
    id_number: Mapped[str | None] = mapped_column(EncryptedString(128, "commissioners.id_number"))
    id_number_index: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20), default="")
    employer: Mapped[str] = mapped_column(String(100), default="")
    expertise: Mapped[str] = mapped_column(String(200), default="")
    field: Mapped[str] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(20))
    three_regions: Mapped[bool] = mapped_column(Boolean, default=False)
    talent_id: Mapped[int | None] = mapped_column(ForeignKey("talents.id"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("selection_rounds.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    round: Mapped[SelectionRound | None] = relationship()
    talent: Mapped[Talent | None] = relationship()

    def shown_id_number(self, reveal: bool) -> str:
        if not self.id_number:
            return ""
        return self.id_number if reveal else mask_id_number(self.id_number)

    @property
    def level_label(self) -> str:
        return choices.LEVELS.get(self.level, self.level)

    def to_dict(self, reveal_id: bool) -> dict:
        return {
            "id": self.id, "name": self.name, "id_number": self.shown_id_number(reveal_id) or None,
            "phone": self.phone, "employer": self.employer, "expertise": self.expertise,
            "field": self.field, "level": self.level, "three_regions": self.three_regions,
            "talent_id": self.talent_id, "round_id": self.round_id, "status": self.status,
            "created_at": iso_utc(self.created_at), "updated_at": iso_utc(self.updated_at),
        }


keep_blind_index(Commissioner, "id_number", "id_number_index")


class ServiceTarget(db.Model):
    """服务对象: an enterprise, cooperative or village the commissioners serve."""

    __tablename__ = "service_targets"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(choices.TARGET_KINDS)})", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    # False when the 统一社会信用代码 failed its checksum and staff kept it anyway.
    uscc_valid: Mapped[bool] = mapped_column(Boolean, default=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    # The registered place (WGS-84), against which a log's check-in position is compared.
    lat: Mapped[float | None] = mapped_column()
    lng: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    town: Mapped[Town] = relationship()

    @property
    def kind_label(self) -> str:
        return choices.TARGET_KINDS.get(self.kind, self.kind)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "uscc": self.uscc,
                "uscc_valid": self.uscc_valid, "town": self.town.name if self.town else None,
                "address": self.address, "contact": self.contact, "phone": self.phone,
                "lat": self.lat, "lng": self.lng}


class Assignment(db.Model):
    """派驻/结对: a commissioner serves a target over a period."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(choices.ASSIGNMENT_STATUSES)})", name="status"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        Index("uq_assignments_active_pair", "commissioner_id", "target_id", unique=True,
              sqlite_where=ACTIVE, postgresql_where=ACTIVE),
        Index("ix_assignments_commissioner_status", "commissioner_id", "status"),
        Index("ix_assignments_target_status", "target_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("commissioners.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("service_targets.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    needs: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    commissioner: Mapped[Commissioner] = relationship()
    target: Mapped[ServiceTarget] = relationship()

    @property
    def label(self) -> str:
        return f"{self.target.name}（{self.commissioner.name}）"

    def to_dict(self) -> dict:
        return {"id": self.id, "commissioner_id": self.commissioner_id, "target_id": self.target_id,
                "starts_on": _iso(self.starts_on), "ends_on": _iso(self.ends_on),
                "needs": self.needs, "status": self.status}


class ServiceLog(db.Model):
    """服务日志. ``commissioner_id`` and ``target_id`` repeat the assignment's so the lists a
    commissioner and the staff open most filter on one indexed table."""

    __tablename__ = "service_logs"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(choices.LOG_KINDS)})", name="kind"),
        CheckConstraint(f"status IN ({sql_in(choices.LOG_STATUSES)})", name="status"),
        CheckConstraint("hours >= 0 AND hours <= 24", name="hours"),
        CheckConstraint("trained_count >= 0", name="trained_count"),
        # A retried post from the field gives back the first log, never a second one.
        UniqueConstraint("commissioner_id", "client_key", name="uq_service_logs_client_key"),
        Index("ix_service_logs_commissioner_served", "commissioner_id", "served_on"),
        Index("ix_service_logs_target_served", "target_id", "served_on"),
        Index("ix_service_logs_served_on", "served_on"),
        # Only the logs awaiting confirmation: a plain status index would tempt SQLite's planner
        # away from (commissioner_id, served_on) for every "confirmed logs of a year" query.
        Index("ix_service_logs_pending", "status", "served_on", sqlite_where=PENDING,
              postgresql_where=PENDING),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("commissioners.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("service_targets.id"))
    served_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    hours: Mapped[float] = mapped_column(Numeric(4, 1, asdecimal=False), default=0)
    trained_count: Mapped[int] = mapped_column(default=0)
    technologies: Mapped[list[str]] = mapped_column(JSON, default=list)
    location: Mapped[str] = mapped_column(String(200), default="")
    client_key: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column()
    return_comment: Mapped[str] = mapped_column(String(500), default="")
    # Check-in: where the phone was when the service was logged (WGS-84), and how sure it was.
    lat: Mapped[float | None] = mapped_column()
    lng: Mapped[float | None] = mapped_column()
    accuracy_m: Mapped[float | None] = mapped_column()
    # The target's 技术需求 this service answered; ``need_done``: it settles the need, which
    # closes when the log is confirmed.
    need_id: Mapped[int | None] = mapped_column(ForeignKey("target_needs.id"), index=True)
    need_done: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    assignment: Mapped[Assignment] = relationship()
    commissioner: Mapped[Commissioner] = relationship()
    target: Mapped[ServiceTarget] = relationship()
    photos: Mapped[list["LogPhoto"]] = relationship(back_populates="log", order_by="LogPhoto.id",
                                                    cascade="all, delete-orphan")
    rating: Mapped["TargetRating | None"] = relationship(back_populates="log", uselist=False)
    need: Mapped["TargetNeed | None"] = relationship("TargetNeed")  # noqa: F821 (need_models.py)

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"

    @property
    def kind_label(self) -> str:
        return choices.LOG_KINDS.get(self.kind, self.kind)

    @property
    def distance_text(self) -> str | None:
        """"距服务对象登记位置约 1.2 km", when both the check-in and the target's place exist."""
        target = self.target
        if self.lat is None or target is None or target.lat is None or target.lng is None:
            return None
        metres = distance_m(self.lat, self.lng, target.lat, target.lng)
        near = f"{metres / 1000:.1f} km" if metres >= 1000 else f"{round(metres, -1):.0f} m"
        return f"距服务对象登记位置约 {near}"

    @property
    def status_label(self) -> str:
        return choices.LOG_STATUSES.get(self.status, self.status)

    def to_dict(self) -> dict:
        return {
            "id": self.id, "assignment_id": self.assignment_id,
            "commissioner_id": self.commissioner_id, "target_id": self.target_id,
            "served_on": _iso(self.served_on), "kind": self.kind, "content": self.content,
            "hours": float(self.hours or 0), "trained_count": self.trained_count,
            "technologies": list(self.technologies or []), "location": self.location,
            "client_key": self.client_key, "status": self.status, "confirmed": self.confirmed,
            "confirmed_by": self.confirmed_by_id, "confirmed_at": iso_utc(self.confirmed_at),
            "return_comment": self.return_comment, "version": self.version,
            "photos": [p.id for p in self.photos],
            "target_rating": self.rating.to_dict() if self.rating else None,
            "position": {"lat": self.lat, "lng": self.lng, "accuracy_m": self.accuracy_m}
            if self.lat is not None else None,
            "need_id": self.need_id, "need_done": bool(self.need_done),
            "created_at": iso_utc(self.created_at), "updated_at": iso_utc(self.updated_at),
        }


class LogPhoto(db.Model):
    """A photo of a service, re-encoded on upload and stored outside ``static/``."""

    __tablename__ = "service_log_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("service_logs.id", ondelete="CASCADE"),
                                        index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size: Mapped[int] = mapped_column()
    # When and where the phone took it, as the field app read them at the time (EXIF is
    # stripped on upload and never read): shown as a caption, never drawn on the picture.
    taken_at: Mapped[datetime | None] = mapped_column()
    lat: Mapped[float | None] = mapped_column()
    lng: Mapped[float | None] = mapped_column()
    accuracy_m: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    log: Mapped[ServiceLog] = relationship(back_populates="photos")

    @property
    def caption(self) -> str:
        """"拍摄于 2026-12-05 10:42 · 25.9613, 111.6598（±12 m）", from what the phone said."""
        parts = []
        if self.taken_at is not None:
            parts.append(f"拍摄于 {to_local(self.taken_at):%Y-%m-%d %H:%M}")
        if self.lat is not None and self.lng is not None:
            place = f"{self.lat:.4f}, {self.lng:.4f}"
            if self.accuracy_m is not None:
                place += f"（±{self.accuracy_m:.0f} m）"
            parts.append(place)
        return " · ".join(parts)


class TargetRating(db.Model):
    """The served target's word on one service: it happened, a score 1–5, a comment. Given
    through the log's signed link without an account; one per log (unique)."""

    __tablename__ = "service_log_ratings"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("service_logs.id", ondelete="CASCADE"),
                                        unique=True)
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("commissioners.id"), index=True)
    score: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(String(500), default="")
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    log: Mapped[ServiceLog] = relationship(back_populates="rating")

    def to_dict(self) -> dict:
        return {"score": self.score, "comment": self.comment,
                "confirmed_at": iso_utc(self.confirmed_at)}
