"""Task API of DESIGN.md: plans, tasks (items with their indicators), reports, indicators."""
from flask import Blueprint, abort, request, url_for
from sqlalchemy import select

from talent.auth.models import Unit
from talent.core.api import json_body, page_envelope, validated
from talent.core.errors import ApiError
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.timeutil import iso_utc
from talent.extensions import db
from talent.tasks import operations
from talent.tasks.forms import DirectiveForm, IndicatorValueForm, ReportForm, ReviewForm
from talent.tasks.lights import Evaluator
from talent.tasks.models import Directive, ProgressReport, TaskIndicator, TaskItem, TaskPlan
from talent.tasks.operations import NotYourItem

bp = Blueprint("tasks_api", __name__, url_prefix="/api/v1")


class Judges:
    """One evaluator per plan for the request, so metrics are computed once."""

    def __init__(self):
        self._by_plan: dict[int, Evaluator] = {}

    def __call__(self, plan: TaskPlan) -> Evaluator:
        if plan.id not in self._by_plan:
            # Loads the whole plan in a fixed number of queries (the page's items are the same objects).
            self._by_plan[plan.id] = operations.evaluator(operations.load_plan(plan.id))
        return self._by_plan[plan.id]


def indicator_body(indicator: TaskIndicator, judge: Evaluator) -> dict:
    figure, verdict = judge.figure(indicator), judge.indicator(indicator)
    return {
        "id": indicator.id, "plan_id": indicator.plan_id, "item_id": indicator.item_id,
        "scope": indicator.scope, "name": indicator.name, "measure": indicator.measure,
        "target": indicator.target, "comparison": indicator.comparison,
        "baseline_value": indicator.baseline_value, "baseline_year": indicator.baseline_year,
        "level_measure": indicator.level_measure or None,
        "source": indicator.source, "metric_key": indicator.metric_key,
        "connected": figure.connected, "source_note": figure.source_note,
        "actual": figure.value, "level": figure.level, "actual_period": indicator.actual_period,
        "progress": verdict.progress, "light": verdict.light, "light_reason": verdict.reason,
        "aggregation": indicator.aggregation, "cumulative": indicator.cumulative, "year": judge.year,
        "computed_at": iso_utc(figure.computed_at), "computed_stale": figure.stale,
        "named_units": [u.name for u in indicator.named_units],
    }


def item_body(item: TaskItem, judge: Evaluator) -> dict:
    verdict = judge.item(item)
    return {
        "id": item.id, "plan_id": item.action.plan_id, "code": item.code, "action": item.action.title,
        "title": item.title, "text": item.text,
        "lead_units": [u.name for u in item.lead_units],
        "responsible_units": [u.name for u in item.responsible_units],
        "deadline": item.deadline.isoformat(), "status": item.status,
        "light": verdict.light, "light_reason": verdict.reason,
        "outcome": item.outcome, "outcome_note": item.outcome_note or None,
        "indicators": [indicator_body(i, judge) for i in item.indicators],
    }


def plan_body(plan: TaskPlan, judge: Evaluator) -> dict:
    return {
        "id": plan.id, "name": plan.name, "year": plan.year, "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(), "status": plan.status,
        "final_evaluation": plan.final_evaluation or None, "closed_at": iso_utc(plan.closed_at),
        "copied_from_id": plan.copied_from_id, "office_unit": plan.office_unit.name,
        "convener": plan.convener, "deputy_conveners": plan.deputy_conveners,
        "member_units": [u.name for u in plan.member_units], "tolerance": plan.tolerance,
        "actions": [{"id": a.id, "numeral": a.numeral, "title": a.title,
                     "items": [i.code for i in a.items]} for a in plan.actions],
        "indicators": [indicator_body(i, judge) for i in plan.plan_indicators],
    }


def report_body(report: ProgressReport) -> dict:
    return {
        "id": report.id, "item_id": report.item_id, "unit": report.unit.name, "period": report.period,
        "narrative": report.narrative, "problems": report.problems, "status": report.status,
        "review_comment": report.review_comment, "version": report.version,
        "values": {str(v.indicator_id): v.value for v in report.values},
        "submitted_by_id": report.submitted_by_id, "reviewed_by_id": report.reviewed_by_id,
        "submitted_at": iso_utc(report.submitted_at), "reviewed_at": iso_utc(report.reviewed_at),
    }


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise ApiError(422, fields={name: ["应为整数编号"]})
    return int(raw)


@bp.get("/plans")
@require(Permission.TASKS_READ)
def plan_index():
    judges = Judges()
    page = paginate(select(TaskPlan).order_by(TaskPlan.year.desc(), TaskPlan.id), request.args)
    return page_envelope(page, lambda plan: plan_body(plan, judges(plan)))


@bp.get("/tasks")
@require(Permission.TASKS_READ)
def task_index():
    unit_id = None
    if request.args.get("unit"):
        unit = db.session.scalar(select(Unit).where(Unit.name == request.args["unit"][:60]))
        if unit is None:
            raise ApiError(422, fields={"unit": ["没有这个单位"]})
        unit_id = unit.id
    query = operations.items_query(plan_id=_int_arg("plan_id"), unit_id=unit_id)
    if request.args.get("code"):
        query = query.where(TaskItem.code == request.args["code"][:10])
    judges = Judges()
    page = paginate(query, request.args)
    return page_envelope(page, lambda item: item_body(item, judges(item.plan)))


def _task(task_id: int) -> TaskItem:
    return db.session.get(TaskItem, task_id) or abort(404)


@bp.get("/tasks/<int:task_id>")
@require(Permission.TASKS_READ)
def task_show(task_id: int):
    item = _task(task_id)
    return item_body(item, Judges()(item.plan))


@bp.get("/tasks/<int:task_id>/reports")
@require(Permission.TASKS_READ)
def report_index(task_id: int):
    item = _task(task_id)
    query = (select(ProgressReport).where(ProgressReport.item_id == item.id)
             .order_by(ProgressReport.period.desc(), ProgressReport.id.desc()))
    if request.args.get("period"):
        query = query.where(ProgressReport.period == request.args["period"][:7])
    return page_envelope(paginate(query, request.args), report_body)


def _values(raw) -> dict[int, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ApiError(422, fields={"values": ["应为对象：{指标编号: 数值}"]})
    values, bad = {}, []
    for key, value in raw.items():
        if not str(key).isdigit() or len(str(key)) > 9 or isinstance(value, bool) \
                or not isinstance(value, int | float) or value < 0 or value > 1e12:
            bad.append(str(key))
            continue
        values[int(key)] = float(value)
    if bad:
        raise ApiError(422, fields={"values": [f"指标编号应为整数、数值应为不小于0的数：{', '.join(bad)}"]})
    return values


@bp.post("/tasks/<int:task_id>/reports")
@require(Permission.TASKS_REPORT)
def report_create(task_id: int):
    item = _task(task_id)
    user = acting_user()
    units = operations.reporting_units(user, item)
    if not units:
        raise ApiError(403, "只有该事项牵头单位或责任单位的人员可以报送进度")
    data = json_body()
    values = _values(data.pop("values", None))
    unit_id = data.pop("unit_id", None)
    form = validated(ReportForm, data)
    if len(units) == 1:
        unit = units[0]
    else:
        unit = next((u for u in units if u.id == unit_id and not isinstance(unit_id, bool)), None)
        if unit is None:
            raise ApiError(422, fields={"unit_id": ["请指定报送单位（该事项的牵头或责任单位编号）"]})
    try:
        report = operations.submit_report(user, item, unit, form.period.data, form.narrative.data.strip(),
                                          values, (form.problems.data or "").strip())
    except NotYourItem:
        raise ApiError(403) from None
    db.session.commit()
    return report_body(report), 201, {"Location": url_for(".report_index", task_id=item.id)}


@bp.get("/indicators")
@require(Permission.TASKS_READ)
def indicator_index():
    query = select(TaskIndicator).order_by(TaskIndicator.plan_id, TaskIndicator.position)
    plan_id, item_id = _int_arg("plan_id"), _int_arg("item_id")
    if plan_id is not None:
        query = query.where(TaskIndicator.plan_id == plan_id)
    if item_id is not None:
        query = query.where(TaskIndicator.item_id == item_id)
    if request.args.get("source") in ("reported", "computed"):
        query = query.where(TaskIndicator.source == request.args["source"])
    judges = Judges()
    return page_envelope(paginate(query, request.args),
                         lambda indicator: indicator_body(indicator, judges(indicator.plan)))


@bp.get("/indicators/<int:task_indicator_id>")
@require(Permission.TASKS_READ)
def indicator_show(task_indicator_id: int):
    """One indicator for a year (``?year=YYYY``) or up to a month (``?period=YYYY-MM``) of its
    plan's period, with each unit's contribution."""
    indicator = db.session.get(TaskIndicator, task_indicator_id) or abort(404)
    plan = indicator.plan
    year, upto = _year_or_period(plan)
    judge = operations.evaluator(operations.load_plan(plan.id), year=year)
    body = indicator_body(indicator, judge)
    if upto is not None and indicator.source == "reported":
        value, period = operations.county_figure(indicator, upto)
        body.update({"actual": value, "actual_period": period})
    body["contributions"] = [c.as_dict() for c in operations.contributions(indicator, upto)]
    return body


def _year_or_period(plan: TaskPlan) -> tuple[int | None, str | None]:
    year, period = request.args.get("year"), request.args.get("period")
    if year and period:
        raise ApiError(422, fields={"year": ["year 与 period 只能给一个"]})
    if period:
        if not operations.PERIOD_PATTERN.match(period[:8]):
            raise ApiError(422, fields={"period": ["报告期应为 YYYY-MM"]})
        year = period[:4]
    if year is None:
        return None, None
    if not year.isdigit() or len(year) != 4 or not plan.starts_on.year <= int(year) <= plan.ends_on.year:
        message = f"应为方案期内的年度（{plan.starts_on.year}–{plan.ends_on.year}）"
        raise ApiError(422, fields={"period" if period else "year": [message]})
    return int(year), period or f"{year}-12"


@bp.post("/indicators/<int:task_indicator_id>/values")
@require(Permission.TASKS_REPORT)
def indicator_value_create(task_indicator_id: int):
    """A goal or 工作任务 figure, by the office (for itself or a member unit) or a lead unit."""
    indicator = db.session.get(TaskIndicator, task_indicator_id) or abort(404)
    user = acting_user()
    if indicator.scope == "item":  # whoever asks: these figures come with the monthly reports
        raise ApiError(422, "工作事项的指标随月度进度报送，请在该事项报送进度",
                       fields={"indicator": ["请在事项页报送进度"]})
    if not operations.value_units(user, indicator):
        raise ApiError(403, "只有专班办公室、该工作任务的牵头单位或指标上指定的单位可以填报该指标")
    form = validated(IndicatorValueForm, json_body())
    unit = None
    if form.unit_id.data is not None:
        unit = next((u for u in operations.value_units(user, indicator) if u.id == form.unit_id.data), None)
        if unit is None:
            raise ApiError(403, "不能代该单位填报")
    try:
        operations.enter_value(user, indicator, form.period.data, form.value.data, unit,
                               (form.note.data or "").strip())
    except NotYourItem:
        raise ApiError(403) from None
    db.session.commit()
    judge = operations.evaluator(operations.load_plan(indicator.plan_id))
    body = indicator_body(indicator, judge)
    body["contributions"] = [c.as_dict() for c in operations.contributions(indicator)]
    return body, 201, {"Location": url_for(".indicator_show", task_indicator_id=indicator.id)}


@bp.post("/reports/<int:task_report_id>/review")
@require(Permission.TASKS_REVIEW)
def report_review(task_report_id: int):
    """Confirm or return a report: 403 for the report's own submitter (four eyes) or a unit
    with no say on the item, 409 for a stale ``version``."""
    report = db.session.get(ProgressReport, task_report_id) or abort(404)
    user = acting_user()
    try:
        operations.require_reviewer(user, report)
    except NotYourItem:
        raise ApiError(403, "只有牵头单位或专班办公室可以审核该报告") from None
    data = json_body()
    if "version" not in data:
        raise ApiError(422, fields={"version": ["请提供 version"]})
    if isinstance(data["version"], bool) or not isinstance(data["version"], int):
        raise ApiError(422, fields={"version": ["version 应为整数"]})
    version = data.pop("version")
    form = validated(ReviewForm, data)
    operations.review_report(user, report, form.decision.data == "confirm",
                             (form.comment.data or "").strip(), version)
    db.session.commit()
    return report_body(report)


def directive_body(directive: Directive) -> dict:
    return {
        "id": directive.id, "number": directive.number, "item_id": directive.item_id,
        "unit": directive.unit.name, "unit_id": directive.unit_id, "grade": directive.grade,
        "responsible_person": directive.responsible_person or None, "request": directive.request,
        "reply_by": directive.reply_by.isoformat(),
        "acknowledge_by": directive.acknowledge_by.isoformat() if directive.acknowledge_by else None,
        "acknowledged_at": iso_utc(directive.acknowledged_at),
        "escalated_on": directive.escalated_on.isoformat() if directive.escalated_on else None,
        "status": directive.status, "reply": directive.reply or None,
        "replied_at": iso_utc(directive.replied_at), "created_at": iso_utc(directive.created_at),
    }


@bp.post("/tasks/<int:task_id>/directives")
@require(Permission.TASKS_SUPERVISE)
def directive_create(task_id: int):
    item = _task(task_id)
    user = acting_user()
    if not operations.is_office(user, item.plan):
        raise ApiError(403, "只有专班办公室可以发督办单")
    form = validated(_directive_form_for(item), json_body())
    unit = next(u for u in item.all_units if u.id == form.unit_id.data)
    directive = operations.issue_directive(user, item, unit, form.request.data, form.reply_by.data,
                                           form.grade.data, form.responsible_person.data or "")
    db.session.commit()
    return directive_body(directive), 201


def _directive_form_for(item: TaskItem):
    """The page's form with the item's units as the choices of ``unit_id``."""
    units = [(u.id, u.name) for u in item.all_units]

    class ItemDirectiveForm(DirectiveForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.unit_id.set_options(units)

    return ItemDirectiveForm


def _directive(directive_id: int) -> Directive:
    return db.session.get(Directive, directive_id) or abort(404)


@bp.post("/directives/<int:task_directive_id>/receipt")
@require(Permission.TASKS_REPORT)
def directive_receipt(task_directive_id: int):
    directive = _directive(task_directive_id)
    try:
        operations.acknowledge_directive(acting_user(), directive)
    except NotYourItem:
        raise ApiError(403, "只有被督办单位的人员可以签收") from None
    db.session.commit()
    return directive_body(directive)


@bp.post("/directives/<int:task_directive_id>/reply")
@require(Permission.TASKS_REPORT)
def directive_reply(task_directive_id: int):
    directive = _directive(task_directive_id)
    data = json_body()
    text = data.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > 3000:
        raise ApiError(422, fields={"text": ["请填写回复内容（不超过3000字）"]})
    try:
        operations.reply_directive(acting_user(), directive, text)
    except NotYourItem:
        raise ApiError(403, "只有被督办单位的人员可以回复") from None
    db.session.commit()
    return directive_body(directive)
