"""Reading plans, items, reports and 督办单 for pages, API and exports."""
from collections import defaultdict
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from talent.core import timeutil
from talent.extensions import db
from talent.tasks.lights import Evaluator, last_complete_period
from talent.tasks.metric_figures import FigureStore
from talent.tasks.models import (
    Directive,
    LightChange,
    ProgressReport,
    TaskAction,
    TaskIndicator,
    TaskItem,
    TaskItemUnit,
    TaskPlan,
    TaskPlanMember,
)


def plans() -> list[TaskPlan]:
    return list(db.session.scalars(select(TaskPlan).order_by(TaskPlan.year.desc(), TaskPlan.id)))


def active_plans() -> list[TaskPlan]:
    """Plans that still run: what 催报, current dashboards and the home page's prompt read."""
    return list(db.session.scalars(select(TaskPlan).where(TaskPlan.status == "active")
                                   .order_by(TaskPlan.starts_on.desc(), TaskPlan.id)))


def load_plan(plan_id: int) -> TaskPlan | None:
    """A plan with everything its pages read, in a fixed number of queries."""
    plan = db.session.scalar(select(TaskPlan).where(TaskPlan.id == plan_id).options(
        selectinload(TaskPlan.actions).selectinload(TaskAction.items).selectinload(
            TaskItem.unit_links).joinedload(TaskItemUnit.unit),
        selectinload(TaskPlan.indicators).selectinload(TaskIndicator.named_units),
        selectinload(TaskPlan.members).joinedload(TaskPlanMember.unit)))
    if plan is not None:
        # Items' indicators are the plan's, grouped: one load instead of a second query of the same rows.
        by_item: dict[int, list[TaskIndicator]] = defaultdict(list)
        for indicator in plan.indicators:
            if indicator.item_id is not None:
                by_item[indicator.item_id].append(indicator)
        for item in plan.items:
            set_committed_value(item, "indicators", by_item.get(item.id, []))
    return plan


def office_reports_waiting(plan: TaskPlan) -> list[ProgressReport]:
    """The office's own reports waiting for confirmation: what the 专班 leader may confirm."""
    return list(db.session.scalars(
        select(ProgressReport).join(ProgressReport.item).join(TaskItem.action)
        .where(TaskAction.plan_id == plan.id, ProgressReport.unit_id == plan.office_unit_id,
               ProgressReport.status == "submitted")
        .order_by(ProgressReport.period, ProgressReport.id)))


def items_query(plan_id: int | None = None, unit_id: int | None = None) -> Select:
    query = (select(TaskItem).join(TaskItem.action)
             .order_by(TaskAction.plan_id, TaskAction.position, TaskItem.position))
    if plan_id is not None:
        query = query.where(TaskAction.plan_id == plan_id)
    if unit_id is not None:
        query = query.where(TaskItem.id.in_(select(TaskItemUnit.item_id).where(
            TaskItemUnit.unit_id == unit_id)))
    return query


def reported_periods(item_ids, since: str | None = None) -> dict[int, set[str]]:
    """Item id → periods with at least one report that was not returned."""
    query = select(ProgressReport.item_id, ProgressReport.period).where(
        ProgressReport.item_id.in_(list(item_ids)), ProgressReport.status != "returned").distinct()
    if since:
        query = query.where(ProgressReport.period >= since)
    found: dict[int, set[str]] = defaultdict(set)
    for item_id, period in db.session.execute(query):
        found[item_id].add(period)
    return found


def evaluator(plan: TaskPlan, on: date | None = None, year: int | None = None) -> Evaluator:
    on = on or timeutil.today()
    item_ids = [item.id for item in plan.items]
    return Evaluator(plan, on, reported_periods(item_ids, since=last_complete_period(on)), year=year,
                     figures=FigureStore())


def reports_of(item: TaskItem) -> list[ProgressReport]:
    return list(db.session.scalars(
        select(ProgressReport).where(ProgressReport.item_id == item.id)
        .options(selectinload(ProgressReport.values), selectinload(ProgressReport.unit),
                 selectinload(ProgressReport.attachments))
        .order_by(ProgressReport.period.desc(), ProgressReport.id.desc())))


def light_history(item: TaskItem) -> list[LightChange]:
    return list(db.session.scalars(select(LightChange).where(LightChange.item_id == item.id)
                                   .order_by(LightChange.on, LightChange.id)))


def directives_of(item: TaskItem) -> list[Directive]:
    return list(db.session.scalars(select(Directive).where(Directive.item_id == item.id)
                                   .order_by(Directive.id.desc())))


def open_directives(unit_id: int | None = None, plan_id: int | None = None) -> list[Directive]:
    query = select(Directive).where(Directive.status == "open").order_by(Directive.reply_by)
    if unit_id is not None:
        query = query.where(Directive.unit_id == unit_id)
    if plan_id is not None:
        query = query.join(Directive.item).join(TaskItem.action).where(TaskAction.plan_id == plan_id)
    return list(db.session.scalars(query))



def unit_items(unit_id: int, active_only: bool = False) -> list[TaskItem]:
    query = items_query(unit_id=unit_id)
    if active_only:
        query = query.where(TaskAction.plan_id.in_(select(TaskPlan.id).where(TaskPlan.status == "active")))
    return list(db.session.scalars(query))


def count_by_light(plan: TaskPlan, judge: Evaluator) -> dict[str, int]:
    counts = {"red": 0, "yellow": 0, "green": 0, "done": 0}
    for item in plan.items:
        light = judge.item(item).light
        counts[light] = counts.get(light, 0) + 1
    return counts


def report_counts(item_ids) -> dict[int, int]:
    return dict(db.session.execute(select(ProgressReport.item_id, func.count()).where(
        ProgressReport.item_id.in_(list(item_ids))).group_by(ProgressReport.item_id)))


def missing_reports_for_unit(unit_id: int, items: list[TaskItem], period: str) -> list[TaskItem]:
    """Of ``items``, those on which this unit has not filed ``period``'s report."""
    filed = set(db.session.scalars(select(ProgressReport.item_id).where(
        ProgressReport.unit_id == unit_id, ProgressReport.period == period,
        ProgressReport.status != "returned")))
    return [i for i in items if i.id not in filed]
