"""The admin's holiday and make-up-day overrides of the working-day calendar."""
from datetime import date

from sqlalchemy import select

from talent.core import audit
from talent.extensions import db
from talent.services.models import (
    WorkdayOverride,
)

# --- holiday calendar ---------------------------------------------------------------------------

def overrides_for(year: int) -> list[WorkdayOverride]:
    return list(db.session.scalars(select(WorkdayOverride).where(
        WorkdayOverride.day.between(date(year, 1, 1), date(year, 12, 31))).order_by(WorkdayOverride.day)))


def set_override(actor, day: date, is_workday: bool, note: str = "") -> WorkdayOverride:
    override = db.session.get(WorkdayOverride, day)
    if override is None:
        override = WorkdayOverride(day=day, is_workday=is_workday, note=note.strip()[:60],
                                   created_by_id=getattr(actor, "id", None))
        db.session.add(override)
        changes = audit.snapshot({"day": day, "is_workday": is_workday, "note": note.strip()})
    else:
        changes = audit.apply_changes(override, {"is_workday": is_workday, "note": note.strip()[:60]})
    db.session.flush()
    audit.record(actor, "calendar", _CalendarRef(day), changes,
                 summary=f"{day} 设为{'工作日' if is_workday else '休息日'}")
    return override


def delete_override(actor, day: date) -> bool:
    override = db.session.get(WorkdayOverride, day)
    if override is None:
        return False
    db.session.delete(override)
    db.session.flush()
    audit.record(actor, "delete", _CalendarRef(day), {"day": [day.isoformat(), None]},
                 summary=f"{day} 恢复默认")
    return True


class _CalendarRef:
    """The audit log's handle on a calendar day (the override table is keyed by date)."""

    __tablename__ = "workday_overrides"

    def __init__(self, day: date):
        self.id = int(day.strftime("%Y%m%d"))
