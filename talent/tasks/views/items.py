"""One item: its page, reports and their review, attachments, completion."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from talent.core import audit, features, timeutil
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.tasks import files, operations
from talent.tasks.files import FileRefused
from talent.tasks.forms import (
    AcceptForm,
    CompletionForm,
    DirectiveForm,
    ReplyForm,
    ReviewForm,
    report_form_class,
)
from talent.tasks.lights import last_complete_period
from talent.tasks.models import ProgressReport, ReportAttachment
from talent.tasks.views.common import _form_errors, _item, _no_store, bp, forbidden_when_not_theirs


@bp.get("/items/<int:task_item_id>")
@require(Permission.TASKS_READ)
def item_detail(task_item_id: int):
    item = _item(task_item_id)
    user = acting_user()
    plan = operations.load_plan(item.action.plan_id)
    judge = operations.evaluator(plan)
    directive_form = DirectiveForm(data={"reply_by": None})
    directive_form.unit_id.set_options([(u.id, u.name) for u in item.all_units])
    return render_template(
        "tasks/item.html", item=item, plan=plan, judge=judge, verdict=judge.item(item),
        reports=operations.reports_of(item), history=operations.light_history(item),
        directives=operations.directives_of(item), today=timeutil.today(),
        can_report=bool(operations.reporting_units(user, item)),
        lead=operations.is_lead(user, item), office=operations.is_office(user, plan),
        convener=operations.is_convener(user),
        my_unit=operations.acting_unit(user), review_form=ReviewForm(), completion_form=CompletionForm(),
        accept_form=AcceptForm(), directive_form=directive_form, reply_form=ReplyForm(),
        audit_history=audit.history("task_items", item.id), action_labels=features.audit_actions(),
        reviewer_refusal=lambda report: operations.reviewer_refusal(user, report),
        contributions_of=operations.contributions_of([i for i in item.indicators if i.source == "reported"]))


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
    period = (request.args.get("period") or "")[:7] or last_complete_period(timeutil.today())
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
@require(Permission.TASKS_REVIEW)
@forbidden_when_not_theirs
def review(task_report_id: int):
    report = db.session.get(ProgressReport, task_report_id) or abort(404)
    operations.require_reviewer(acting_user(), report)
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
