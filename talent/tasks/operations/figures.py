"""Each unit's share of an indicator, counted once, and the county's figure made of them.

A unit's confirmed figure for a period is one row (its own part); a later figure of the same unit
replaces only that unit's part. How the parts combine is the indicator's ``aggregation``:

- ``sum``: the county figure is the sum of each unit's latest confirmed figure;
- ``single``: one official figure — the latest from an *official* unit (a lead unit of the item,
  the lead units of a 工作任务's items, or the 专班 office); other units' figures are shown as
  contributions and never replace it.

Reported figures are cumulative (累计完成值), so "latest" is the one of the latest period.
"""
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from talent.auth.models import Unit
from talent.core import audit
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.tasks.models import IndicatorFigure, ProgressReport, ReportValue, TaskIndicator
from talent.tasks.operations.access import NotYourItem, TaskRefused, acting_unit, is_admin, is_office
from talent.tasks.operations.lighting import refresh_lights
from talent.tasks.operations.periods import check_period


@dataclass
class Contribution:
    unit: Unit
    value: float
    period: str
    status: str  # confirmed / submitted

    def as_dict(self) -> dict:
        return {"unit": self.unit.name, "unit_id": self.unit.id, "value": self.value,
                "period": self.period, "status": self.status}


def official_unit_ids(indicator: TaskIndicator) -> set[int]:
    """Units whose figure is the official one of a ``single`` indicator: the office, the lead
    units (of the item, or of a 工作任务's items) and the units named on the indicator."""
    ids = {indicator.plan.office_unit_id} | {u.id for u in indicator.named_units}
    if indicator.item is not None:
        ids |= {u.id for u in indicator.item.lead_units}
    elif indicator.action is not None:
        ids |= {u.id for item in indicator.action.items for u in item.lead_units}
    return ids


def latest_figures(indicator: TaskIndicator, upto: str | None = None) -> dict[int, IndicatorFigure]:
    """Unit id → that unit's latest confirmed figure (of a period up to ``upto``)."""
    query = select(IndicatorFigure).where(IndicatorFigure.indicator_id == indicator.id)
    if upto:
        query = query.where(IndicatorFigure.period <= upto)
    latest: dict[int, IndicatorFigure] = {}
    for figure in db.session.scalars(query.order_by(IndicatorFigure.period, IndicatorFigure.id)):
        latest[figure.unit_id] = figure
    return latest


def county_figure(indicator: TaskIndicator, upto: str | None = None) -> tuple[float | None, str | None]:
    """(value, period) of the county's figure, from the units' latest confirmed figures."""
    latest = latest_figures(indicator, upto)
    if not latest:
        return None, None
    if indicator.aggregation == "sum":
        return (sum(f.value for f in latest.values()), max(f.period for f in latest.values()))
    official = [f for unit_id, f in latest.items() if unit_id in official_unit_ids(indicator)]
    if not official:
        return None, None
    best = max(official, key=lambda f: (f.period, f.confirmed_at, f.id))
    return best.value, best.period


def refresh_actual(indicator: TaskIndicator) -> None:
    """Store the county's latest figure on the indicator (what lights and lists read)."""
    indicator.actual, indicator.actual_period = county_figure(indicator)


def contributions(indicator: TaskIndicator, upto: str | None = None) -> list[Contribution]:
    """Unit by unit: the latest confirmed figure, and a newer figure waiting for confirmation."""
    return contributions_of([indicator], upto).get(indicator.id, [])


def contributions_of(indicators: list[TaskIndicator],
                     upto: str | None = None) -> dict[int, list[Contribution]]:
    """:func:`contributions` of several indicators (an item page's) in two queries."""
    ids = [i.id for i in indicators]
    if not ids:
        return {}
    confirmed: dict[int, dict[int, IndicatorFigure]] = defaultdict(dict)
    query = (select(IndicatorFigure).where(IndicatorFigure.indicator_id.in_(ids))
             .options(joinedload(IndicatorFigure.unit)))
    if upto:
        query = query.where(IndicatorFigure.period <= upto)
    for figure in db.session.scalars(query.order_by(IndicatorFigure.period, IndicatorFigure.id)):
        confirmed[figure.indicator_id][figure.unit_id] = figure
    seen = {(indicator_id, f.unit_id, f.period)
            for indicator_id, by_unit in confirmed.items() for f in by_unit.values()}
    pending = (select(ProgressReport, ReportValue.indicator_id, ReportValue.value)
               .join(ReportValue.report).options(joinedload(ProgressReport.unit))
               .where(ReportValue.indicator_id.in_(ids), ProgressReport.status == "submitted"))
    if upto:
        pending = pending.where(ProgressReport.period <= upto)
    waiting: dict[int, dict[int, tuple]] = defaultdict(dict)
    for report, indicator_id, value in db.session.execute(pending.order_by(ProgressReport.period)):
        if (indicator_id, report.unit_id, report.period) not in seen:
            waiting[indicator_id][report.unit_id] = (report, value)
    found = {}
    for indicator_id in ids:
        rows = [Contribution(f.unit, f.value, f.period, "confirmed")
                for f in confirmed[indicator_id].values()]
        rows += [Contribution(r.unit, v, r.period, "submitted") for r, v in waiting[indicator_id].values()]
        found[indicator_id] = sorted(rows, key=lambda c: (c.unit.sort_order, c.unit.id, c.status))
    return found


def record_figure(indicator: TaskIndicator, unit_id: int, period: str, value: float,
                  report_id: int | None = None, actor=None, note: str = "") -> list:
    """Upsert one unit's figure for a period; returns [old, new] for the audit."""
    figure = db.session.scalar(select(IndicatorFigure).where(
        IndicatorFigure.indicator_id == indicator.id, IndicatorFigure.period == period,
        IndicatorFigure.unit_id == unit_id))
    before = figure.value if figure is not None else None
    if figure is None:
        figure = IndicatorFigure(indicator_id=indicator.id, unit_id=unit_id, period=period, value=value)
        db.session.add(figure)
    figure.value, figure.report_id, figure.confirmed_at = value, report_id, utcnow()
    figure.note = note[:500]
    figure.entered_by_id = getattr(actor, "id", None)
    db.session.flush()
    refresh_actual(indicator)
    return [before, value]


def value_units(user, indicator: TaskIndicator) -> list[Unit]:
    """Units this user may enter a goal or 工作任务 figure for: the office (and the admin) for
    itself, any member unit of the plan and any unit named on the indicator; a unit named on the
    indicator, or a lead unit of the 工作任务's items, for itself only."""
    plan = indicator.plan
    members = [plan.office_unit] + [u for u in plan.member_units if u.id != plan.office_unit_id]
    members += [u for u in indicator.named_units if u not in members]
    if is_admin(user) or is_office(user, plan):
        return members
    unit = acting_unit(user)
    if unit is not None and unit.id in official_unit_ids(indicator):
        return [unit]
    return []


def enter_value(actor, indicator: TaskIndicator, period: str, value: float, unit: Unit | None = None,
                note: str = "") -> None:
    """A goal or 工作任务 figure, entered by the office (or a lead unit of the 工作任务)."""
    if indicator.scope == "item":
        raise TaskRefused("工作事项的指标随月度进度报送", fields={"indicator": ["请在事项页报送进度"]},
                          status=422)
    allowed = value_units(actor, indicator)
    if not allowed:
        raise NotYourItem()
    unit = unit or acting_unit(actor) or indicator.plan.office_unit
    if unit not in allowed:
        raise NotYourItem()
    problem = check_period(indicator.plan, period)
    if problem:
        raise TaskRefused(problem, fields={"period": [problem]}, status=422)
    change = record_figure(indicator, unit.id, period, float(value), actor=actor, note=note)
    audit.record(actor, "update", indicator.plan, {f"{indicator.name}.{unit.name}.{period}": change},
                 summary=f"指标 {indicator.name} {period}")
    refresh_lights(indicator.plan)
