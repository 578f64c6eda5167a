"""Reporting discipline (按时报送率), for the 调度 view."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, cast, select

from talent.auth.models import Unit
from talent.core import timeutil
from talent.extensions import db
from talent.tasks.lights import last_complete_period, period_end, period_of, periods_between
from talent.tasks.models import (
    ProgressReport,
    TaskPlan,
)
from talent.tasks.operations.periods import REPORT_DUE_DAY


@dataclass
class UnitDiscipline:
    unit: Unit
    owed: int
    on_time: int
    late: int

    @property
    def missing(self) -> int:
        return self.owed - self.on_time - self.late

    @property
    def rate(self) -> float:
        return self.on_time / self.owed if self.owed else 1.0


def _due_cutoff(period: str) -> str:
    """The UTC moment a month's report falls late, as text: the due day ends at 24:00 China time
    (16:00 UTC). Compared as text with the stored time, so the rows need no datetime parsing."""
    end = period_end(period)
    due = date(end.year + (end.month == 12), end.month % 12 + 1, REPORT_DUE_DAY)
    return f"{due.isoformat()} 16:00:00"


def reporting_discipline(plan: TaskPlan, on: date | None = None) -> list[UnitDiscipline]:
    """Units ranked by on-time reporting: reports due by the 5th of the following month, for each
    month from the plan's start to the last complete month (or the item's deadline)."""
    on = on or timeutil.today()
    last = last_complete_period(on)
    first = period_of(plan.starts_on)
    if last < first:
        return []
    stats: dict[int, UnitDiscipline] = {}
    until: dict[int, str] = {}
    units_of: dict[int, set[int]] = {}
    for item in plan.items:
        until[item.id] = min(last, period_of(item.deadline))
        owed = len(periods_between(first, until[item.id]))
        units_of[item.id] = set()
        for unit in item.all_units:
            units_of[item.id].add(unit.id)
            stats.setdefault(unit.id, UnitDiscipline(unit, 0, 0, 0)).owed += owed
    cutoffs: dict[str, str] = {}
    rows = db.session.execute(select(ProgressReport.item_id, ProgressReport.unit_id, ProgressReport.period,
                                     cast(ProgressReport.submitted_at, String)).where(
        ProgressReport.item_id.in_(list(until)), ProgressReport.status != "returned",
        ProgressReport.period >= first, ProgressReport.period <= last))
    for item_id, unit_id, period, at in rows:
        if period > until[item_id] or unit_id not in units_of[item_id]:
            continue
        cutoff = cutoffs.get(period) or cutoffs.setdefault(period, _due_cutoff(period))
        entry = stats[unit_id]
        if at.replace("T", " ") < cutoff:
            entry.on_time += 1
        else:
            entry.late += 1
    return sorted(stats.values(), key=lambda s: (-s.rate, s.unit.sort_order))
