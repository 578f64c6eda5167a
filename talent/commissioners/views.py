"""Staff pages of 科技特派员 (县科工信局 manage, 县委组织部 read) and the photo routes."""
from datetime import datetime
from functools import wraps
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from talent.commissioners import choices, operations, photos, spreadsheet
from talent.commissioners.forms import (
    AssignmentForm,
    CommissionerPageForm,
    GradeForm,
    ProjectForm,
    ReturnForm,
    RoundForm,
    TargetForm,
)
from talent.commissioners.models import (
    Assignment,
    Commissioner,
    LogPhoto,
    Project,
    SelectionRound,
    ServiceLog,
    ServiceTarget,
)
from talent.core import audit, features, timeutil
from talent.core.errors import Refused
from talent.core.forms import EmptyForm, form_labels
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.spreadsheet import XLSX_MIMETYPE
from talent.extensions import db

bp = Blueprint("commissioners", __name__, url_prefix="/commissioners")

FIELD_LABELS = {
    "commissioners": form_labels(CommissionerPageForm),
    "selection_rounds": form_labels(RoundForm),
    "service_targets": {**form_labels(TargetForm), "uscc_valid": "代码校验通过"},
    "assignments": form_labels(AssignmentForm),
    "service_logs": {
        "assignment_id": "派驻", "served_on": "服务日期", "kind": "服务类型", "content": "服务内容",
        "hours": "服务时长", "trained_count": "培训人数", "technologies": "推广技术/品种",
        "location": "服务地点", "status": "状态", "confirmed_at": "确认时间",
        "confirmed_by_id": "确认人", "return_comment": "退回意见", "photos": "照片",
        "target_id": "服务对象"},
    "commissioner_projects": form_labels(ProjectForm),
    "commissioner_assessments": {"grade": "考核等次", "note": "考核意见", "year": "年度"},
}


def staff_page(view):
    """Staff pages: 县科工信局, 县委组织部 and admin; another unit's staff get 403."""

    @wraps(view)
    def checked(*args, **kwargs):
        if not operations.can_read_all(acting_user()):
            abort(403)
        return view(*args, **kwargs)

    return checked


def manager_page(view):
    @wraps(view)
    def checked(*args, **kwargs):
        if not operations.can_manage(acting_user()):
            abort(403)
        return view(*args, **kwargs)

    return checked


def _load(model, object_id: int):
    return operations.load_visible(acting_user(), model, object_id) or abort(404)


def attempt(form, action):
    """Run an operation for a form page and commit; a refusal becomes messages on the form, so
    what the clerk typed is kept."""
    try:
        result = action()
    except Refused as error:
        db.session.rollback()
        placed = False
        for name, messages in error.fields.items():
            if name in form:
                form[name].errors = [*form[name].errors, *messages]
                placed = True
        if not placed:
            form.form_errors.append(error.message)
        return None
    db.session.commit()
    return result


def _form_page(form, title: str, layout: list, cancel: str, warning: str | None = None,
               **extra):
    return render_template("commissioners/form.html", form=form, title=title, layout=layout,
                           cancel=cancel, warning=warning, **extra)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _stamp() -> str:
    return datetime.now(timeutil.CHINA).strftime("%Y%m%d-%H%M")


# --- commissioners ------------------------------------------------------------------------------


@bp.get("")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def commissioner_list():
    user = acting_user()
    query = operations.CommissionerQuery.from_args(request.args)
    page = paginate(query.select(user).options(selectinload(Commissioner.round)), request.args)
    return render_template("commissioners/list.html", page=page, query=query, choices=choices,
                           rounds=operations.round_choices(),
                           reveal=user.can(Permission.ID_NUMBERS_FULL),
                           manage=operations.can_manage(user))


COMMISSIONER_LAYOUT = [("name", "col-md-4"), ("id_number", "col-md-4"), ("phone", "col-md-4"),
                       ("employer", "col-md-6"), ("expertise", "col-md-6"),
                       ("field", "col-md-4"), ("level", "col-md-4"), ("round_id", "col-md-4"),
                       ("talent_id", "col-md-4"), ("status", "col-md-4"),
                       ("three_regions", "col-md-4")]
ACCOUNT_LAYOUT = [("create_account", "col-md-4"), ("username", "col-md-4"),
                  ("password", "col-md-4")]


def _commissioner_form_page(commissioner: Commissioner | None):
    form = CommissionerPageForm(obj=commissioner, round_choices=operations.round_choices())
    if commissioner is not None:
        del form.create_account, form.username, form.password
    if form.validate_on_submit():
        actor = acting_user()
        if commissioner is None:
            account = ({"username": form.username.data.strip(), "password": form.password.data}
                       if form.create_account.data else None)
            saved = attempt(form, lambda: operations.create_commissioner(actor, form.values(),
                                                                          account))
        else:
            saved = attempt(form, lambda: operations.update_commissioner(actor, commissioner,
                                                                          form.values())
                            is not None and commissioner)
        if saved is not None:
            flash(f"已保存科技特派员 {saved.name}", "success")
            return redirect(url_for(".commissioner_detail", commissioner_id=saved.id))
    layout = COMMISSIONER_LAYOUT + ([] if commissioner else ACCOUNT_LAYOUT)
    return _form_page(form, "编辑科技特派员" if commissioner else "新增科技特派员", layout,
                      url_for(".commissioner_detail", commissioner_id=commissioner.id)
                      if commissioner else url_for(".commissioner_list"))


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def commissioner_new():
    return _commissioner_form_page(None)


@bp.route("/<int:commissioner_id>/edit", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def commissioner_edit(commissioner_id: int):
    return _commissioner_form_page(_load(Commissioner, commissioner_id))


@bp.get("/<int:commissioner_id>")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def commissioner_detail(commissioner_id: int):
    user = acting_user()
    commissioner = _load(Commissioner, commissioner_id)
    year = timeutil.today().year
    assignments = list(db.session.scalars(
        select(Assignment).where(Assignment.commissioner_id == commissioner.id)
        .order_by(Assignment.status, Assignment.starts_on.desc())))
    projects = list(db.session.scalars(select(Project).where(
        Project.commissioner_id == commissioner.id).order_by(Project.year.desc())))
    figures = operations.year_figures(year, [commissioner.id]).get(commissioner.id,
                                                                   operations.YearFigures())
    return render_template(
        "commissioners/detail.html", commissioner=commissioner, assignments=assignments,
        projects=projects, figures=figures, year=year, account=operations.account_of(commissioner),
        reveal=user.can(Permission.ID_NUMBERS_FULL), manage=operations.can_manage(user),
        history=audit.history("commissioners", commissioner.id),
        action_labels=features.audit_actions(), field_labels=FIELD_LABELS["commissioners"])


# --- rounds -------------------------------------------------------------------------------------


@bp.get("/rounds")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def round_list():
    counts = dict(db.session.execute(select(Commissioner.round_id, func.count())
                                     .group_by(Commissioner.round_id)).all())
    rounds = list(db.session.scalars(select(SelectionRound).order_by(
        SelectionRound.year.desc(), SelectionRound.id.desc())))
    return render_template("commissioners/rounds.html", rounds=rounds, counts=counts,
                           choices=choices, manage=operations.can_manage(acting_user()))


def _round_form_page(selection_round: SelectionRound | None):
    form = RoundForm(obj=selection_round)
    if form.validate_on_submit():
        actor = acting_user()
        if selection_round is None:
            saved = attempt(form, lambda: operations.create_round(actor, form.values()))
        else:
            saved = attempt(form, lambda: operations.update_round(actor, selection_round,
                                                                   form.values()) is not None
                            and selection_round)
        if saved is not None:
            flash(f"已保存选派批次 {saved.name}", "success")
            return redirect(url_for(".round_list"))
    layout = [("year", "col-md-2"), ("level", "col-md-2"), ("name", "col-md-8"),
              ("starts_on", "col-md-3"), ("ends_on", "col-md-3")]
    return _form_page(form, "编辑选派批次" if selection_round else "新建选派批次", layout,
                      url_for(".round_list"))


@bp.route("/rounds/new", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def round_new():
    return _round_form_page(None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def round_edit(round_id: int):
    return _round_form_page(_load(SelectionRound, round_id))


# --- service targets ----------------------------------------------------------------------------


@bp.get("/targets")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def target_list():
    query = operations.TargetQuery.from_args(request.args)
    page = paginate(query.select(acting_user()).options(selectinload(ServiceTarget.town)),
                    request.args)
    active = dict(db.session.execute(
        select(Assignment.target_id, func.count()).where(
            Assignment.status == "active",
            Assignment.target_id.in_([t.id for t in page.items])).group_by(Assignment.target_id)
    ).all())
    idle_towns = operations.towns_without_assignment() if query.unserved else []
    return render_template("commissioners/targets.html", page=page, query=query, choices=choices,
                           towns=operations.town_choices(), active=active, idle_towns=idle_towns,
                           manage=operations.can_manage(acting_user()))


def _target_form_page(target: ServiceTarget | None):
    form = TargetForm(obj=target, town_choices=operations.town_choices())
    warning = None
    if form.validate_on_submit():
        if form.uscc_warning and not form.uscc_confirmed.data:
            warning = form.uscc_warning + "；如核对无误，请勾选“代码已核对无误，仍然保存”后再提交"
        else:
            actor = acting_user()
            if target is None:
                saved = attempt(form, lambda: operations.create_target(actor, form.values()))
            else:
                saved = attempt(form, lambda: operations.update_target(actor, target,
                                                                        form.values()) is not None
                                and target)
            if saved is not None:
                if form.uscc_warning:
                    flash("已保存；统一社会信用代码校验位不符，已标记待核对", "warning")
                else:
                    flash(f"已保存服务对象 {saved.name}", "success")
                return redirect(url_for(".target_detail", target_id=saved.id))
    layout = [("name", "col-md-6"), ("kind", "col-md-3"), ("town_id", "col-md-3"),
              ("uscc", "col-md-6"), ("uscc_confirmed", "col-md-6"), ("address", "col-md-6"),
              ("contact", "col-md-3"), ("phone", "col-md-3")]
    return _form_page(form, "编辑服务对象" if target else "新增服务对象", layout,
                      url_for(".target_detail", target_id=target.id) if target
                      else url_for(".target_list"), warning=warning)


@bp.route("/targets/new", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def target_new():
    return _target_form_page(None)


@bp.route("/targets/<int:target_id>/edit", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def target_edit(target_id: int):
    return _target_form_page(_load(ServiceTarget, target_id))


@bp.get("/targets/<int:target_id>")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def target_detail(target_id: int):
    target = _load(ServiceTarget, target_id)
    assignments = list(db.session.scalars(select(Assignment).where(
        Assignment.target_id == target.id).order_by(Assignment.status, Assignment.starts_on.desc())))
    logs = list(db.session.scalars(select(ServiceLog).where(ServiceLog.target_id == target.id)
                                   .order_by(ServiceLog.served_on.desc()).limit(20)))
    return render_template("commissioners/target_detail.html", target=target,
                           assignments=assignments, logs=logs,
                           manage=operations.can_manage(acting_user()),
                           history=audit.history("service_targets", target.id),
                           action_labels=features.audit_actions(),
                           field_labels=FIELD_LABELS["service_targets"])


# --- assignments --------------------------------------------------------------------------------


@bp.get("/assignments")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def assignment_list():
    query = operations.AssignmentQuery.from_args(request.args)
    page = paginate(query.select(acting_user()).options(
        selectinload(Assignment.commissioner), selectinload(Assignment.target)), request.args)
    return render_template("commissioners/assignments.html", page=page, query=query,
                           choices=choices, manage=operations.can_manage(acting_user()))


def _assignment_form_page(assignment: Assignment | None):
    form = AssignmentForm(
        obj=assignment, target_choices=operations.target_choices(),
        commissioner_choices=operations.commissioner_choices(
            assignment.commissioner_id if assignment else None))
    if request.method == "GET" and assignment is None:
        form.commissioner_id.data = request.args.get("commissioner_id", type=int)
        form.target_id.data = request.args.get("target_id", type=int)
    if form.validate_on_submit():
        actor = acting_user()
        if assignment is None:
            saved = attempt(form, lambda: operations.create_assignment(actor, form.values()))
        else:
            saved = attempt(form, lambda: operations.update_assignment(actor, assignment,
                                                                        form.values()) is not None
                            and assignment)
        if saved is not None:
            flash("派驻已保存", "success")
            return redirect(url_for(".commissioner_detail", commissioner_id=saved.commissioner_id))
    layout = [("commissioner_id", "col-md-6"), ("target_id", "col-md-6"),
              ("starts_on", "col-md-3"), ("ends_on", "col-md-3"), ("status", "col-md-3"),
              ("needs", "col-12")]
    return _form_page(form, "编辑派驻" if assignment else "新增派驻", layout,
                      url_for(".assignment_list"))


@bp.route("/assignments/new", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def assignment_new():
    return _assignment_form_page(None)


@bp.route("/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def assignment_edit(assignment_id: int):
    return _assignment_form_page(_load(Assignment, assignment_id))


# --- projects -----------------------------------------------------------------------------------


@bp.get("/projects")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def project_list():
    year = request.args.get("year", type=int)
    query = operations.visible_to(acting_user(), Project).options(
        selectinload(Project.commissioner))
    if year:
        query = query.where(Project.year == year)
    page = paginate(query.order_by(Project.year.desc(), Project.id.desc()), request.args)
    return render_template("commissioners/projects.html", page=page, year=year, choices=choices,
                           manage=operations.can_manage(acting_user()))


def _project_form_page(project: Project | None):
    form = ProjectForm(obj=project, target_choices=operations.target_choices(),
                       commissioner_choices=operations.commissioner_choices(
                           project.commissioner_id if project else None))
    if request.method == "GET" and project is None:
        form.year.data = timeutil.today().year
    if form.validate_on_submit():
        actor = acting_user()
        if project is None:
            saved = attempt(form, lambda: operations.create_project(actor, form.values()))
        else:
            saved = attempt(form, lambda: operations.update_project(actor, project, form.values())
                            is not None and project)
        if saved is not None:
            flash(f"已保存科技项目 {saved.name}", "success")
            return redirect(url_for(".project_list"))
    layout = [("name", "col-12"), ("level", "col-md-3"), ("kind", "col-md-5"),
              ("year", "col-md-2"), ("funding", "col-md-2"), ("commissioner_id", "col-md-4"),
              ("target_id", "col-md-5"), ("status", "col-md-3")]
    return _form_page(form, "编辑科技项目" if project else "新增科技项目", layout,
                      url_for(".project_list"))


@bp.route("/projects/new", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def project_new():
    return _project_form_page(None)


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def project_edit(project_id: int):
    return _project_form_page(_load(Project, project_id))


# --- service logs -------------------------------------------------------------------------------


@bp.get("/logs")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def log_list():
    user = acting_user()
    query = operations.LogQuery.from_args(request.args)
    page = paginate(query.select(user).options(
        selectinload(ServiceLog.commissioner), selectinload(ServiceLog.target),
        selectinload(ServiceLog.photos)), request.args, count_query=query.count(user))
    named = {
        "commissioner": db.session.get(Commissioner, query.commissioner_id)
        if query.commissioner_id else None,
        "target": db.session.get(ServiceTarget, query.target_id) if query.target_id else None,
    }
    return render_template("commissioners/logs.html", page=page, query=query, choices=choices,
                           named=named, towns=operations.town_choices(),
                           manage=operations.can_manage(user))


@bp.get("/logs/export.xlsx")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def log_export():
    user = acting_user()
    query = operations.LogQuery.from_args(request.args)
    total = db.session.scalar(query.count(user)) or 0
    output = spreadsheet.export_logs(user, query)
    marker = SimpleNamespace(__tablename__="service_logs", id=0)
    audit.record(user, "export", marker, {"filters": [None, query.args()], "rows": [None, total]},
                 summary=f"导出服务日志 {total} 条")
    db.session.commit()
    return _no_store(send_file(output, mimetype=XLSX_MIMETYPE, as_attachment=True,
                               download_name=f"科技特派员服务日志-{_stamp()}.xlsx"))


@bp.get("/logs/<int:log_id>")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def log_detail(log_id: int):
    log = _load(ServiceLog, log_id)
    return render_template("commissioners/log_detail.html", log=log, return_form=ReturnForm(),
                           manage=operations.can_manage(acting_user()),
                           history=audit.history("service_logs", log.id),
                           action_labels=features.audit_actions(),
                           field_labels=FIELD_LABELS["service_logs"])


@bp.post("/logs/<int:log_id>/confirm")
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def log_confirm(log_id: int):
    log = _load(ServiceLog, log_id)
    if EmptyForm().validate_on_submit():
        operations.confirm_log(acting_user(), log)
        db.session.commit()
        flash("已确认该服务日志", "success")
    return redirect(request.form.get("next_url") if request.form.get("next_url", "")
                    .startswith("/commissioners/logs") else url_for(".log_detail", log_id=log.id))


@bp.post("/logs/<int:log_id>/return")
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def log_return(log_id: int):
    log = _load(ServiceLog, log_id)
    form = ReturnForm()
    if form.validate_on_submit():
        operations.return_log(acting_user(), log, form.comment.data,
                              link=url_for("field.log_edit", log_id=log.id))
        db.session.commit()
        flash("已退回，特派员将收到退回意见", "success")
    else:
        flash("；".join(m for ms in form.errors.values() for m in ms), "danger")
    return redirect(url_for(".log_detail", log_id=log.id))


# --- annual assessment --------------------------------------------------------------------------


def _year_arg() -> int:
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else timeutil.today().year


@bp.get("/assessments")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def assessment_list():
    year = _year_arg()
    page = paginate(operations.assessment_query(year), request.args)
    return render_template("commissioners/assessments.html", year=year, page=page,
                           rows=operations.assessment_rows(year, page.items), choices=choices,
                           grade_form=GradeForm(), manage=operations.can_manage(acting_user()))


@bp.post("/assessments/<int:commissioner_id>/<int:year>")
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def assessment_grade(commissioner_id: int, year: int):
    commissioner = _load(Commissioner, commissioner_id)
    form = GradeForm()
    if not 2000 <= year <= 2100:
        abort(404)
    if form.validate_on_submit():
        operations.grade(acting_user(), commissioner, year, form.grade.data, form.note.data or "")
        db.session.commit()
        flash(f"已记录 {commissioner.name} {year} 年度考核等次", "success")
    else:
        flash("；".join(m for ms in form.errors.values() for m in ms), "danger")
    return redirect(url_for(".assessment_list", year=year))


@bp.get("/assessments/export.xlsx")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def assessment_export():
    year = _year_arg()
    output = spreadsheet.export_assessment(year)
    marker = SimpleNamespace(__tablename__="commissioner_assessments", id=year)
    audit.record(acting_user(), "export", marker, {"year": [None, year]},
                 summary=f"导出{year}年度科技特派员考核表")
    db.session.commit()
    return _no_store(send_file(output, mimetype=XLSX_MIMETYPE, as_attachment=True,
                               download_name=f"{year}年度科技特派员考核-{_stamp()}.xlsx"))


# --- photos -------------------------------------------------------------------------------------


def _send_photo(photo_id: int, thumb: bool):
    photo = _load(LogPhoto, photo_id)
    path = photos.photo_path(photo, thumb=thumb)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/photos/<int:photo_id>")
@require(Permission.COMMISSIONERS_READ)
def photo(photo_id: int):
    return _send_photo(photo_id, thumb=False)


@bp.get("/photos/<int:photo_id>/thumb")
@require(Permission.COMMISSIONERS_READ)
def photo_thumb(photo_id: int):
    return _send_photo(photo_id, thumb=True)
