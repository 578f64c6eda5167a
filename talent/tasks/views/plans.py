"""Plan pages: the list, a plan, its 调度 dashboard, who owes a report, settings and copies."""

from flask import abort, flash, redirect, render_template, request, url_for

from talent.core import timeutil
from talent.core.forms import EmptyForm
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.tasks import operations
from talent.tasks.dashboard import dashboard_data
from talent.tasks.forms import (
    CopyForm,
    IndicatorValueForm,
    close_form_class,
    copy_review_form_class,
    settings_form_class,
)
from talent.tasks.lights import last_complete_period, period_of
from talent.tasks.models import TaskIndicator
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
    year = request.args.get("year", "")
    # computed indicators for one year of the plan's period (default: the latest so far)
    judge = operations.evaluator(plan, year=int(year) if year.isdigit() and int(year) in plan.years else None)
    return render_template(
        "tasks/plan.html", plan=plan, judge=judge, plans=operations.plans(),
        counts=operations.count_by_light(plan, judge), office=operations.is_office(user, plan),
        my_unit=operations.acting_unit(user),
        copy_form=CopyForm(data={"name": "", "year": max(plan.ends_on.year + 1, timeutil.today().year)}),
        value_units=lambda indicator: operations.value_units(user, indicator))


@bp.get("/plans/<int:task_plan_id>/dashboard")
@require(Permission.TASKS_READ)
def dashboard(task_plan_id: int):
    plan = _plan(task_plan_id)
    unit_id = request.args.get("unit", type=int)
    data = dashboard_data(plan, unit_id=unit_id)
    user = acting_user()
    waiting = operations.office_reports_waiting(plan) if operations.is_convener(user) else []
    return render_template("tasks/dashboard.html", plan=plan, data=data, unit_id=unit_id,
                           plans=operations.plans(), office=operations.is_office(user, plan),
                           waiting=waiting)


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
    # a closed plan is history: nobody owes it a report any more, and there is no 催报
    return render_template("tasks/missing.html", plan=plan, period=period,
                           missing=[] if plan.is_closed else operations.missing_reports(plan, period),
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
    """Two steps: the name and period, then every item's proposed deadline for review; nothing is
    saved until the office has seen (and may have changed) each deadline."""
    plan = _plan(task_plan_id)
    operations.require_office(acting_user(), plan)
    form = CopyForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return redirect(url_for(".plan_detail", task_plan_id=plan.id))
    default_start, default_end = operations.default_period(plan, form.year.data)
    starts_on, ends_on = form.starts_on.data or default_start, form.ends_on.data or default_end
    if ends_on < starts_on:
        flash("结束日期不能早于开始日期", "danger")
        return redirect(url_for(".plan_detail", task_plan_id=plan.id))
    proposed = operations.proposed_deadlines(plan, starts_on, ends_on)
    review = copy_review_form_class(plan.items)(
        data={"name": form.name.data.strip(), "year": form.year.data, "starts_on": starts_on,
              "ends_on": ends_on, **{f"deadline_{item_id}": day for item_id, day in proposed.items()}})
    if request.form.get("reviewed") == "1":
        review = copy_review_form_class(plan.items)()
        if review.validate_on_submit():
            deadlines = {item.id: review[f"deadline_{item.id}"].data for item in plan.items}
            new = operations.copy_plan(acting_user(), plan, form.name.data.strip(), form.year.data,
                                       starts_on, ends_on, deadlines)
            db.session.commit()
            flash(f"已复制为《{new.name}》（{starts_on} 至 {ends_on}），完成时限按确认的日期设置", "success")
            return redirect(url_for(".plan_detail", task_plan_id=new.id))
        _form_errors(review)
    return render_template("tasks/copy_review.html", plan=plan, form=review, starts_on=starts_on,
                           ends_on=ends_on, proposed=proposed)


@bp.route("/plans/<int:task_plan_id>/close", methods=["GET", "POST"])
@require(Permission.TASKS_SUPERVISE)
@forbidden_when_not_theirs
def close(task_plan_id: int):
    """The office closes the plan: the final evaluation and each item's outcome, proposed from
    its completion and light and reviewed before saving."""
    plan = _plan(task_plan_id)
    operations.require_office(acting_user(), plan)
    if plan.is_closed:
        flash(f"{plan.name}已结束", "info")
        return redirect(url_for(".plan_detail", task_plan_id=plan.id))
    proposed = operations.proposed_outcomes(plan)
    data = {}
    for item_id, (outcome, note) in proposed.items():
        data[f"outcome_{item_id}"], data[f"note_{item_id}"] = outcome, note
    form = close_form_class(plan.items)(data=data)
    if form.validate_on_submit():
        outcomes = {item.id: (form[f"outcome_{item.id}"].data, form[f"note_{item.id}"].data)
                    for item in plan.items}
        operations.close_plan(acting_user(), plan, form.final_evaluation.data, outcomes)
        db.session.commit()
        flash(f"{plan.name}已结束，事项结果已记录", "success")
        return redirect(url_for(".plan_detail", task_plan_id=plan.id))
    return render_template("tasks/close.html", plan=plan, form=form)


@bp.route("/indicators/<int:task_indicator_id>/values", methods=["GET", "POST"])
@require(Permission.TASKS_REPORT)
@forbidden_when_not_theirs
def indicator_values(task_indicator_id: int):
    """Goal and 工作任务 figures: the office (for itself or a member unit) or a lead unit enters
    them; each unit's figure is its own part."""
    indicator = db.session.get(TaskIndicator, task_indicator_id) or abort(404)
    if indicator.scope == "item":  # an item's figures come with its monthly reports
        flash("工作事项的指标随月度进度报送", "info")
        return redirect(url_for(".item_detail", task_item_id=indicator.item_id))
    units = operations.value_units(acting_user(), indicator)
    if not units:
        raise operations.NotYourItem()
    form = IndicatorValueForm(data={"period": last_complete_period(timeutil.today()),
                                    "unit_id": units[0].id})
    if form.validate_on_submit():
        unit = next((u for u in units if u.id == form.unit_id.data), units[0])
        operations.enter_value(acting_user(), indicator, form.period.data, form.value.data, unit,
                               (form.note.data or "").strip())
        db.session.commit()
        flash(f"已填报 {indicator.name}（{unit.name} {form.period.data}）", "success")
        return redirect(url_for(".indicator_values", task_indicator_id=indicator.id))
    _form_errors(form)
    plan = operations.load_plan(indicator.plan_id)
    judge = operations.evaluator(plan)
    return render_template("tasks/indicator_values.html", plan=plan, indicator=indicator, form=form,
                           units=units, judge=judge, contributions=operations.contributions(indicator))
