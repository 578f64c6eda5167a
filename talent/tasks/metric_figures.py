"""Stored figures of computed indicators: one row per (metric, year), refreshed by the worker.

A computed indicator (外国人才引进数, VIP卡发放数 …) is a count over another feature's tables
(``Metric.compute(year)``). Evaluated per page view, the 调度 view, the plan and item pages, the
API and the daily sweep each re-ran every such count; at a province's scale that is a scan of
the talents per view. Instead:

- ``task_metric_figures`` keeps the value of each (metric key, year) with ``computed_at``.
- The worker (``flask worker``, the tasks feature's ``background`` round) recomputes every figure
  an open plan uses once it is ``TASK_METRICS_REFRESH_SECONDS`` old (50 s by default: with the
  worker's 2 s idle wait and the round's own time, each figure is recomputed within the minute).
- Pages, the API and the sweep read the stored figure (``FigureStore``). Only a figure never
  stored (a fresh install, a metric just wired to an indicator) is computed in the request, once,
  and stored; a GET request that stored one commits it on the way out (``keep_stored``).
- A figure older than ``STALE_AFTER_INTERVALS`` intervals means the worker is not running. It is
  still shown, with its time and "（数据可能未更新）", and not recomputed per view: recomputing would
  bring back, exactly when something is already wrong, the per-view counts this table removes —
  every 调度 view and API call scanning other features' tables while operators restore the
  worker. A dated figure a few minutes old tells the reader what they are looking at; a dashboard
  that slows to a crawl tells them nothing. (Closing a plan is the exception: its final outcomes
  are recorded once, so ``close_plan`` recomputes that plan's figures first.)

The table belongs to the task tracker, not to ``core``: the tracker is the only reader of
metrics, it decides which (metric, year) pairs are needed (its open plans' computed indicators
and their years), and its worker round keeps them. ``core`` only defines the ``Metric`` contract.
"""
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, has_app_context, has_request_context, request
from sqlalchemy import Float, String, select, text
from sqlalchemy.orm import Mapped, mapped_column

from talent.core import features, timeutil
from talent.core.counters import upsert
from talent.extensions import db

log = logging.getLogger(__name__)

DEFAULT_REFRESH_SECONDS = 50
# A figure older than this many refresh intervals says so on the page: the worker is not running.
STALE_AFTER_INTERVALS = 3
# A metric whose computation failed in the worker is tried again after this long, not every round.
RETRY_FAILED_SECONDS = 300


class MetricFigure(db.Model):
    """A metric's value for one year as last computed (``Metric.compute(year)``)."""

    __tablename__ = "task_metric_figures"

    metric_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(default=timeutil.utcnow)


def refresh_seconds() -> int:
    configured = current_app.config.get("TASK_METRICS_REFRESH_SECONDS") if has_app_context() else None
    return int(configured or DEFAULT_REFRESH_SECONDS)


def is_stale(computed_at: datetime | None) -> bool:
    if computed_at is None:
        return False
    age = timeutil.utcnow() - computed_at
    return age > timedelta(seconds=STALE_AFTER_INTERVALS * refresh_seconds())


def _number(value) -> float | None:
    return None if value is None else float(value)


def _store(rows: list[dict]) -> None:
    """Upsert (metric_key, year) → value, computed_at in the session's transaction.

    Executed as a statement through the session (not on ``session.connection()``), so that in a
    page that reads the replica (the 工作台 shows the tasks panel) the INSERT goes to the primary.
    """
    upsert(db.session, MetricFigure.__table__, ["metric_key", "year"], rows,
           replace=("value", "computed_at"))


@dataclass(frozen=True)
class Stored:
    value: float | None
    computed_at: datetime


class FigureStore:
    """What an evaluator reads its computed indicators from: the stored figures, read once per
    request (the table holds a row per metric and year — a few hundred at most)."""

    def __init__(self):
        self._rows: dict[tuple[str, int], Stored] | None = None

    def get(self, key: str, metric, year: int) -> Stored:
        if self._rows is None:
            self._rows = {(row.metric_key, row.year): Stored(row.value, row.computed_at)
                          for row in db.session.execute(select(
                              MetricFigure.metric_key, MetricFigure.year, MetricFigure.value,
                              MetricFigure.computed_at))}
        found = self._rows.get((key, year))
        if found is None:
            # Never stored: computed once here and stored, so the next view reads it.
            now = timeutil.utcnow()
            found = Stored(_number(metric.compute(year)), now)
            _store([{"metric_key": key, "year": year, "value": found.value, "computed_at": now}])
            self._rows[(key, year)] = found
            if has_request_context():
                g.task_metric_figures_stored = True
        return found

    def stale(self, computed_at: datetime | None) -> bool:
        return is_stale(computed_at)


def keep_stored(response):
    """After a GET that stored a figure for the first time: commit it (a page view otherwise
    commits nothing, and the figure would be computed again by the next view). Only safe
    methods: a form re-shown after a refused POST must not commit what that POST flushed."""
    if g.pop("task_metric_figures_stored", False) and request.method in ("GET", "HEAD") \
            and response.status_code < 400:
        try:
            db.session.commit()
        except Exception:  # the page is already rendered; the next view or the worker stores it
            db.session.rollback()
            log.exception("could not store computed indicator figures")
    return response


# --- the worker's round ------------------------------------------------------------------------

def needed(on=None, plan_id: int | None = None) -> set[tuple[str, int]]:
    """(metric key, year) of every computed indicator of an open plan (or of plan ``plan_id``)
    whose metric is installed, for the years its pages show by default: from the plan's start
    to this year (cumulative indicators add them up), within the plan's period."""
    from talent.tasks.models import TaskIndicator, TaskPlan

    on = on or timeutil.today()
    installed = features.metrics()
    query = (select(TaskIndicator.metric_key, TaskPlan.starts_on, TaskPlan.ends_on)
             .join(TaskPlan, TaskPlan.id == TaskIndicator.plan_id)
             .where(TaskIndicator.source == "computed", TaskIndicator.metric_key.is_not(None))
             .distinct())
    query = query.where(TaskPlan.status == "active") if plan_id is None else query.where(
        TaskPlan.id == plan_id)
    pairs = set()
    for key, starts_on, ends_on in db.session.execute(query):
        if key in installed:
            last = min(max(on.year, starts_on.year), ends_on.year)  # as lights.default_year
            pairs.update((key, year) for year in range(starts_on.year, last + 1))
    return pairs


def recompute(pairs) -> int:
    """Compute and store these (metric key, year) figures now, in the session's transaction
    (closing a plan: its final outcomes read figures of this moment)."""
    installed = features.metrics()
    now = timeutil.utcnow()
    rows = [{"metric_key": key, "year": year, "value": _number(installed[key].compute(year)),
             "computed_at": now} for key, year in sorted(pairs)]
    _store(rows)
    return len(rows)


_failed_until: dict[tuple[str, int], float] = {}


def _claim_round() -> bool:
    """On PostgreSQL only one worker refreshes at a time (a transaction-level advisory lock; a
    second worker skips the round). Two SQLite workers would both compute: harmless, the upsert
    keeps the later value."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.execute(text("SELECT pg_try_advisory_xact_lock(2323, 1)")).scalar())


def refresh_due() -> dict[str, int]:
    """One worker round: recompute the needed figures older than the refresh interval; commits.
    Empty when everything is fresh (the worker then waits)."""
    pairs = needed()
    if not pairs:
        return {}
    fresh_since = timeutil.utcnow() - timedelta(seconds=refresh_seconds())
    fresh = {(row.metric_key, row.year) for row in db.session.execute(
        select(MetricFigure.metric_key, MetricFigure.year)
        .where(MetricFigure.computed_at > fresh_since))}
    waiting = time.monotonic()
    due = sorted(p for p in pairs - fresh if _failed_until.get(p, 0.0) <= waiting)
    if not due or not _claim_round():
        db.session.rollback()
        return {}
    done = 0
    for pair in due:
        try:
            with db.session.begin_nested():
                done += recompute([pair])
        except Exception:  # one broken metric must not stop the others nor the worker's round
            _failed_until[pair] = time.monotonic() + RETRY_FAILED_SECONDS
            log.exception("metric %s (%s) failed; tried again in %s s", *pair, RETRY_FAILED_SECONDS)
    db.session.commit()
    return {"指标数据刷新": done} if done else {}
