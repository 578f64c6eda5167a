
from flask import url_for

from talent.auth.units import wording as unit_wording
from talent.core import timeutil
from talent.core.features import Feature, MenuEntry, Panel
from talent.core.permissions import Permission
from talent.tasks import api, demo, metric_figures, models, openapi, operations, views
from talent.tasks.lights import last_complete_period, period_of


def _my_items_panel(user):
    """A unit's items to report on this month, and 督办单 waiting for its reply."""
    if not user.can(Permission.TASKS_REPORT):
        return None
    unit = operations.acting_unit(user)
    if unit is None:
        return None
    items = operations.unit_items(unit.id, active_only=True)  # a closed plan is history
    if not items:
        return None
    period = last_complete_period(timeutil.today())
    filed = {item_id for item_id, periods in operations.reported_periods(
        [i.id for i in items], since=period).items() if period in periods}
    due = [i for i in items if i.status != "done"
           and period_of(i.plan.starts_on) <= period <= period_of(i.plan.ends_on)]
    owed = operations.missing_reports_for_unit(unit.id, due, period)
    return {"unit": unit, "items": items, "period": period, "owed": owed, "filed": filed,
            "directives": operations.open_directives(unit_id=unit.id), "today": timeutil.today()}


def _office_panel(user):
    if not user.can(Permission.TASKS_READ) or (user.role == "unit" and not any(
            operations.is_office(user, plan) for plan in operations.plans())):
        return None
    plans = operations.active_plans()  # current work only
    if not plans:
        return None
    plan = operations.load_plan(plans[0].id)
    judge = operations.evaluator(plan)
    return {"plan": plan, "counts": operations.count_by_light(plan, judge),
            "directives": operations.open_directives(plan_id=plan.id), "today": timeutil.today()}


def _home(user) -> str | None:
    """The 专班 leader's home is the 调度 view of the running plan."""
    if user.role != "leader":
        return None
    plans = operations.active_plans()
    return url_for("tasks.dashboard", task_plan_id=plans[0].id) if plans else url_for("tasks.plan_list")


def _daily(today) -> dict[str, int]:
    """``flask sweep``: remind units that owe last month's report, and record light changes."""
    result = operations.sweep(today)
    return {"催报提醒": result["reminders"], "灯色变化": result["lights"], "督办升级": result["escalations"]}


def _setup(app) -> None:
    app.after_request(metric_figures.keep_stored)


def _light_badge(light: str | None) -> str:
    return {"red": "text-bg-danger", "yellow": "text-bg-warning", "green": "text-bg-success",
            "done": "text-bg-secondary", "missed": "text-bg-dark"}.get(light or "", "text-bg-light")


feature = Feature(
    name="tasks",
    blueprints=(views.bp,),
    api_blueprints=(api.bp,),
    menu=(MenuEntry("tasks.plan_list", "督查督办", "list-check", Permission.TASKS_READ, order=40),),
    panels=(Panel("tasks/panels/my_items.html", _my_items_panel, order=30, own_work=True),
            Panel("tasks/panels/office.html", _office_panel, order=31)),
    audit_objects={"task_plans": "工作方案", "task_items": "工作事项", "task_reports": "进度报告",
                   "task_directives": "督办单"},
    audit_actions={"confirm": "确认", "return": "退回", "request_done": "申请报结",
                   "accept_done": "验收通过", "reject_done": "不予验收", "reply": "回复",
                   "close": "办结", "copy": "复制方案", "attach": "上传附件",
                   "acknowledge": "签收", "escalate": "逾期升级"},
    audit_fields=lambda: {
        "task_reports": {"narrative": "工作进展", "problems": "存在问题", "status": "状态",
                         "values": "指标数值", "review_comment": "审核意见", "attachments": "附件"},
        "task_items": {"done_evidence": "完成佐证", "status": "状态", "comment": "意见"},
        "task_directives": {"unit": "督办单位", "request": "督办事项", "reply_by": "回复期限",
                            "reply": "回复", "status": "状态"},
        "task_plans": {"tolerance": "序时进度容差", "name": "名称", "year": "年度",
                       "copied_from": "复制自", "format": "格式"}},
    audit_values={("task_reports", "status"): models.REPORT_STATUSES,
                  ("task_items", "status"): models.ITEM_STATUSES,
                  ("task_directives", "status"): models.DIRECTIVE_STATUSES},
    openapi=openapi.openapi,
    seed=operations.seed_work_plan,
    demo=demo.load,
    template_globals={"light_labels": models.LIGHT_LABELS, "light_badge": _light_badge,
                      "unit_wording": unit_wording},
    daily=_daily,
    background=metric_figures.refresh_due,
    home=_home,
    setup=_setup,
)
