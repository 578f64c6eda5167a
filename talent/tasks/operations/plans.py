"""The plan as data, edited by the office: settings, items, indicators, copies."""
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select

from talent.auth.models import Unit
from talent.core import audit
from talent.extensions import db
from talent.tasks.models import (
    TaskAction,
    TaskIndicator,
    TaskItem,
    TaskItemUnit,
    TaskPlan,
    TaskPlanMember,
)
from talent.tasks.operations.access import TaskRefused, require_office
from talent.tasks.operations.figures import refresh_actual
from talent.tasks.operations.lighting import refresh_lights


def update_settings(actor, plan: TaskPlan, tolerance: int, baselines: Mapping[int, float | None],
                    on: date | None = None) -> dict:
    require_office(actor, plan)
    changes = audit.apply_changes(plan, {"tolerance": tolerance})
    for indicator in plan.indicators:
        if indicator.id in baselines and indicator.is_growth:
            before = indicator.baseline_value
            if before != baselines[indicator.id]:
                indicator.baseline_value = baselines[indicator.id]
                changes[f"baseline_{indicator.id}"] = [before, indicator.baseline_value]
    db.session.flush()
    if changes:
        audit.record(actor, "update", plan, changes, summary=f"{plan.name} 参数")
        refresh_lights(plan, on)
    return changes


def update_item(actor, item: TaskItem, values: Mapping, lead_ids: list[int],
                responsible_ids: list[int], on: date | None = None) -> dict:
    """The office edits an item: its wording, deadline and units (the plan is data)."""
    require_office(actor, item.plan)
    before_units = {"lead_units": [u.name for u in item.lead_units],
                    "responsible_units": [u.name for u in item.responsible_units]}
    changes = audit.apply_changes(item, dict(values))
    wanted = [("lead", uid) for uid in lead_ids] + [("responsible", uid) for uid in responsible_ids]
    if [(link.role, link.unit_id) for link in item.unit_links] != wanted:
        item.unit_links = [TaskItemUnit(unit_id=uid, role=role, position=n)
                           for n, (role, uid) in enumerate(wanted)]
        db.session.flush()
        db.session.expire(item, ["unit_links"])
        after = {"lead_units": [u.name for u in item.lead_units],
                 "responsible_units": [u.name for u in item.responsible_units]}
        changes.update({k: [before_units[k], after[k]] for k in after if after[k] != before_units[k]})
    db.session.flush()
    if changes:
        audit.record(actor, "update", item, changes, summary=f"{item.code} {item.title}")
        refresh_lights(item.plan, on)
    return changes


INDICATOR_FIELDS = ("name", "measure", "comparison", "target", "baseline_value")


def update_indicator(actor, indicator: TaskIndicator, values: Mapping, on: date | None = None,
                     named_unit_ids: list[int] | None = None) -> dict:
    """The office edits an indicator; on a goal or 工作任务 indicator it may also name the units
    that report it besides itself and the lead units (``named_unit_ids``; None leaves them)."""
    require_office(actor, indicator.plan)
    values = {k: values[k] for k in INDICATOR_FIELDS if k in values}
    if not indicator.is_growth:
        values.pop("baseline_value", None)
    changes = audit.apply_changes(indicator, values)
    if named_unit_ids is not None and indicator.scope != "item":
        before = [u.name for u in indicator.named_units]
        wanted = set(named_unit_ids)
        if wanted != {u.id for u in indicator.named_units}:
            indicator.named_units = list(db.session.scalars(select(Unit).where(Unit.id.in_(wanted))))
            db.session.flush()
            db.session.expire(indicator, ["named_units"])
            changes["named_units"] = [before, [u.name for u in indicator.named_units]]
            refresh_actual(indicator)  # a named unit's figure may now be (or no longer be) the official one
    db.session.flush()
    if changes:
        audit.record(actor, "update", indicator.item or indicator.plan,
                     {f"{indicator.name}.{k}": v for k, v in changes.items()},
                     summary=f"指标 {indicator.name}")
        refresh_lights(indicator.plan, on)
    return changes


def add_indicator(actor, item: TaskItem, values: Mapping) -> TaskIndicator:
    require_office(actor, item.plan)
    values = {k: values[k] for k in INDICATOR_FIELDS if k in values and k != "baseline_value"}
    position = max((i.position for i in item.plan.indicators), default=0) + 1
    indicator = TaskIndicator(plan_id=item.plan.id, action_id=item.action_id, item_id=item.id,
                              scope="item", position=position, source="reported", **values)
    db.session.add(indicator)
    db.session.flush()
    audit.record(actor, "create", item, {f"{indicator.name}.target": [None, indicator.target]},
                 summary=f"新增指标 {indicator.name}")
    return indicator


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_period(plan: TaskPlan, year: int) -> tuple[date, date]:
    """A copy's period by default: the same dates moved to start in ``year``."""
    shift = year - plan.starts_on.year
    return _shift_year(plan.starts_on, shift), _shift_year(plan.ends_on, shift)


def proposed_deadline(plan: TaskPlan, day: date, starts_on: date, ends_on: date) -> date:
    """Same month and day, moved by the difference between the periods' start years, and never
    past the new plan's end (a 2025-12-31 deadline of a 2023–2025 plan copied to 2026 is
    2026-12-31 for a one-year plan, not 2028-12-31)."""
    moved = _shift_year(day, starts_on.year - plan.starts_on.year)
    return min(max(moved, starts_on), ends_on)


def proposed_deadlines(plan: TaskPlan, starts_on: date, ends_on: date) -> dict[int, date]:
    """Item id → the deadline a copy would get, for the office to review before saving."""
    return {item.id: proposed_deadline(plan, item.deadline, starts_on, ends_on) for item in plan.items}


def copy_plan(actor, plan: TaskPlan, name: str, year: int, starts_on: date | None = None,
              ends_on: date | None = None, deadlines: Mapping[int, date] | None = None) -> TaskPlan:
    """A plan for a new period: the same actions, items, units and indicators; each item's
    deadline as reviewed (``deadlines``, by the old item's id) or as proposed; no reports,
    figures or lights are carried over."""
    require_office(actor, plan)
    if db.session.scalar(select(TaskPlan.id).where(TaskPlan.name == name)):
        raise TaskRefused("已有同名工作方案", fields={"name": ["已有同名工作方案"]})
    default_start, default_end = default_period(plan, year)
    starts_on, ends_on = starts_on or default_start, ends_on or default_end
    if ends_on < starts_on:
        raise TaskRefused("结束日期不能早于开始日期", fields={"ends_on": ["结束日期不能早于开始日期"]},
                          status=422)
    chosen = {**proposed_deadlines(plan, starts_on, ends_on), **(deadlines or {})}
    outside = [item.code for item in plan.items if not starts_on <= chosen[item.id] <= ends_on]
    if outside:
        message = f"完成时限应在新方案期内（{starts_on} 至 {ends_on}）：" + "、".join(outside)
        raise TaskRefused(message, fields={"deadlines": [message]}, status=422)
    shift = starts_on.year - plan.starts_on.year
    copy = TaskPlan(name=name, year=year, starts_on=starts_on, ends_on=ends_on, goals=plan.goals,
                    convener=plan.convener, deputy_conveners=plan.deputy_conveners,
                    office_unit_id=plan.office_unit_id, safeguards=plan.safeguards,
                    tolerance=plan.tolerance, copied_from_id=plan.id)
    copy.members = [TaskPlanMember(unit_id=m.unit_id, position=m.position) for m in plan.members]
    db.session.add(copy)
    db.session.flush()
    actions = {}
    items = {}
    for action in plan.actions:
        new_action = TaskAction(plan_id=copy.id, position=action.position, numeral=action.numeral,
                                title=action.title, text=action.text)
        db.session.add(new_action)
        actions[action.id] = new_action
        for item in action.items:
            new_item = TaskItem(action=new_action, position=item.position, code=item.code,
                                title=item.title, text=item.text,
                                deadline=chosen[item.id])
            new_item.unit_links = [TaskItemUnit(unit_id=link.unit_id, role=link.role,
                                                position=link.position) for link in item.unit_links]
            db.session.add(new_item)
            items[item.id] = new_item
    db.session.flush()
    for indicator in plan.indicators:
        db.session.add(TaskIndicator(
            plan_id=copy.id, action_id=actions[indicator.action_id].id if indicator.action_id else None,
            item_id=items[indicator.item_id].id if indicator.item_id else None,
            scope=indicator.scope, position=indicator.position, name=indicator.name,
            measure=indicator.measure, target=indicator.target, comparison=indicator.comparison,
            baseline_year=indicator.baseline_year + shift if indicator.baseline_year else None,
            level_measure=indicator.level_measure, source=indicator.source,
            metric_key=indicator.metric_key, aggregation=indicator.aggregation,
            cumulative=indicator.cumulative,
            named_units=list(indicator.named_units),
            deadline=(proposed_deadline(plan, indicator.deadline, starts_on, ends_on)
                      if indicator.deadline else None)))
    db.session.flush()
    audit.record(actor, "copy", copy, audit.snapshot(
        {"name": name, "year": year, "copied_from": plan.name, "starts_on": starts_on,
         "ends_on": ends_on, "deadlines": {item.code: chosen[item.id].isoformat() for item in plan.items}}),
        summary=name)
    return copy
