"""督办单 (graded directives) and their yearly numbering; re-exported by ``talent.tasks.models``."""
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.auth.models import Unit
from talent.core.timeutil import utcnow
from talent.extensions import db

if TYPE_CHECKING:
    from talent.tasks.models import TaskItem

DIRECTIVE_STATUSES = {"open": "待回复", "replied": "已回复", "closed": "已办结"}
# 三色督办: 蓝 a reminder before a deadline, 黄 behind 序时进度, 红 overdue; a late reply escalates.
DIRECTIVE_GRADES = {"blue": "蓝色督办（提醒）", "yellow": "黄色督办（滞后）", "red": "红色督办（逾期）"}
NEXT_GRADE = {"blue": "yellow", "yellow": "red", "red": "red"}


def _in(column: str, values) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=column)


class DirectiveCounter(db.Model):
    """The last 督办〔YYYY〕N号 number handed out per year; incremented atomically."""

    __tablename__ = "task_directive_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Directive(db.Model):
    """A 督办单 (督办〔2026〕3号): the office asks a lead or responsible unit of an item for
    something by a date, graded blue/yellow/red; the unit 签收 (acknowledges) within one working
    day, then replies; a reply that is late escalates the grade once."""

    __tablename__ = "task_directives"
    __table_args__ = (_in("status", DIRECTIVE_STATUSES), _in("grade", DIRECTIVE_GRADES))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("task_items.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(30), unique=True)
    grade: Mapped[str] = mapped_column(String(10), default="yellow", server_default="yellow")
    responsible_person: Mapped[str] = mapped_column(String(40), default="", server_default="")
    request: Mapped[str] = mapped_column(Text)
    reply_by: Mapped[date] = mapped_column(Date)
    acknowledge_by: Mapped[date | None] = mapped_column(Date)
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    escalated_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column()
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped["TaskItem"] = relationship()
    unit: Mapped[Unit] = relationship()

    @property
    def status_label(self) -> str:
        return DIRECTIVE_STATUSES[self.status]

    @property
    def grade_label(self) -> str:
        return DIRECTIVE_GRADES[self.grade]

    def overdue(self, on: date) -> bool:
        """Unanswered by the reply date."""
        return self.status == "open" and on > self.reply_by

    def unacknowledged_late(self, on: date) -> bool:
        """Not 签收 within one working day of issue."""
        return (self.status == "open" and self.acknowledged_at is None
                and self.acknowledge_by is not None and on > self.acknowledge_by)
