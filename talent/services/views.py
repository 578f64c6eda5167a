"""Staff pages: the unit's queue, a request with its moves, filing for a talent (人才办), figures,
and the admin's service types and holiday calendar."""
from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from talent.core import audit, features, timeutil
from talent.core.permissions import Permission, acting_user, require
from talent.core.replica import reads_replica
from talent.core.spreadsheet import XLSX_MIMETYPE, write_xlsx
from talent.extensions import db
from talent.jobs.views import export_now_or_later
from talent.registry.models import Talent
from talent.services import attachments, export, workdays
from talent.services import operations as services
from talent.services.forms import MAX_ID, NoteForm, OverrideForm, RequestForm, ServiceTypeForm, TransitionForm
from talent.services.machine import MOVES
from talent.services.models import STATUSES, ServiceRequest, ServiceType

bp = Blueprint("services", __name__, url_prefix="/services")

# How the request's history names what changed.
FIELD_LABELS = {"number": "编号", "type": "服务事项", "talent_id": "人才", "unit": "办理单位",
                "unit_id": "办理单位", "status": "状态", "priority": "优先", "accept_due_on": "受理期限",
                "accepted_on": "受理日期", "due_on": "办结期限", "deadline_on": "当前期限",
                "overdue_since": "超期日期", "paused_on": "补件开始", "paused_days": "补件工作日",
                "completed_at": "办结时间", "completed_on": "办结日期", "on_time": "按时办结",
                "handling_days": "办理工作日", "closed_at": "关闭时间", "reopen_count": "重新办理次数",
                "rating": "评分", "rating_comment": "评价", "rated_at": "评价时间"}


def load_visible(request_id: int) -> ServiceRequest:
    """The request if this user may read it; someone else's is a 404, like one that does not exist."""
    req = db.session.scalar(services.visible_to(acting_user()).where(ServiceRequest.id == request_id))
    return req or abort(404)


def load_for_action(request_id: int) -> ServiceRequest:
    """For a move: a request this user cannot see is a 404 on every verb, as for GET (a 403
    naming its number let ids and numbers be enumerated); the operation still refuses a move
    the user may not make on a request they can see (403)."""
    return load_visible(request_id)


def uploaded_files() -> list:
    return attachments.check_all(request.files.getlist("attachments"))


def first_error(form) -> str:
    for messages in form.errors.values():
        if messages:
            return messages[0] if isinstance(messages, list) else str(messages)
    return "提交的内容不完整"


def send_attachment(req: ServiceRequest, attachment_id: int):
    row = services.attachment_of(req, attachment_id) or abort(404)
    try:
        path = attachments.path_of(row.stored_name)
    except ValueError:
        abort(404)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=row.content_type, download_name=row.filename,
                         as_attachment=row.content_type == "application/pdf", conditional=False)
    response.headers["Cache-Control"] = "no-store"  # personal documents: never in a shared cache
    return response


def type_choices() -> list[tuple[str, str]]:
    return [(t.code, t.name + ("（限持卡人）" if t.card_holders_only else ""))
            for t in services.types()]


# --- the queue ----------------------------------------------------------------------------------

@bp.get("")
@require(Permission.SERVICES_HANDLE)
def queue():
    user = acting_user()
    today = timeutil.today()
    query = export.queue_query(user, request.args)
    page = services.page_of(query, user, today, request.args)
    return render_template("services/queue.html", page=page, query=query, today=today,
                           statuses=STATUSES, types=services.types(), units=services.units(),
                           counts=services.queue_counts(user, today),
                           filtered=bool(set(request.args) - {"page", "per_page"}))


@bp.get("/export.xlsx")
@require(Permission.SERVICES_HANDLE)
def queue_export():
    """The queue as filtered, as a 台账; a long list goes to the worker (the jobs page)."""
    user = acting_user()
    query = export.queue_query(user, request.args)
    total = db.session.scalar(query.count(user, timeutil.today())) or 0
    return export_now_or_later(user, export.KIND, {"args": query.args()}, total,
                               lambda: export.write(user, query))


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.SERVICES_FILE_FOR_OTHERS)
def file_for_talent():
    form = RequestForm(type_choices=type_choices())
    talent = None
    if request.method == "GET" and request.args.get("talent_id", "").isdigit():
        form.talent_id.data = int(request.args["talent_id"][:9])
    if isinstance(form.talent_id.data, int) and 0 < form.talent_id.data <= MAX_ID:
        talent = db.session.get(Talent, form.talent_id.data)
    if form.validate_on_submit():
        if talent is None:
            form.talent_id.errors = ["没有这个人才编号"]
        else:
            req = services.file_request(acting_user(), talent, services.type_by_code(form.type.data),
                                        form.title.data, form.description.data, uploaded_files())
            db.session.commit()
            flash(f"已为{talent.name}提交 {req.number}，已通知{req.unit.name}", "success")
            return redirect(url_for(".detail", request_id=req.id))
    return render_template("services/file_for.html", form=form, talent=talent)


@bp.get("/<int:request_id>")
@require(Permission.SERVICES_HANDLE)
def detail(request_id: int):
    user = acting_user()
    req = load_visible(request_id)
    return render_template(
        "services/detail.html", req=req, today=timeutil.today(), moves=services.moves_for(user, req),
        events=services.timeline(req, include_internal=True), files=services.attachments_of(req),
        benefit=services.related_benefit(req, req.card_tier), units=services.units(),
        event_text=services.event_text, note_form=NoteForm(),
        can_note=bool(services.roles_of(user, req) & {"handler", "org", "admin"}),
        history=audit.history("service_requests", req.id), action_labels=features.audit_actions(),
        field_labels=FIELD_LABELS)


@bp.post("/<int:request_id>/transition")
@require(Permission.SERVICES_HANDLE)
def transition(request_id: int):
    req = load_for_action(request_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        flash(first_error(form), "danger")
        return redirect(url_for(".detail", request_id=req.id))
    event = services.transition(acting_user(), req, form.to.data, form.note.data or "", form.version.data,
                                unit_id=form.unit_id.data, files=uploaded_files())
    db.session.commit()
    status = STATUSES.get(req.status, req.status)
    flash(f"{req.number}：已记录“{MOVES[event.move].label}”，当前状态：{status}", "success")
    return redirect(url_for(".detail", request_id=req.id))


@bp.post("/<int:request_id>/notes")
@require(Permission.SERVICES_HANDLE)
def note(request_id: int):
    req = load_visible(request_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(first_error(form), "danger")
    else:
        services.add_note(acting_user(), req, form.text.data, bool(form.internal.data))
        db.session.commit()
        flash("已保存内部备注" if form.internal.data else "已回复，人才会收到站内消息", "success")
    return redirect(url_for(".detail", request_id=req.id))


@bp.get("/<int:request_id>/attachments/<int:attachment_id>")
@require(Permission.SERVICES_HANDLE)
def attachment(request_id: int, attachment_id: int):
    return send_attachment(load_visible(request_id), attachment_id)


# --- figures ------------------------------------------------------------------------------------

# The period a person can ask for: a mistyped year (0202, 20260) reads as a clear message.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def _period(say=flash) -> tuple[date, date]:
    """The period asked for, corrected where it cannot be read; ``say`` tells the person how."""
    start, end = services.default_period()
    try:
        if request.args.get("start"):
            start = date.fromisoformat(request.args["start"][:10])
        if request.args.get("end"):
            end = date.fromisoformat(request.args["end"][:10])
    except ValueError:
        say("日期格式应为 YYYY-MM-DD，已显示本年度", "warning")
        start, end = services.default_period()
    if end < start:
        say("开始日期晚于结束日期，已将两者对调", "info")
        start, end = end, start
    if start < EARLIEST or end > LATEST:
        say(f"可查询的日期为 {EARLIEST} 至 {LATEST}，已按此范围显示", "warning")
        start, end = max(start, EARLIEST), min(end, LATEST)
        start, end = min(start, LATEST), max(end, EARLIEST)
    return start, end


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


@bp.get("/figures")
@require(Permission.SERVICES_FIGURES)
@reads_replica
def figures():
    start, end = _period()
    return render_template("services/figures.html", rows=services.figures(start, end), start=start,
                           end=end, percent=_percent)


FIGURE_HEADERS = ["办理单位", "服务事项", "受理数", "办结数", "按时办结", "超期未办结", "按时办结率(%)",
                  "办理用时中位数(工作日)", "平均评分", "评价数", "重新办理数", "重新办理率(%)"]


@bp.get("/figures.xlsx")
@require(Permission.SERVICES_FIGURES)
@reads_replica(exact=True)
def figures_export():
    start, end = _period(say=lambda *_: None)  # a file cannot show a message; its name says the period
    rows = services.figures(start, end)
    output = write_xlsx("服务办理统计", FIGURE_HEADERS, (
        [f.unit, f.type, f.received, f.completed, f.on_time, f.late_open, f.on_time_rate, f.median_days,
         f.mean_rating, f.rated, f.reopened, f.reopen_rate] for f in rows),
        [16, 20, 8, 8, 10, 12, 14, 20, 10, 8, 12, 14])
    audit.record(acting_user(), "export", _ExportRef(), {"period": [None, f"{start}–{end}"],
                                                         "rows": [None, len(rows)]},
                 summary=f"服务办理统计 {start}–{end}")
    db.session.commit()
    stamp = datetime.now(timeutil.CHINA).strftime("%Y%m%d")
    response = send_file(output, mimetype=XLSX_MIMETYPE, as_attachment=True,
                         download_name=f"服务办理统计-{start}至{end}-{stamp}.xlsx")
    response.headers["Cache-Control"] = "no-store"
    return response


class _ExportRef:
    __tablename__ = "service_requests"
    id = 0


# --- admin: types and calendar ------------------------------------------------------------------

@bp.get("/types")
@require(Permission.SERVICES_CONFIGURE)
def types():
    return render_template("services/types.html", types=services.types())


@bp.route("/types/<int:type_id>", methods=["GET", "POST"])
@require(Permission.SERVICES_CONFIGURE)
def type_edit(type_id: int):
    stype = db.session.get(ServiceType, type_id) or abort(404)
    form = ServiceTypeForm(obj=stype, unit_choices=[(u.id, u.name) for u in services.units()])
    if form.validate_on_submit():
        values = {"name": form.name.data.strip(), "unit_id": form.unit_id.data,
                  "time_limit_days": form.time_limit_days.data,
                  "card_holders_only": bool(form.card_holders_only.data),
                  "description": (form.description.data or "").strip()}
        changes = services.update_type(acting_user(), stype, values, form.version.data)
        db.session.commit()
        flash(f"已保存“{stype.name}”" + ("" if changes else "（没有修改）"), "success")
        return redirect(url_for(".types"))
    return render_template("services/type_form.html", form=form, stype=stype)


@bp.route("/calendar", methods=["GET", "POST"])
@require(Permission.SERVICES_CONFIGURE)
def calendar():
    today = timeutil.today()
    raw_year = request.args.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else today.year
    form = OverrideForm()
    if form.validate_on_submit():
        services.set_override(acting_user(), form.day.data, form.kind.data == "workday",
                              form.note.data or "")
        db.session.commit()
        flash(f"已将 {form.day.data} 设为{'工作日' if form.kind.data == 'workday' else '休息日'}", "success")
        return redirect(url_for(".calendar", year=form.day.data.year))
    cal = workdays.load()
    return render_template("services/calendar.html", form=form, year=year,
                           known=workdays.package_knows(year), overrides=services.overrides_for(year),
                           special=workdays.year_days(cal, year))


@bp.post("/calendar/<day>/delete")
@require(Permission.SERVICES_CONFIGURE)
def calendar_delete(day: str):
    try:
        parsed = date.fromisoformat(day[:10])
    except ValueError:
        abort(404)
    if services.delete_override(acting_user(), parsed):
        db.session.commit()
        flash(f"{parsed} 已恢复为默认（国务院安排或周一至周五）", "success")
    return redirect(url_for(".calendar", year=parsed.year))
