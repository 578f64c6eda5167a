"""Loading the seed plan (双牌县打好科技创新攻坚仗工作方案) exactly."""

from sqlalchemy import select

from talent.auth.models import Unit
from talent.auth.units import group_members
from talent.extensions import db
from talent.tasks import seed_plan
from talent.tasks.models import (
    ProgressReport,
    TaskAction,
    TaskIndicator,
    TaskItem,
    TaskItemUnit,
    TaskPlan,
    TaskPlanMember,
)


def _unit(name: str, units: dict[str, Unit]) -> Unit:
    unit = units.get(name)
    if unit is None:
        raise LookupError(f"unit {name!r} of the work plan is not seeded")
    return unit


def _units_named(name: str, units: dict[str, Unit]) -> list[Unit]:
    """A unit of the text, or the members of a group the text names (各乡镇(管理局): each 乡镇
    reports its own part)."""
    members = group_members(name)
    return members or [_unit(name, units)]


def expand_unit_groups() -> int:
    """Items linked to a group's retired row (各乡镇(管理局), from before the towns were units)
    get each member unit instead, with the same role; the old link stays where the row has
    reports (its history). Returns the number of items changed; safe to run again."""
    changed = 0
    for group in db.session.scalars(select(Unit).where(Unit.active.is_(False))):
        members = group_members(group.name)
        if not members:
            continue
        for link in db.session.scalars(select(TaskItemUnit).where(TaskItemUnit.unit_id == group.id)).all():
            item = db.session.get(TaskItem, link.item_id)
            have = {existing.unit_id for existing in item.unit_links}
            position = max(existing.position for existing in item.unit_links)
            for member in members:
                if member.id not in have:
                    position += 1
                    item.unit_links.append(TaskItemUnit(unit_id=member.id, role=link.role, position=position))
            if not db.session.scalar(select(ProgressReport.id).where(
                    ProgressReport.item_id == item.id, ProgressReport.unit_id == group.id).limit(1)):
                item.unit_links.remove(link)
            changed += 1
    db.session.flush()
    return changed


def seed_work_plan() -> int:
    """Load 双牌县打好科技创新攻坚仗工作方案 exactly (see seed_plan.py); 0 when already there."""
    if db.session.scalar(select(TaskPlan.id).where(TaskPlan.name == seed_plan.PLAN_NAME)):
        expand_unit_groups()
        return 0
    units = {u.name: u for u in db.session.scalars(select(Unit))}
    plan = TaskPlan(name=seed_plan.PLAN_NAME, year=seed_plan.PLAN_YEAR, starts_on=seed_plan.STARTS_ON,
                    ends_on=seed_plan.ENDS_ON, goals=seed_plan.GOALS, convener=seed_plan.CONVENER,
                    deputy_conveners=seed_plan.DEPUTY_CONVENERS,
                    office_unit_id=_unit(seed_plan.OFFICE_UNIT, units).id,
                    safeguards=seed_plan.SAFEGUARDS)
    plan.members = [TaskPlanMember(unit_id=_unit(name, units).id, position=n)
                    for n, name in enumerate(seed_plan.MEMBER_UNITS)]
    db.session.add(plan)
    db.session.flush()
    position = 0

    def add_indicators(specs, **where):
        nonlocal position
        for spec in specs:
            position += 1
            spec = dict(spec)
            named = [_unit(name, units) for name in spec.pop("named_units", [])]
            db.session.add(TaskIndicator(plan_id=plan.id, position=position, named_units=named,
                                         **where, **spec))

    add_indicators(seed_plan.GOAL_INDICATORS, scope="goal", deadline=seed_plan.GOALS_BY)
    by_code = {}
    for number, (numeral, title, text) in enumerate(seed_plan.ACTIONS, start=1):
        action = TaskAction(plan_id=plan.id, position=number, numeral=numeral, title=title, text=text)
        db.session.add(action)
        db.session.flush()
        item_rows = [row for row in seed_plan.ITEMS if row[0].startswith(f"{number}.")]
        for code, item_title, item_text, leads, responsible, deadline in item_rows:
            item = TaskItem(action_id=action.id, position=int(code.split(".")[1]), code=code,
                            title=item_title, text=item_text, deadline=deadline)
            links = [("lead", unit) for name in leads for unit in _units_named(name, units)]
            links += [("responsible", unit) for name in responsible for unit in _units_named(name, units)]
            item.unit_links = [TaskItemUnit(unit_id=unit.id, role=role, position=n)
                               for n, (role, unit) in enumerate(links)]
            db.session.add(item)
            by_code[code] = item
        db.session.flush()
        add_indicators(seed_plan.ACTION_INDICATORS.get(numeral, []), scope="action",
                       action_id=action.id, deadline=max(row[5] for row in item_rows))
    for code, specs in seed_plan.ITEM_INDICATORS.items():
        item = by_code[code]
        add_indicators(specs, scope="item", action_id=item.action_id, item_id=item.id)
    db.session.flush()
    return 1
