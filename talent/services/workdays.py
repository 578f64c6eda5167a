"""Working days as a clerk counts them: the PRC holiday schedule with its 调休 make-up days.

``chinesecalendar`` knows the State Council's schedule up to the year it was released and
raises for later years; for those the calendar falls back to Monday–Friday, and the admin's
overrides (a holiday, a make-up working day) always win over both.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar
from sqlalchemy import select

from talent.extensions import db
from talent.services.models import WorkdayOverride

# Far more than any time limit: guards the loops below against a calendar with no working days.
MAX_SCAN_DAYS = 3660


def package_knows(year: int) -> bool:
    """Whether the installed chinesecalendar has the State Council's schedule for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _package_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


@dataclass
class Calendar:
    """Working days with the admin's overrides; build one with :func:`load` per operation."""

    overrides: dict[date, bool] = field(default_factory=dict)

    def is_workday(self, day: date) -> bool:
        override = self.overrides.get(day)
        return _package_workday(day) if override is None else override

    def add(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (the start day itself is not counted, as in
        民法典 第201条: a period counted in days starts on the next day)."""
        day, counted = start, 0
        for _ in range(MAX_SCAN_DAYS):
            if counted >= days:
                return day
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        raise ValueError("日历中没有足够的工作日")

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end]: asked on Monday, answered on Wednesday → 2."""
        if end <= start:
            return 0
        return sum(1 for n in range(1, (end - start).days + 1)
                   if self.is_workday(start + timedelta(days=n)))


def load() -> Calendar:
    """The calendar with every override (a few dozen rows a year)."""
    rows = db.session.execute(select(WorkdayOverride.day, WorkdayOverride.is_workday))
    return Calendar({day: workday for day, workday in rows})


def year_days(calendar: Calendar, year: int) -> list[tuple[date, bool, bool]]:
    """Every day of a year that is not an ordinary weekday/weekend: (day, is_workday, overridden)."""
    day, end, special = date(year, 1, 1), date(year, 12, 31), []
    while day <= end:
        workday = calendar.is_workday(day)
        if workday != (day.weekday() < 5) or day in calendar.overrides:
            special.append((day, workday, day in calendar.overrides))
        day += timedelta(days=1)
    return special
