"""The one rule that colours items and indicators (三色督办), evaluated on a given day.

Item, in this order:

1. **done** — the lead unit marked it complete with evidence and the 专班 office accepted it;
2. **red** — past its deadline and not done (逾期), or none of its units reported for the last
   complete month (the month before ``on``; months before the plan starts do not count);
3. **yellow** — one of its indicators is behind 序时进度 (below);
4. **green** — otherwise.

Indicator (only those with a target; monitored figures have no light):

1. **done** when its item is done;
2. **green** when the target is met (``about`` targets: within the tolerance of the target);
3. **red** past its deadline with the target not met;
4. **yellow** behind 序时进度: ``actual / target`` is below the elapsed share of the time from the
   plan's start to the deadline minus the plan's tolerance (percentage points, set by the
   admin or the office); no confirmed figure counts as 0;
5. **green** otherwise.

A closed plan's items and indicators carry their final outcome (``done`` / ``missed``) instead.

A computed indicator is computed per year of the plan's period: the evaluator's ``year`` (by
default the latest year of the period so far), cumulative from the plan's start where the
indicator is cumulative.

Growth targets (%) read the growth of the confirmed level over the baseline; with no baseline
entered the growth cannot be known and the indicator is judged on its deadline only.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from flask import has_request_context

from talent.core import features, timeutil

LIGHT_ORDER = {"red": 0, "missed": 0, "yellow": 1, "green": 2, "done": 3}


def default_year(plan, on: date) -> int:
    """The year a plan's figures are shown for: this year, within the plan's period."""
    return min(max(on.year, plan.starts_on.year), plan.ends_on.year)


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_complete_period(on: date) -> str:
    return period_of(on.replace(day=1) - timedelta(days=1))


def period_end(period: str) -> date:
    year, month = int(period[:4]), int(period[5:7])
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


@lru_cache(maxsize=256)
def periods_between(first: str, last: str) -> tuple[str, ...]:
    """Months from ``first`` to ``last`` inclusive, as ``YYYY-MM``."""
    out, year, month = [], int(first[:4]), int(first[5:7])
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = year + (month == 12), month % 12 + 1
    return tuple(out)


def elapsed_share(starts_on: date, deadline: date, on: date) -> float:
    if on <= starts_on:
        return 0.0
    if on >= deadline or deadline <= starts_on:
        return 1.0
    return (on - starts_on).days / (deadline - starts_on).days


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


@dataclass
class Figure:
    """What an indicator stands at: the number shown, where it comes from, how far along."""

    value: float | None  # in the indicator's measure (growth % for growth targets)
    level: float | None  # growth targets: the year's confirmed level
    source_note: str
    link: str | None
    connected: bool  # a computed indicator whose metric is installed
    # Computed indicators: when the figures behind the value were computed (UTC; the oldest of
    # them for a cumulative one), and whether that is older than the worker should ever leave it.
    computed_at: datetime | None = None
    stale: bool = False

    @property
    def updated_note(self) -> str:
        """"系统数据更新于 HH:MM" in 双牌 time (with the date when not today), and the warning."""
        if self.computed_at is None:
            return ""
        local = timeutil.to_local(self.computed_at)
        shown = local.strftime("%H:%M" if local.date() == timeutil.local_now().date() else "%Y-%m-%d %H:%M")
        return f"系统数据更新于 {shown}" + ("（数据可能未更新）" if self.stale else "")


class LiveFigures:
    """Figures computed on the spot (no store): for an evaluator built outside the application's
    store, e.g. in a unit test of the rules."""

    def get(self, key: str, metric, year: int):
        return _Live(metric.compute(year))

    def stale(self, computed_at) -> bool:
        return False


@dataclass(frozen=True)
class _Live:
    value: float | None
    computed_at: datetime | None = None


@dataclass
class Verdict:
    light: str | None
    reason: str
    progress: float | None = None  # actual / target
    expected: float | None = None  # elapsed share


class Evaluator:
    """Evaluates one plan's lights on a day; reads metric figures from ``figures`` (the stored
    figures: ``talent.tasks.metric_figures.FigureStore``), once per metric and year."""

    def __init__(self, plan, on: date, reported_periods: dict[int, set[str]] | None = None,
                 year: int | None = None, figures=None):
        self.plan = plan
        self.on = on
        self.year = year if year is not None else default_year(plan, on)
        self.tolerance = plan.tolerance / 100
        self.figures = figures if figures is not None else LiveFigures()
        self._metrics: dict[tuple[str, int], object] = {}
        self._verdicts: dict[tuple[str, int], Verdict] = {}
        # Items by id, so an indicator finds its item without a lazy load per indicator.
        self._items = {item.id: item for action in plan.actions for item in action.items}
        # item id → periods for which some unit of the item sent a (not returned) report
        self.reported_periods = reported_periods or {}

    # -- figures ------------------------------------------------------------------------------

    def figure(self, indicator) -> Figure:
        if indicator.source == "computed" and indicator.metric_key:
            metric = features.metric(indicator.metric_key)
            if metric is not None:
                value, computed_at = self.computed(indicator.metric_key, metric, indicator.cumulative)
                # Links need a request (url_for); the daily sweep and the demo run without one.
                link = metric.link(self.year) if metric.link and has_request_context() else None
                span = (f"{self.plan.starts_on.year}–{self.year} 年累计"
                        if indicator.cumulative and self.year > self.plan.starts_on.year
                        else f"{self.year} 年")
                # A closed plan's figures are not kept fresh by the worker (only open plans'
                # are): their age is history, not a fault.
                stale = not self.plan.is_closed and self.figures.stale(computed_at)
                return Figure(value, None, f"系统数据：{metric.label}（{span}）", link, True,
                              computed_at, stale)
            note = "数据来源未接入（暂按单位填报）"
        else:
            note = "单位填报"
        level = indicator.actual
        if indicator.is_growth:
            value = None
            if level is not None and indicator.baseline_value:
                value = (level / indicator.baseline_value - 1) * 100
            return Figure(value, level, note, None, False)
        return Figure(level, None, note, None, False)

    def computed(self, key: str, metric, cumulative: bool) -> tuple[float, datetime | None]:
        """The indicator's value (summed over the plan's years when cumulative) and the time of
        the oldest figure it adds up."""
        years = range(self.plan.starts_on.year, self.year + 1) if cumulative else [self.year]
        total, oldest = 0.0, None
        for year in years:
            if (key, year) not in self._metrics:
                self._metrics[(key, year)] = self.figures.get(key, metric, year)
            stored = self._metrics[(key, year)]
            total += stored.value or 0
            if stored.computed_at is not None and (oldest is None or stored.computed_at < oldest):
                oldest = stored.computed_at
        return total, oldest

    # -- indicators ---------------------------------------------------------------------------

    def deadline_of(self, indicator) -> date:
        if indicator.deadline is not None:
            return indicator.deadline
        item = self._item_of(indicator)
        return item.deadline if item is not None else self.plan.ends_on

    def _item_of(self, indicator):
        if indicator.item_id is None:
            return None
        return self._items.get(indicator.item_id) or indicator.item

    def indicator(self, indicator) -> Verdict:
        key = ("indicator", indicator.id)
        if key not in self._verdicts:
            self._verdicts[key] = self._indicator(indicator)
        return self._verdicts[key]

    def _indicator(self, indicator) -> Verdict:
        if indicator.target is None:
            return Verdict(None, "监测指标，无量化目标")
        item = self._item_of(indicator)
        if self.plan.is_closed:
            return self._final_indicator(indicator, item)
        if item is not None and item.status == "done":
            return Verdict("done", "所属事项已完成")
        figure = self.figure(indicator)
        deadline = self.deadline_of(indicator)
        expected = elapsed_share(self.plan.starts_on, deadline, self.on)
        if figure.value is None and indicator.is_growth:
            if self.on > deadline:
                return Verdict("red", f"已过完成时限（{deadline}），增幅无法核实（基数或本年数未填）",
                               None, expected)
            return Verdict("green", "增长目标待基数和本年数填报后判断", None, expected)
        actual = figure.value or 0.0
        progress = actual / indicator.target if indicator.target else 1.0
        met = progress >= (1 - self.tolerance if indicator.comparison == "about" else 1)
        if met:
            return Verdict("green", f"已达到目标（完成 {_pct(progress)}）", progress, expected)
        if self.on > deadline:
            return Verdict("red", f"已过完成时限（{deadline}）未达目标（完成 {_pct(progress)}）",
                           progress, expected)
        if progress < expected - self.tolerance:
            return Verdict("yellow", f"滞后于序时进度：完成 {_pct(progress)}，序时 {_pct(expected)}",
                           progress, expected)
        return Verdict("green", f"符合序时进度：完成 {_pct(progress)}，序时 {_pct(expected)}",
                       progress, expected)

    def _final_indicator(self, indicator, item) -> Verdict:
        if item is not None and item.outcome == "done":
            return Verdict("done", "所属事项已完成")
        figure = self.figure(indicator)
        if figure.value is None:
            return Verdict("missed", "方案结束时无确认数")
        progress = figure.value / indicator.target if indicator.target else 1.0
        met = progress >= (1 - self.tolerance if indicator.comparison == "about" else 1)
        return Verdict("done" if met else "missed",
                       f"方案结束时完成 {_pct(progress)}", progress, 1.0)

    # -- items --------------------------------------------------------------------------------

    def item(self, item) -> Verdict:
        key = ("item", item.id)
        if key not in self._verdicts:
            self._verdicts[key] = self._item(item)
        return self._verdicts[key]

    def _item(self, item) -> Verdict:
        if self.plan.is_closed:
            outcome = item.outcome or ("done" if item.status == "done" else "missed")
            note = item.outcome_note or ("已完成" if outcome == "done" else "方案结束时未完成")
            return Verdict(outcome, f"方案已结束：{note}")
        if item.status == "done":
            return Verdict("done", "已完成（牵头单位报结，专班办公室验收）")
        if self.on > item.deadline:
            return Verdict("red", f"逾期：完成时限 {item.deadline}，尚未完成")
        period = last_complete_period(self.on)
        in_plan = period_of(self.plan.starts_on) <= period <= period_of(self.plan.ends_on)
        if in_plan and period not in self.reported_periods.get(item.id, set()):
            return Verdict("red", f"{period} 未报送进度")
        behind = [i.name for i in item.indicators
                  if self.indicator(i).light in ("yellow", "red")]
        if behind:
            return Verdict("yellow", "指标滞后于序时进度：" + "、".join(behind))
        return Verdict("green", "按序时进度推进")
