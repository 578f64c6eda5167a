"""Plan pages: the list, a plan, its 调度 dashboard, who owes a report, settings and copies."""

from flask import flash, redirect, render_template, request, url_for

from talent.core import timeutil
from talent.core.forms import EmptyForm
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.tasks import operations
from talent.tasks.dashboard import dashboard_data
from talent.tasks.forms import (
    CopyForm,
    settings_form_class,
)
from talent.tasks.lights import last_complete_period, period_of
from talent.tasks.views.common import _form_errors, _plan, bp, forbidden_when_not_theirs


@bp.get("")
@require(Permission.TASKS_READ)
def plan_list():
    plans = operations.plans()
    if len(plans) == 1:
        return redirect(url_for(".plan_detail", task_plan_id=plans[0].id))
    return render_template("tasks/plans.html", plans=plans)


@bp.get("/plans/<int:task_plan_id>")
@require(Permission.TASKS_READ)
def plan_detail(task_plan_id: int):
    plan = _plan(task_plan_id)
    user = acting_user()
    judge = operations.evaluator(plan)
    return render_template(
        "tasks/plan.html", plan=plan, judge=judge, plans=operations.plans(),
        counts=operations.count_by_light(plan, judge), office=operations.is_office(user, plan),
        my_unit=operations.acting_unit(user), copy_form=CopyForm(data={"name": "", "year": plan.year + 1}))


@bp.get("/plans/<int:task_plan_id>/dashboard")
@require(Permission.TASKS_READ)
def dashboard(task_plan_id: int):
    plan = _plan(task_plan_id)
    unit_id = request.args.get("unit", type=int)
    data = dashboard_data(plan, unit_id=unit_id)
    return render_template("tasks/dashboard.html", plan=plan, data=data, unit_id=unit_id,
                           plans=operations.plans(), office=operations.is_office(acting_user(), plan))


@bp.get("/plans/<int:task_plan_id>/dashboard.json")
@require(Permission.TASKS_READ)
def dashboard_json(task_plan_id: int):
    plan = _plan(task_plan_id)
    data = dashboard_data(plan, unit_id=request.args.get("unit", type=int))
    return data.chart


@bp.get("/plans/<int:task_plan_id>/missing")
@require(Permission.TASKS_READ)
def missing(task_plan_id: int):
    plan = _plan(task_plan_id)
    default = last_complete_period(timeutil.today())
    period = request.args.get("period") or default
    if operations.check_period(plan, period) is not None:
        period = max(default, period_of(plan.starts_on))
    return render_template("tasks/missing.html", plan=plan, period=period,
                           missing=operations.missing_reports(plan, period),
                           office=operations.is_office(acting_user(), plan))


@bp.post("/plans/<int:task_plan_id>/remind")
@require(Permission.TASKS_SUPERVISE)
@forbidden_when_not_theirs
def remind(task_plan_id: int):
    plan = _plan(task_plan_id)
    operations.require_office(acting_user(), plan)
    if EmptyForm().validate_on_submit():
        sent = operations.send_reminders(plan)
        operations.refresh_lights(plan)
        db.session.commit()
        flash(f"已发送催报提醒 {sent} 条（已提醒过的不重复发送）", "success")
    return redirect(url_for(".missing", task_plan_id=plan.id))



@bp.route("/plans/<int:task_plan_id>/settings", methods=["GET", "POST"])
@require(Permission.TASKS_SUPERVISE)
@forbidden_when_not_theirs
def settings(task_plan_id: int):
    plan = _plan(task_plan_id)
    operations.require_office(acting_user(), plan)
    growth = [i for i in plan.indicators if i.is_growth]
    data = {"tolerance": plan.tolerance, **{f"baseline_{i.id}": i.baseline_value for i in growth}}
    form = settings_form_class(growth)(data=data)
    if form.validate_on_submit():
        baselines = {i.id: getattr(form, f"baseline_{i.id}").data for i in growth}
        operations.update_settings(acting_user(), plan, form.tolerance.data, baselines)
        db.session.commit()
        flash("参数已保存，灯色已重新评定", "success")
        return redirect(url_for(".plan_detail", task_plan_id=plan.id))
    return render_template("tasks/settings.html", plan=plan, form=form, growth=growth)


@bp.post("/plans/<int:task_plan_id>/copy")
@require(Permission.TASKS_SUPERVISE)
@forbidden_when_not_theirs
def copy(task_plan_id: int):
    plan = _plan(task_plan_id)
    operations.require_office(acting_user(), plan)
    form = CopyForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return redirect(url_for(".plan_detail", task_plan_id=plan.id))
    new = operations.copy_plan(acting_user(), plan, form.name.data.strip(), form.year.data)
    db.session.commit()
    flash(f"已复制为《{new.name}》，完成时限顺延 {new.year - plan.year} 年", "success")
    return redirect(url_for(".plan_detail", task_plan_id=new.id))
