"""Pages of the task tracker: plans, items, reports, 督办, the 调度 view and its exports."""
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from talent.auth.models import Unit
from talent.core import audit, features
from talent.core.forms import EmptyForm
from talent.core.permissions import Permission, acting_user, require
from talent.core.spreadsheet import XLSX_MIMETYPE
from talent.extensions import db
from talent.tasks import export, files, operations
from talent.tasks.dashboard import dashboard_data
from talent.tasks.files import FileRefused
from talent.tasks.forms import (
    AcceptForm,
    CompletionForm,
    CopyForm,
    DirectiveForm,
    IndicatorForm,
    ItemForm,
    ReplyForm,
    ReviewForm,
    report_form_class,
    settings_form_class,
)
from talent.tasks.lights import last_complete_period, period_of
from talent.tasks.models import Directive, ProgressReport, ReportAttachment, TaskIndicator, TaskItem
from talent.tasks.operations import NotYourItem

bp = Blueprint("tasks", __name__, url_prefix="/tasks")

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def forbidden_when_not_theirs(view):
    """An object-level refusal (not this unit's item, not the office) is a 403."""

    @wraps(view)
    def guarded(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NotYourItem:
            abort(403)

    return guarded


def _plan(plan_id: int):
    return operations.load_plan(plan_id) or abort(404)


def _item(item_id: int) -> TaskItem:
    return db.session.get(TaskItem, item_id) or abort(404)


def _form_errors(form) -> None:
    for messages in form.errors.values():
        for message in messages:
            flash(message, "danger")


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
    default = last_complete_period(operations.today())
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


def _no_store(response):
    """An export is a record of its moment: never kept in a browser or proxy cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _export_audit(plan, kind: str) -> None:
    audit.record(acting_user(), "export", plan, {"format": [None, kind]}, summary=f"调度报告 {kind}")
    db.session.commit()


@bp.get("/plans/<int:task_plan_id>/report.docx")
@require(Permission.TASKS_EXPORT)
@forbidden_when_not_theirs
def report_docx(task_plan_id: int):
    plan = _plan(task_plan_id)
    _check_export(plan)
    output = export.docx_report(plan)
    _export_audit(plan, "docx")
    return _no_store(send_file(output, mimetype=DOCX_MIMETYPE, as_attachment=True,
                               download_name=f"{plan.name}调度报告-{operations.today():%Y%m%d}.docx"))


@bp.get("/plans/<int:task_plan_id>/report.xlsx")
@require(Permission.TASKS_EXPORT)
@forbidden_when_not_theirs
def report_xlsx(task_plan_id: int):
    plan = _plan(task_plan_id)
    _check_export(plan)
    output = export.xlsx_report(plan)
    _export_audit(plan, "xlsx")
    return _no_store(send_file(output, mimetype=XLSX_MIMETYPE, as_attachment=True,
                               download_name=f"{plan.name}调度表-{operations.today():%Y%m%d}.xlsx"))


def _check_export(plan) -> None:
    """The 调度 report is for the office and 县委组织部 (and the admin)."""
    user = acting_user()
    if user.role == "unit":
        operations.require_office(user, plan)


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


# --- the plan as data: items and indicators, edited by the office -----------------------------

def _unit_choices() -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in db.session.scalars(select(Unit).order_by(Unit.sort_order, Unit.id))]


@bp.route("/items/<int:task_item_id>/edit", methods=["GET", "POST"])
@require(Permission.TASKS_SUPERVISE)
@forbidden_when_not_theirs
def item_edit(task_item_id: int):
    item = _item(task_item_id)
    operations.require_office(acting_user(), item.plan)
    form = ItemForm(obj=item, data=None if request.method == "POST" else {
        "lead_unit_ids": [u.id for u in item.lead_units],
        "responsible_unit_ids": [u.id for u in item.responsible_units]})
    for units_field in (form.lead_unit_ids, form.responsible_unit_ids):
        units_field.choices = _unit_choices()
    if form.validate_on_submit():
        operations.update_item(acting_user(), item, {"title": form.title.data.strip(),
                                                     "text": form.text.data.strip(),
                                                     "deadline": form.deadline.data},
                               form.lead_unit_ids.data, form.responsible_unit_ids.data or [])
        db.session.commit()
        flash(f"已保存 {item.code}", "success")
        return redirect(url_for(".item_detail", task_item_id=item.id))
    return render_template("tasks/item_form.html", item=item, form=form)


def _indicator_page(item: TaskItem, indicator: TaskIndicator | None):
    form = IndicatorForm(obj=indicator)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in operations.INDICATOR_FIELDS}
        if indicator is None:
            operations.add_indicator(acting_user(), item, values)
        else:
            operations.update_indicator(acting_user(), indicator, values)
        db.session.commit()
        flash("指标已保存", "success")
        return redirect(url_for(".item_detail", task_item_id=item.id) if item else
                        url_for(".plan_detail", task_plan_id=indicator.plan_id))
    return render_template("tasks/indicator_form.html", item=item, indicator=indicator, form=form)


@bp.route("/items/<int:task_item_id>/indicators/new", methods=["GET", "POST"])
@require(Permission.TASKS_SUPERVISE)
@forbidden_when_not_theirs
def indicator_new(task_item_id: int):
    item = _item(task_item_id)
    operations.require_office(acting_user(), item.plan)
    return _indicator_page(item, None)


@bp.route("/indicators/<int:task_indicator_id>/edit", methods=["GET", "POST"])
@require(Permission.TASKS_SUPERVISE)
@forbidden_when_not_theirs
def indicator_edit(task_indicator_id: int):
    indicator = db.session.get(TaskIndicator, task_indicator_id) or abort(404)
    operations.require_office(acting_user(), indicator.plan)
    return _indicator_page(indicator.item, indicator)


# --- one item ---------------------------------------------------------------------------------

@bp.get("/items/<int:task_item_id>")
@require(Permission.TASKS_READ)
def item_detail(task_item_id: int):
    item = _item(task_item_id)
    user = acting_user()
    plan = operations.load_plan(item.action.plan_id)
    judge = operations.evaluator(plan)
    directive_form = DirectiveForm(data={"reply_by": None})
    directive_form.unit_id.set_options([(u.id, u.name) for u in item.lead_units])
    return render_template(
        "tasks/item.html", item=item, plan=plan, judge=judge, verdict=judge.item(item),
        reports=operations.reports_of(item), history=operations.light_history(item),
        directives=operations.directives_of(item), today=operations.today(),
        can_report=bool(operations.reporting_units(user, item)),
        lead=operations.is_lead(user, item), office=operations.is_office(user, plan),
        my_unit=operations.acting_unit(user), review_form=ReviewForm(), completion_form=CompletionForm(),
        accept_form=AcceptForm(), directive_form=directive_form, reply_form=ReplyForm(),
        audit_history=audit.history("task_items", item.id), action_labels=features.audit_actions())


@bp.route("/items/<int:task_item_id>/report", methods=["GET", "POST"])
@require(Permission.TASKS_REPORT)
def report(task_item_id: int):
    item = _item(task_item_id)
    user = acting_user()
    units = operations.reporting_units(user, item)
    if not units:
        abort(403)
    indicators = operations.reportable_indicators(item)
    form_class = report_form_class(indicators, with_unit=len(units) > 1)
    period = (request.args.get("period") or "")[:7] or last_complete_period(operations.today())
    form = form_class(data={"period": period})
    if len(units) > 1:
        form.unit_id.set_options([(u.id, u.name) for u in units])
    upload_error = None
    if form.validate_on_submit():
        uploads = [(f.filename or "附件", f.read()) for f in request.files.getlist("attachments")
                   if f and f.filename]
        try:
            checked = operations.check_uploads(uploads)
        except FileRefused as error:
            upload_error = str(error)
        else:
            unit = next(u for u in units if len(units) == 1 or u.id == form.unit_id.data)
            values = {i.id: getattr(form, f"value_{i.id}").data for i in indicators
                      if getattr(form, f"value_{i.id}").data is not None}
            report = operations.submit_report(user, item, unit, form.period.data,
                                              form.narrative.data.strip(), values,
                                              (form.problems.data or "").strip())
            operations.attach(user, report, checked)
            db.session.commit()
            flash(f"已报送 {item.code} {form.period.data} 进度，待牵头单位确认", "success")
            return redirect(url_for(".item_detail", task_item_id=item.id))
    elif request.method == "GET" and len(units) == 1:
        _prefill(form, item, units[0], period, indicators)
    return render_template("tasks/report_form.html", item=item, form=form, indicators=indicators,
                           units=units, upload_error=upload_error)


def _prefill(form, item, unit, period: str, indicators) -> None:
    """A report being re-filed (returned, or not yet confirmed) opens with what was sent."""
    existing = db.session.scalar(select(ProgressReport).where(
        ProgressReport.item_id == item.id, ProgressReport.unit_id == unit.id,
        ProgressReport.period == period))
    if existing is None:
        return
    form.narrative.data, form.problems.data = existing.narrative, existing.problems
    for indicator in indicators:
        getattr(form, f"value_{indicator.id}").data = existing.value_of(indicator.id)


@bp.get("/attachments/<int:task_attachment_id>")
@require(Permission.TASKS_READ)
def attachment(task_attachment_id: int):
    found = db.session.get(ReportAttachment, task_attachment_id) or abort(404)
    path = files.path_of(found.stored_name) or abort(404)
    return _no_store(send_file(path, mimetype=found.content_type, as_attachment=True,
                               download_name=found.filename))


@bp.post("/reports/<int:task_report_id>/review")
@require(Permission.TASKS_REPORT)
@forbidden_when_not_theirs
def review(task_report_id: int):
    report = db.session.get(ProgressReport, task_report_id) or abort(404)
    operations.require_lead(acting_user(), report.item)
    form = ReviewForm()
    if form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        operations.review_report(acting_user(), report, form.decision.data == "confirm",
                                 form.comment.data or "", version)
        db.session.commit()
        flash("已确认" if report.status == "confirmed" else "已退回", "success")
    else:
        _form_errors(form)
    return redirect(url_for(".item_detail", task_item_id=report.item_id))


@bp.post("/items/<int:task_item_id>/complete")
@require(Permission.TASKS_REPORT)
@forbidden_when_not_theirs
def complete(task_item_id: int):
    item = _item(task_item_id)
    operations.require_lead(acting_user(), item)
    form = CompletionForm()
    if form.validate_on_submit():
        operations.request_completion(acting_user(), item, form.evidence.data)
        db.session.commit()
        flash("已申请报结，待专班办公室验收", "success")
    else:
        _form_errors(form)
    return redirect(url_for(".item_detail", task_item_id=item.id))


@bp.post("/items/<int:task_item_id>/accept")
@require(Permission.TASKS_SUPERVISE)
@forbidden_when_not_theirs
def accept(task_item_id: int):
    item = _item(task_item_id)
    operations.require_office(acting_user(), item.plan)
    form = AcceptForm()
    if form.validate_on_submit():
        operations.accept_completion(acting_user(), item, form.decision.data == "accept",
                                     form.comment.data or "")
        db.session.commit()
        flash("已验收，事项标记为完成" if item.status == "done" else "已退回报结申请", "success")
    else:
        _form_errors(form)
    return redirect(url_for(".item_detail", task_item_id=item.id))


@bp.post("/items/<int:task_item_id>/directives")
@require(Permission.TASKS_SUPERVISE)
@forbidden_when_not_theirs
def directive_new(task_item_id: int):
    item = _item(task_item_id)
    operations.require_office(acting_user(), item.plan)
    form = DirectiveForm()
    form.unit_id.set_options([(u.id, u.name) for u in item.lead_units])
    if form.validate_on_submit():
        unit = next(u for u in item.lead_units if u.id == form.unit_id.data)
        operations.issue_directive(acting_user(), item, unit, form.request.data, form.reply_by.data)
        db.session.commit()
        flash(f"已向 {unit.name} 发出督办单", "success")
    else:
        _form_errors(form)
    return redirect(url_for(".item_detail", task_item_id=item.id))


@bp.post("/directives/<int:task_directive_id>/reply")
@require(Permission.TASKS_REPORT)
@forbidden_when_not_theirs
def directive_reply(task_directive_id: int):
    directive = db.session.get(Directive, task_directive_id) or abort(404)
    form = ReplyForm()
    if form.validate_on_submit():
        operations.reply_directive(acting_user(), directive, form.reply.data)
        db.session.commit()
        flash("已回复督办单", "success")
    else:
        if not operations.is_unit_of(acting_user(), directive):
            abort(403)
        _form_errors(form)
    return redirect(url_for(".item_detail", task_item_id=directive.item_id))


@bp.post("/directives/<int:task_directive_id>/close")
@require(Permission.TASKS_SUPERVISE)
@forbidden_when_not_theirs
def directive_close(task_directive_id: int):
    directive = db.session.get(Directive, task_directive_id) or abort(404)
    operations.require_office(acting_user(), directive.item.plan)
    if EmptyForm().validate_on_submit():
        operations.close_directive(acting_user(), directive)
        db.session.commit()
        flash("督办单已办结", "success")
    return redirect(url_for(".item_detail", task_item_id=directive.item_id))
