"""Service requests (住房保障, 医疗服务, 子女教育 …): types, requests, their timeline, attachments,
the per-year number counter and the admin's holiday overrides."""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.auth.models import Unit, User
from talent.core.timeutil import iso_utc, utcnow
from talent.extensions import db
from talent.registry.models import Talent

STATUSES = {
    "submitted": "待受理",
    "accepted": "已受理",
    "in_progress": "办理中",
    "waiting_materials": "待补件",
    "completed": "已办结",
    "rejected": "不予受理",
    "withdrawn": "已撤回",
}
OPEN_STATUSES = ("submitted", "accepted", "in_progress", "waiting_materials")
# While these run, a deadline is counted; 待补件 stops the clock.
CLOCK_STATUSES = ("submitted", "accepted", "in_progress")
STATUS_SQL = ", ".join(f"'{s}'" for s in STATUSES)


class ServiceType(db.Model):
    """A kind of request, its handling unit and its time limit — data the admin edits."""

    __tablename__ = "service_types"
    __table_args__ = (CheckConstraint("time_limit_days BETWEEN 1 AND 120", name="time_limit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    time_limit_days: Mapped[int] = mapped_column()
    card_holders_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Which of a card tier's benefits (cards.BENEFIT_KINDS) the request relates to.
    benefit_kind: Mapped[str] = mapped_column(String(20), default="other")
    description: Mapped[str] = mapped_column(String(300), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it once)


class RequestCounter(db.Model):
    """The last FW number handed out per year; incremented atomically."""

    __tablename__ = "service_request_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class ServiceRequest(db.Model):
    __tablename__ = "service_requests"
    __table_args__ = (
        CheckConstraint(f"status IN ({STATUS_SQL})", name="status"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
        # The queues (a unit's, and all units' for 县委组织部) and their counts, without touching the
        # table; the sweep: deadlines not yet marked.
        Index("ix_service_requests_queue", "unit_id", "status", "priority", "deadline_on"),
        Index("ix_service_requests_open", "status", "priority", "deadline_on"),
        Index("ix_service_requests_deadline", "deadline_on", "unit_id", "type_id", "overdue_since"),
        Index("ix_service_requests_talent", "talent_id", "id"),
        # (The figures read ``service_figures``, kept in step by operations/daily_figures.py.)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    # The columns service_figures counts load their old value when set (``active_history``), so
    # the figures hook always knows what a request counted before a change.
    type_id: Mapped[int] = mapped_column(ForeignKey("service_types.id"), active_history=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), active_history=True)  # handling it now
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    card_tier: Mapped[str | None] = mapped_column(String(10))  # the holder's tier when filed
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filed_on: Mapped[date] = mapped_column(Date, active_history=True)  # the county's calendar day of filing
    accept_due_on: Mapped[date] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)  # completion deadline, set on acceptance
    # The deadline that runs now (accept_due_on while submitted, due_on while handled); NULL while
    # the clock stands (待补件) or the request is closed. "Overdue" is ``deadline_on < today``.
    deadline_on: Mapped[date | None] = mapped_column(Date)
    overdue_since: Mapped[date | None] = mapped_column(Date)  # set by the daily sweep
    paused_on: Mapped[date | None] = mapped_column(Date)  # 待补件 since
    paused_days: Mapped[int] = mapped_column(default=0)  # working days spent in 待补件 so far
    completed_at: Mapped[datetime | None] = mapped_column()
    completed_on: Mapped[date | None] = mapped_column(Date, active_history=True)
    on_time: Mapped[bool | None] = mapped_column(Boolean, active_history=True)  # of the last completion
    # working days filed → completed, less 待补件
    handling_days: Mapped[int | None] = mapped_column(active_history=True)
    closed_at: Mapped[datetime | None] = mapped_column()
    reopen_count: Mapped[int] = mapped_column(default=0, active_history=True)
    rating: Mapped[int | None] = mapped_column(active_history=True)
    rating_comment: Mapped[str] = mapped_column(String(500), default="")
    rated_at: Mapped[datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    type: Mapped[ServiceType] = relationship()
    talent: Mapped[Talent] = relationship()
    unit: Mapped[Unit] = relationship()
    filed_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it once)

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    def is_overdue(self, today: date) -> bool:
        return self.deadline_on is not None and self.deadline_on < today

    def to_dict(self, today: date) -> dict:
        return {
            "id": self.id, "number": self.number, "type": self.type.code, "title": self.title,
            "description": self.description, "talent_id": self.talent_id, "unit": self.unit.name,
            "status": self.status, "priority": self.priority,
            "accept_due_on": self.accept_due_on.isoformat(),
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "overdue": self.is_overdue(today), "version": self.version,
            "created_at": iso_utc(self.created_at), "rating": self.rating,
        }


# ``service_figures.handling_days`` of a row that is not a completion's (a filing's), or of a
# completion whose handling days are unknown: a key column cannot be NULL.
NO_DAYS = -1


class ServiceFigure(db.Model):
    """The service statistics of one county calendar day — and the same summed over its calendar
    month — per handling unit × type × handling working days (``NO_DAYS`` for filings): requests
    filed that day (``received``), and of those last completed that day how many, on time, their
    rating sum and count, and how many were ever reopened. Kept in step in the same transaction
    as each change to a request (``operations/daily_figures.py``); a period's figures are a sum
    over its whole months and its remaining days, the median handling days a walk over the
    summed histogram. Derived data, so no foreign keys: a unit or type is never deleted while
    requests name it, and ``flask rebuild-summaries`` recomputes all."""

    __tablename__ = "service_figures"
    __table_args__ = (
        CheckConstraint("span IN ('day', 'month')", name="span"),
        # SQLite: the rows stored in key order, so a period is one contiguous range of the table.
        {"sqlite_with_rowid": False},
    )

    span: Mapped[str] = mapped_column(String(5), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    type_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    handling_days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    received: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    reopened: Mapped[int] = mapped_column(default=0)


class ServiceEvent(db.Model):
    """One line of a request's timeline: a move with who, when and the note. ``internal`` notes are
    for staff only; everything else the talent sees, in plain words."""

    __tablename__ = "service_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    move: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    from_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    from_unit: Mapped[Unit | None] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[Unit | None] = relationship(foreign_keys=[to_unit_id])


class ServiceAttachment(db.Model):
    """A file a talent or clerk attached; stored outside static/, served only after a check."""

    __tablename__ = "service_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"),
                                            index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("service_events.id"))
    filename: Mapped[str] = mapped_column(String(120))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkdayOverride(db.Model):
    """A day the admin declares a holiday or a working (调休) day; wins over chinesecalendar."""

    __tablename__ = "workday_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(60), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
