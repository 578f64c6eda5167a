"""Operations of the task tracker. They flush and audit; the request commits.

Who may do what on an item (object-level, on top of the role's permission):

- report: staff of one of the item's lead or responsible units (the admin on behalf of any);
- confirm / return a report, mark the item complete, reply to a 督办单: staff of a lead unit;
- accept completion, issue 督办单, set tolerance and baselines, copy a plan: the 专班 office —
  staff of the plan's office unit (县科工信局) — and the admin.
"""
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from talent.auth.models import Unit
from talent.core import audit, features
from talent.core.errors import Refused
from talent.core.inputs import clean_filename
from talent.core.timeutil import today, utcnow
from talent.extensions import db
from talent.notifications import operations as inbox
from talent.tasks import files, seed_plan
from talent.tasks.lights import Evaluator, last_complete_period, period_end, period_of, periods_between
from talent.tasks.models import (
    Directive,
    IndicatorFigure,
    LightChange,
    ProgressReport,
    ReportAttachment,
    ReportValue,
    TaskAction,
    TaskIndicator,
    TaskItem,
    TaskItemUnit,
    TaskPlan,
    TaskPlanMember,
)

PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# A month's report is on time when it arrives by this day of the following month.
REPORT_DUE_DAY = 5


class TaskRefused(Refused):
    """A task operation that cannot be done as asked (409 conflict, 422 rule)."""


class NotYourItem(Exception):
    """The acting user's unit has no part in this item: the view answers 403."""


# --- who is who -------------------------------------------------------------------------------

def is_admin(user) -> bool:
    return user is not None and user.role == "admin"


# 县委组织部 staff hold the ``org`` role; an org account without a unit acts for that unit.
ORG_UNIT = "县委组织部"


def acting_unit(user) -> Unit | None:
    """The unit a user acts for: their own, or 县委组织部 for an ``org`` account without one."""
    if user is None:
        return None
    if user.unit_id is not None:
        return user.unit
    if user.role == "org":
        return db.session.scalar(select(Unit).where(Unit.name == ORG_UNIT))
    return None


def _unit_id(user) -> int | None:
    unit = acting_unit(user)
    return unit.id if unit is not None else None


def is_office(user, plan: TaskPlan) -> bool:
    return is_admin(user) or (user is not None and user.role == "unit"
                              and user.unit_id == plan.office_unit_id)


def is_lead(user, item: TaskItem) -> bool:
    return is_admin(user) or item.unit_role(_unit_id(user)) == "lead"


def is_unit_of(user, directive: "Directive") -> bool:
    return is_admin(user) or _unit_id(user) == directive.unit_id


def reporting_units(user, item: TaskItem) -> list[Unit]:
    """The units this user may report for on this item (own unit; the admin any of the item's)."""
    if is_admin(user):
        return item.all_units
    unit = acting_unit(user)
    return [unit] if unit is not None and item.unit_role(unit.id) else []


def require_office(user, plan: TaskPlan) -> None:
    if not is_office(user, plan):
        raise NotYourItem()


def require_lead(user, item: TaskItem) -> None:
    if not is_lead(user, item):
        raise NotYourItem()


# --- reading ----------------------------------------------------------------------------------

def plans() -> list[TaskPlan]:
    return list(db.session.scalars(select(TaskPlan).order_by(TaskPlan.year.desc(), TaskPlan.id)))


def load_plan(plan_id: int) -> TaskPlan | None:
    """A plan with everything its pages read, in a fixed number of queries."""
    plan = db.session.scalar(select(TaskPlan).where(TaskPlan.id == plan_id).options(
        selectinload(TaskPlan.actions).selectinload(TaskAction.items).selectinload(
            TaskItem.unit_links).joinedload(TaskItemUnit.unit),
        selectinload(TaskPlan.indicators), selectinload(TaskPlan.members).joinedload(TaskPlanMember.unit)))
    if plan is not None:
        # Items' indicators are the plan's, grouped: one load instead of a second query of the same rows.
        by_item: dict[int, list[TaskIndicator]] = defaultdict(list)
        for indicator in plan.indicators:
            if indicator.item_id is not None:
                by_item[indicator.item_id].append(indicator)
        for item in plan.items:
            set_committed_value(item, "indicators", by_item.get(item.id, []))
    return plan


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


def evaluator(plan: TaskPlan, on: date | None = None) -> Evaluator:
    on = on or today()
    item_ids = [item.id for item in plan.items]
    return Evaluator(plan, on, reported_periods(item_ids, since=last_complete_period(on)))


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


# --- lights and their history -----------------------------------------------------------------

def _record_light(subject_field: str, subject, verdict, on: date, had_history: bool) -> bool:
    if verdict.light is None:
        return False
    if had_history and subject.light == verdict.light:
        return False
    db.session.add(LightChange(**{subject_field: subject.id}, on=on, light=verdict.light,
                               previous=subject.light if had_history else None,
                               reason=verdict.reason[:300]))
    subject.light = verdict.light
    return True


def refresh_lights(plan: TaskPlan, on: date | None = None) -> int:
    """Record every light of the plan that changed since it was last recorded; returns how many.

    An item never changes colour silently: each change is a row with its date and reason.
    """
    on = on or today()
    judge = evaluator(plan, on)
    item_ids = [item.id for item in plan.items]
    indicator_ids = [i.id for i in plan.indicators]
    seen_items = set(db.session.scalars(select(LightChange.item_id).where(
        LightChange.item_id.in_(item_ids)).distinct()))
    seen_indicators = set(db.session.scalars(select(LightChange.indicator_id).where(
        LightChange.indicator_id.in_(indicator_ids)).distinct()))
    changed = 0
    for item in plan.items:
        changed += _record_light("item_id", item, judge.item(item), on, item.id in seen_items)
    for indicator in plan.indicators:
        changed += _record_light("indicator_id", indicator, judge.indicator(indicator), on,
                                 indicator.id in seen_indicators)
    db.session.flush()
    return changed


# --- reports ----------------------------------------------------------------------------------

def check_period(plan: TaskPlan, period: str, on: date | None = None) -> str | None:
    """The message for an unacceptable period, or None."""
    if not PERIOD_PATTERN.match(period or ""):
        return "报告期应为 YYYY-MM，例如 2023-06"
    if period > period_of(on or today()):
        return "不能报送未来月份的进度"
    if period < period_of(plan.starts_on):
        return f"报告期早于方案开始（{plan.starts_on:%Y-%m}）"
    return None


def reportable_indicators(item: TaskItem) -> list[TaskIndicator]:
    """Indicators a unit types figures for: reported ones, and computed ones whose source is missing."""
    return [i for i in item.indicators
            if i.source == "reported" or features.metric(i.metric_key or "") is None]


def submit_report(actor, item: TaskItem, unit: Unit, period: str, narrative: str,
                  values: Mapping[int, float], problems: str = "") -> ProgressReport:
    """File (or re-file after a return) a unit's report for a month."""
    if unit not in reporting_units(actor, item):
        raise NotYourItem()
    problem = check_period(item.plan, period)
    if problem:
        raise TaskRefused(problem, fields={"period": [problem]}, status=422)
    allowed = {i.id for i in reportable_indicators(item)}
    unknown = sorted(str(k) for k in values if k not in allowed)
    if unknown:
        raise TaskRefused("指标不属于该事项或由系统数据计算：" + "、".join(unknown),
                          fields={"values": [f"未知或不可填报的指标：{', '.join(unknown)}"]},
                          status=422)
    report = db.session.scalar(select(ProgressReport).where(
        ProgressReport.item_id == item.id, ProgressReport.unit_id == unit.id,
        ProgressReport.period == period))
    action = "update"
    if report is None:
        report = ProgressReport(item_id=item.id, unit_id=unit.id, period=period, narrative="")
        db.session.add(report)
        action = "create"
    elif report.status == "confirmed":
        raise TaskRefused(f"{unit.name} {period} 的进度已确认，不能再修改")
    changes = audit.apply_changes(report, {"narrative": narrative, "problems": problems,
                                           "status": "submitted"})
    report.submitted_by_id = getattr(actor, "id", None)
    report.submitted_at = utcnow()
    report.review_comment = ""
    report.values = [ReportValue(indicator_id=k, value=float(v)) for k, v in sorted(values.items())]
    if item.status == "not_started":
        item.status = "in_progress"
    db.session.flush()
    changes["values"] = [None, {str(k): v for k, v in sorted(values.items())}]
    audit.record(actor, action, report, changes, summary=f"{item.code} {unit.name} {period}")
    for lead in item.lead_units:
        inbox.notify_unit(lead.id, f"{unit.name} 报送了 {item.code} {item.title} {period} 进度，待确认",
                          link=f"/tasks/items/{item.id}", kind="task_report")
    refresh_lights(item.plan)  # a report that arrives can clear a red light: recorded, with its reason
    return report


MAX_ATTACHMENTS = 10


def check_uploads(uploads: list[tuple[str, bytes]]) -> list[tuple[str, files.CheckedFile]]:
    """Check every upload before anything is written; the first bad one refuses them all."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise files.FileRefused(f"每次最多上传 {MAX_ATTACHMENTS} 个附件")
    checked = []
    for filename, data in uploads:
        try:
            checked.append((filename, files.check(data)))
        except files.FileRefused as error:
            raise files.FileRefused(f"{filename}：{error}") from None
    return checked


def attach(actor, report: ProgressReport, checked: list[tuple[str, files.CheckedFile]]) -> list:
    added = []
    for filename, upload in checked:
        stem = clean_filename(filename).rsplit(".", 1)[0][:150] or "附件"
        attachment = ReportAttachment(
            report_id=report.id, filename=f"{stem}.{upload.extension}", content_type=upload.content_type,
            size=len(upload.data), sha256=upload.sha256, stored_name=files.store(upload),
            uploaded_by_id=getattr(actor, "id", None))
        db.session.add(attachment)
        added.append(attachment)
    if added:
        db.session.flush()
        audit.record(actor, "attach", report, {"attachments": [None, [a.filename for a in added]]},
                     summary=f"{report.period} 附件 {len(added)} 个")
    return added


def _latest_figure(indicator: TaskIndicator) -> IndicatorFigure | None:
    return db.session.scalar(select(IndicatorFigure).where(IndicatorFigure.indicator_id == indicator.id)
                             .order_by(IndicatorFigure.period.desc()).limit(1))


def review_report(actor, report: ProgressReport, confirm: bool, comment: str = "",
                  version: int | None = None, on: date | None = None) -> ProgressReport:
    """The lead unit confirms a report (its figures become the period's confirmed figures,
    replacing any earlier one for the same indicator and period) or returns it with a comment."""
    item = report.item
    require_lead(actor, item)
    if version is not None and version != report.version:
        raise TaskRefused("该报告已被他人修改或处理，请刷新后重试")
    if report.status != "submitted":
        raise TaskRefused(f"该报告{report.status_label}，不能重复处理")
    if not confirm and not comment.strip():
        raise TaskRefused("退回必须填写意见", fields={"comment": ["退回必须填写意见"]}, status=422)
    changes = audit.apply_changes(report, {"status": "confirmed" if confirm else "returned",
                                           "review_comment": comment.strip()[:500]})
    report.reviewed_by_id = getattr(actor, "id", None)
    report.reviewed_at = utcnow()
    if confirm:
        for value in report.values:
            figure = db.session.scalar(select(IndicatorFigure).where(
                IndicatorFigure.indicator_id == value.indicator_id,
                IndicatorFigure.period == report.period))
            if figure is None:
                db.session.add(IndicatorFigure(indicator_id=value.indicator_id, period=report.period,
                                               value=value.value, report_id=report.id))
            else:
                changes[f"figure_{value.indicator_id}"] = [figure.value, value.value]
                figure.value, figure.report_id, figure.confirmed_at = value.value, report.id, utcnow()
        db.session.flush()
        for value in report.values:
            latest = _latest_figure(value.indicator)
            value.indicator.actual = latest.value if latest else None
            value.indicator.actual_period = latest.period if latest else None
    db.session.flush()
    audit.record(actor, "confirm" if confirm else "return", report, changes,
                 summary=f"{item.code} {report.unit.name} {report.period}")
    if not confirm:
        inbox.notify_unit(report.unit_id, f"{item.code} {report.period} 进度被退回：{comment[:60]}",
                          link=f"/tasks/items/{item.id}/report?period={report.period}",
                          kind="task_report")
    refresh_lights(item.plan, on)
    return report


# --- completion -------------------------------------------------------------------------------

def request_completion(actor, item: TaskItem, evidence: str) -> None:
    require_lead(actor, item)
    if item.status == "done":
        raise TaskRefused("该事项已完成")
    if not evidence.strip():
        raise TaskRefused("报结必须提供完成佐证", fields={"evidence": ["请填写完成佐证"]}, status=422)
    changes = audit.apply_changes(item, {"done_evidence": evidence.strip()})
    item.done_requested_at = utcnow()
    item.done_requested_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "request_done", item, changes, summary=f"{item.code} 申请报结")
    inbox.notify_unit(item.plan.office_unit_id, f"{item.code} {item.title} 申请报结，待验收",
                      link=f"/tasks/items/{item.id}", kind="task_done")


def accept_completion(actor, item: TaskItem, accept: bool, comment: str = "",
                      on: date | None = None) -> None:
    require_office(actor, item.plan)
    if item.status == "done":
        raise TaskRefused("该事项已完成")
    if item.done_requested_at is None:
        raise TaskRefused("牵头单位尚未申请报结")
    if accept:
        changes = audit.apply_changes(item, {"status": "done"})
        item.done_accepted_at = utcnow()
        item.done_accepted_by_id = getattr(actor, "id", None)
    else:
        if not comment.strip():
            raise TaskRefused("不予验收必须说明理由", fields={"comment": ["请填写理由"]}, status=422)
        changes = {"done_requested_at": [item.done_requested_at.isoformat(), None]}
        item.done_requested_at = None
    db.session.flush()
    audit.record(actor, "accept_done" if accept else "reject_done", item,
                 {**changes, "comment": [None, comment.strip()]} if comment.strip() else changes,
                 summary=f"{item.code} {'验收通过' if accept else '不予验收'}")
    for lead in item.lead_units:
        inbox.notify_unit(lead.id, f"{item.code} 报结{'已验收' if accept else '未通过验收'}",
                          link=f"/tasks/items/{item.id}", kind="task_done")
    refresh_lights(item.plan, on)


# --- 督办单 -----------------------------------------------------------------------------------

def issue_directive(actor, item: TaskItem, unit: Unit, request: str, reply_by: date) -> Directive:
    require_office(actor, item.plan)
    if unit not in item.lead_units:
        raise TaskRefused("督办单发给该事项的牵头单位", fields={"unit_id": ["请选择牵头单位"]},
                          status=422)
    if reply_by < today():
        raise TaskRefused("回复期限不能早于今天", fields={"reply_by": ["回复期限不能早于今天"]},
                          status=422)
    directive = Directive(item_id=item.id, unit_id=unit.id, request=request.strip(),
                          reply_by=reply_by, issued_by_id=getattr(actor, "id", None))
    db.session.add(directive)
    db.session.flush()
    audit.record(actor, "create", directive, audit.snapshot(
        {"unit": unit.name, "request": directive.request, "reply_by": reply_by}),
        summary=f"{item.code} 督办 {unit.name}")
    inbox.notify_unit(unit.id, f"督办单：{item.code} {item.title}（{reply_by} 前回复）",
                      link=f"/tasks/items/{item.id}#directive-{directive.id}", kind="task_directive",
                      body=directive.request[:200])
    return directive


def reply_directive(actor, directive: Directive, reply: str) -> None:
    if not is_unit_of(actor, directive):
        raise NotYourItem()
    if directive.status != "open":
        raise TaskRefused("该督办单已回复")
    if not reply.strip():
        raise TaskRefused("请填写回复内容", fields={"reply": ["请填写回复内容"]}, status=422)
    changes = audit.apply_changes(directive, {"reply": reply.strip(), "status": "replied"})
    directive.replied_at = utcnow()
    directive.replied_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "reply", directive, changes, summary=f"{directive.item.code} 督办回复")
    inbox.notify_unit(directive.item.plan.office_unit_id, f"{directive.unit.name} 回复了 "
                      f"{directive.item.code} 督办单", link=f"/tasks/items/{directive.item_id}",
                      kind="task_directive")


def close_directive(actor, directive: Directive) -> None:
    require_office(actor, directive.item.plan)
    if directive.status != "replied":
        raise TaskRefused("只有已回复的督办单可以办结")
    changes = audit.apply_changes(directive, {"status": "closed"})
    db.session.flush()
    audit.record(actor, "close", directive, changes, summary=f"{directive.item.code} 督办办结")


# --- who owes a report, reminders ------------------------------------------------------------

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


def send_reminders(plan: TaskPlan, on: date | None = None) -> int:
    """At a month's end, each unit that owes its report gets one notification per item and month.

    Idempotent: the key names plan, item and period, so running the sweep again notifies nobody twice.
    """
    on = on or today()
    period = last_complete_period(on)
    if period < period_of(plan.starts_on):
        return 0
    sent = 0
    for missing in missing_reports(plan, period):
        for item in missing.items:
            sent += inbox.notify_unit(
                missing.unit.id, f"请报送 {item.code} {item.title} {period} 工作进度",
                link=f"/tasks/items/{item.id}/report?period={period}", kind="task_reminder",
                key=f"tasks:{plan.id}:{item.id}:{period}")
    return sent


def sweep(on: date | None = None) -> dict:
    """The daily job: reminders for the last month and the lights of every plan."""
    result = {"reminders": 0, "lights": 0}
    for plan in plans():
        result["reminders"] += send_reminders(plan, on)
        result["lights"] += refresh_lights(plan, on)
    return result


# --- reporting discipline, for the 调度 view ---------------------------------------------------

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
    on = on or today()
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


# --- settings and copies ----------------------------------------------------------------------

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


def update_indicator(actor, indicator: TaskIndicator, values: Mapping, on: date | None = None) -> dict:
    require_office(actor, indicator.plan)
    values = {k: values[k] for k in INDICATOR_FIELDS if k in values}
    if not indicator.is_growth:
        values.pop("baseline_value", None)
    changes = audit.apply_changes(indicator, values)
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


def copy_plan(actor, plan: TaskPlan, name: str, year: int) -> TaskPlan:
    """Next year's plan: the same actions, items, units and indicators, every date moved by the
    difference in years; no reports, figures or lights are carried over."""
    require_office(actor, plan)
    if db.session.scalar(select(TaskPlan.id).where(TaskPlan.name == name)):
        raise TaskRefused("已有同名工作方案", fields={"name": ["已有同名工作方案"]})
    shift = year - plan.year
    copy = TaskPlan(name=name, year=year, starts_on=_shift_year(plan.starts_on, shift),
                    ends_on=_shift_year(plan.ends_on, shift), goals=plan.goals,
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
                                deadline=_shift_year(item.deadline, shift))
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
            metric_key=indicator.metric_key,
            deadline=_shift_year(indicator.deadline, shift) if indicator.deadline else None))
    db.session.flush()
    audit.record(actor, "copy", copy, audit.snapshot({"name": name, "year": year,
                                                      "copied_from": plan.name}), summary=name)
    return copy


# --- the seed plan ----------------------------------------------------------------------------

def _unit(name: str, units: dict[str, Unit]) -> Unit:
    unit = units.get(name)
    if unit is None:
        raise LookupError(f"unit {name!r} of the work plan is not seeded")
    return unit


def seed_work_plan() -> int:
    """Load 双牌县打好科技创新攻坚仗工作方案 exactly (see seed_plan.py); 0 when already there."""
    if db.session.scalar(select(TaskPlan.id).where(TaskPlan.name == seed_plan.PLAN_NAME)):
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
            db.session.add(TaskIndicator(plan_id=plan.id, position=position, **where, **spec))

    add_indicators(seed_plan.GOAL_INDICATORS, scope="goal", deadline=seed_plan.ENDS_ON)
    by_code = {}
    for number, (numeral, title, text) in enumerate(seed_plan.ACTIONS, start=1):
        action = TaskAction(plan_id=plan.id, position=number, numeral=numeral, title=title, text=text)
        db.session.add(action)
        db.session.flush()
        item_rows = [row for row in seed_plan.ITEMS if row[0].startswith(f"{number}.")]
        for code, item_title, item_text, leads, responsible, deadline in item_rows:
            item = TaskItem(action_id=action.id, position=int(code.split(".")[1]), code=code,
                            title=item_title, text=item_text, deadline=deadline)
            links = [("lead", name) for name in leads] + [("responsible", name) for name in responsible]
            item.unit_links = [TaskItemUnit(unit_id=_unit(name, units).id, role=role, position=n)
                               for n, (role, name) in enumerate(links)]
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


def unit_items(unit_id: int) -> list[TaskItem]:
    return list(db.session.scalars(items_query(unit_id=unit_id)))


def count_by_light(plan: TaskPlan, judge: Evaluator) -> dict[str, int]:
    counts = {"red": 0, "yellow": 0, "green": 0, "done": 0}
    for item in plan.items:
        counts[judge.item(item).light] += 1
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
