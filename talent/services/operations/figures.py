"""Figures per unit and type: received, completed, on-time rate, median days, ratings.

Read from ``service_figures`` (kept in step by ``daily_figures``): a period's figures are a sum
over its days, never a grouping over the requests per page view. ``late_open`` — open requests
past their running deadline — stays a live count over the deadline index: it changes with the
date, not with a write. ``figures(…, grouped=True)`` answers the same from the requests
themselves (the grouping this replaced), which the tests hold the maintained answer to.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, literal_column, select

from talent.auth.models import Unit
from talent.core import timeutil
from talent.extensions import db
from talent.services.models import NO_DAYS, ServiceFigure, ServiceRequest, ServiceType
from talent.services.operations.daily_figures import handling_days_key

# --- figures ------------------------------------------------------------------------------------

@dataclass
class FigureRow:
    unit: str
    type: str
    received: int = 0
    completed: int = 0
    on_time: int = 0
    late_open: int = 0
    median_days: float | None = None
    mean_rating: float | None = None
    rated: int = 0
    reopened: int = 0

    @property
    def on_time_rate(self) -> float | None:
        judged = self.completed + self.late_open
        return round(100 * self.on_time / judged, 1) if judged else None

    @property
    def reopen_rate(self) -> float | None:
        return round(100 * self.reopened / self.completed, 1) if self.completed else None


def pieces(start: date, end: date) -> list[tuple[str, date, date]]:
    """[start, end] as ``service_figures`` rows cover it: its whole calendar months (month rows)
    and the days before and after them (day rows)."""
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end) if _next_month(end) - timedelta(days=1) == end else end.replace(day=1)
    if first >= after:  # no whole month inside
        return [("day", start, end)]
    parts = [("month", first, after - timedelta(days=1))]
    if start < first:
        parts.insert(0, ("day", start, first - timedelta(days=1)))
    if after <= end:
        parts.append(("day", after, end))
    return parts


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _sums(start: date, end: date):
    """(unit, type, handling days, received, completed, on time, rating sum, rated, reopened) over
    the period: a range of ``service_figures``'s key for each of its pieces."""
    f = ServiceFigure
    for span, first, last in pieces(start, end):
        yield from db.session.execute(
            select(f.unit_id, f.type_id, f.handling_days, func.sum(f.received), func.sum(f.completed),
                   func.sum(f.on_time), func.sum(f.rating_sum), func.sum(f.rated), func.sum(f.reopened))
            .where(f.span == span, f.day.between(first, last))
            .group_by(f.unit_id, f.type_id, f.handling_days))


def _sums_grouped(start: date, end: date):
    """The same sums grouped over the requests (the reference the maintained figures must equal)."""
    r = ServiceRequest
    key = (r.unit_id, r.type_id)
    for unit_id, type_id, count in db.session.execute(
            select(*key, func.count()).where(r.filed_on.between(start, end)).group_by(*key)):
        yield unit_id, type_id, NO_DAYS, count, 0, 0, 0, 0, 0
    days = handling_days_key()
    yield from db.session.execute(
        select(*key, days, literal_column("0"), func.count(),
               func.sum(case((r.on_time.is_(True), 1), else_=0)), func.sum(r.rating), func.count(r.rating),
               func.sum(case((r.reopen_count > 0, 1), else_=0)))
        .where(r.completed_on.between(start, end)).group_by(*key, days))


def figures(start: date, end: date, today: date | None = None, *, grouped: bool = False) -> list[FigureRow]:
    """Per handling unit and type, over [start, end]:
    - received: filed in the period;
    - completed: completed in the period (the last completion of a request);
    - on-time rate: completed on or before ``due_on`` ÷ (completed + requests still open whose
      running deadline fell in the period and has passed — an open overdue request counts late);
    - median handling working days (filing → completion, less 待补件) of those completed;
    - mean rating of those completed and rated; reopen rate: completed ones reopened at least once.
    The last row is the total.
    """
    today = today or timeutil.today()
    r = ServiceRequest
    key = (r.unit_id, r.type_id)
    rows: dict[tuple[int, int], FigureRow] = {}
    names = dict(db.session.execute(select(Unit.id, Unit.name)).all())
    type_names = dict(db.session.execute(select(ServiceType.id, ServiceType.name)).all())

    def row(unit_id, type_id) -> FigureRow:
        return rows.setdefault((unit_id, type_id),
                               FigureRow(names.get(unit_id, ""), type_names.get(type_id, "")))

    # The sums per unit and type, down to the number of working days taken: the medians come
    # from the same rows, as a histogram.
    histograms: dict[tuple[int, int], dict[int, int]] = {}
    ratings: dict[tuple[int, int], int] = {}
    for unit_id, type_id, days, received, count, on_time, rating_sum, rated, reopened in (
            (_sums_grouped if grouped else _sums)(start, end)):
        if not (received or count):
            continue  # a counter row come down to nothing (a transfer, a re-completion)
        figure = row(unit_id, type_id)
        figure.received += int(received or 0)
        if not count:
            continue
        figure.completed += int(count)
        figure.on_time += int(on_time or 0)
        figure.rated += int(rated or 0)
        figure.reopened += int(reopened or 0)
        ratings[(unit_id, type_id)] = ratings.get((unit_id, type_id), 0) + int(rating_sum or 0)
        if days != NO_DAYS:
            counts = histograms.setdefault((unit_id, type_id), {})
            counts[days] = counts.get(days, 0) + int(count)
    for group, total in ratings.items():
        figure = rows[group]
        figure.mean_rating = round(total / figure.rated, 2) if figure.rated else None
    # deadline_on is set only while a clock runs, so "open and past its deadline" needs no status
    for unit_id, type_id, count in db.session.execute(
            select(*key, func.count()).where(r.deadline_on < today, r.deadline_on.between(start, end))
            .group_by(*key)):
        row(unit_id, type_id).late_open = count
    for (unit_id, type_id), counts in histograms.items():
        row(unit_id, type_id).median_days = _median(counts)
    ordered = sorted(rows.values(), key=lambda f: (f.unit, f.type))
    if ordered:
        ordered.append(_total(ordered, histograms))
    return ordered


def _median(counts: dict[int, int]) -> float | None:
    total = sum(counts.values())
    if not total:
        return None
    wanted, seen, middle = {(total - 1) // 2, total // 2}, 0, []
    for days in sorted(counts):
        for position in wanted:
            if seen <= position < seen + counts[days]:
                middle.append(days)
        seen += counts[days]
    return sum(middle) / len(middle)


def _total(rows: list[FigureRow], histograms: dict) -> FigureRow:
    total = FigureRow("合计", "全部事项")
    for f in rows:
        total.received += f.received
        total.completed += f.completed
        total.on_time += f.on_time
        total.late_open += f.late_open
        total.rated += f.rated
        total.reopened += f.reopened
    ratings = [(f.mean_rating, f.rated) for f in rows if f.mean_rating is not None]
    if ratings:
        total.mean_rating = round(sum(m * n for m, n in ratings) / sum(n for _m, n in ratings), 2)
    merged: dict[int, int] = {}
    for counts in histograms.values():
        for days, count in counts.items():
            merged[days] = merged.get(days, 0) + count
    total.median_days = _median(merged)
    return total


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def on_time_rate(year: int) -> float:
    """按时办结率 (%) of the year, every unit and type; 0 when nothing was due."""
    rows = figures(*_year(year))
    return (rows[-1].on_time_rate or 0.0) if rows else 0.0


def _year_sum(column, year: int) -> int:
    f = ServiceFigure
    months = select(func.sum(column)).where(f.span == "month", f.day.between(*_year(year)))
    return int(db.session.scalar(months) or 0)


def completed_count(year: int) -> int:
    return _year_sum(ServiceFigure.completed, year)


def received_count(year: int) -> int:
    return _year_sum(ServiceFigure.received, year)


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timeutil.today()
    return date(today.year, 1, 1), today
