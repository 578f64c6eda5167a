"""Who owes a report, and the reminders (催报) the daily sweep sends."""
import calendar as calendar_module
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from talent.auth.models import Unit
from talent.core import timeutil
from talent.extensions import db
from talent.notifications import operations as inbox
from talent.services import workdays
from talent.tasks.lights import last_complete_period, period_of
from talent.tasks.models import (
    ProgressReport,
    TaskItem,
    TaskPlan,
)
from talent.tasks.operations.directives import escalate_late_directives
from talent.tasks.operations.lighting import refresh_lights
from talent.tasks.operations.reading import active_plans


@dataclass
class Missing:
    unit: Unit
    items: list[TaskItem]


def missing_reports(plan: TaskPlan, period: str) -> list[Missing]:
    """Units that owe ``period``'s report, with the items they owe it on (open items only)."""
    filed = {(row.item_id, row.unit_id) for row in db.session.execute(
        select(ProgressReport.item_id, ProgressReport.unit_id).where(
            ProgressReport.period == period, ProgressReport.status != "returned",
            ProgressReport.item_id.in_([i.id for i in plan.items])))}
    owed: dict[int, Missing] = {}
    for item in plan.items:
        if item.status == "done":
            continue
        for unit in item.all_units:
            if (item.id, unit.id) not in filed:
                owed.setdefault(unit.id, Missing(unit, [])).items.append(item)
    return sorted(owed.values(), key=lambda m: (m.unit.sort_order, m.unit.id))


def _in_period(plan: TaskPlan, period: str) -> bool:
    """An open plan that asks for ``period``'s report (the month lies within its period)."""
    return not plan.is_closed and period_of(plan.starts_on) <= period <= period_of(plan.ends_on)


def _remind_owing(plan: TaskPlan, period: str, title, key) -> int:
    """One notice per unit and item on which the unit owes ``period``'s report; ``title(item)``
    and ``key(item, unit)`` (the notice's idempotency key) say which reminder it is."""
    sent = 0
    for missing in missing_reports(plan, period):
        for item in missing.items:
            sent += inbox.notify_unit(
                missing.unit.id, title(item), link=f"/tasks/items/{item.id}/report?period={period}",
                kind="task_reminder", key=key(item, missing.unit))
    return sent


def send_reminders(plan: TaskPlan, on: date | None = None) -> int:
    """At a month's end, each unit that owes its report gets one notification per item and month.

    Idempotent: the key names plan, item and period, so running the sweep again notifies nobody twice.
    """
    on = on or timeutil.today()
    period = last_complete_period(on)
    if not _in_period(plan, period):
        return 0
    return _remind_owing(plan, period, lambda item: f"请报送 {item.code} {item.title} {period} 工作进度",
                         lambda item, _unit: f"tasks:{plan.id}:{item.id}:{period}")


REMIND_DAYS_BEFORE = 3  # working days


def send_deadline_reminders(plan: TaskPlan, on: date | None = None) -> int:
    """Three working days (or fewer) before an open item's deadline, every unit of the item is
    reminded once per deadline (a moved deadline reminds again)."""
    on = on or timeutil.today()
    if plan.is_closed:
        return 0
    calendar = workdays.load()
    sent = 0
    for item in plan.items:
        if item.status == "done" or item.deadline < on:
            continue
        if calendar.between(on, item.deadline) > REMIND_DAYS_BEFORE:
            continue
        for unit in item.all_units:
            sent += inbox.notify_unit(
                unit.id, f"{item.code} {item.title} 将于 {item.deadline} 到期，请抓紧推进并按时报结",
                link=f"/tasks/items/{item.id}", kind="task_reminder",
                key=f"tasks:due:{item.id}:{unit.id}:{item.deadline}")
    return sent


def send_report_due_reminders(plan: TaskPlan, on: date | None = None) -> int:
    """Three working days (or fewer) before a month ends, each unit that has not yet filed that
    month's report is reminded once per item and month — before the 催报 that follows the month."""
    on = on or timeutil.today()
    period = period_of(on)
    if not _in_period(plan, period):
        return 0
    month_end = date(on.year, on.month, calendar_module.monthrange(on.year, on.month)[1])
    if workdays.load().between(on, month_end) > REMIND_DAYS_BEFORE:
        return 0
    return _remind_owing(
        plan, period, lambda item: f"{item.code} {item.title} {period} 工作进度请于 {month_end} 前报送",
        lambda item, unit: f"tasks:report-due:{plan.id}:{item.id}:{unit.id}:{period}")


def sweep(on: date | None = None) -> dict:
    """The daily job: reminders for the last month, for this month's report and for near deadlines,
    late 督办单 escalated,
    and the lights of every running plan."""
    result = {"reminders": 0, "lights": 0, "escalations": escalate_late_directives(on)}
    for plan in active_plans():
        result["reminders"] += (send_reminders(plan, on) + send_report_due_reminders(plan, on)
                                + send_deadline_reminders(plan, on))
        result["lights"] += refresh_lights(plan, on)
    return result
