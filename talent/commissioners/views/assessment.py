"""Staff pages: projects and the annual assessment."""
from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy.orm import selectinload

from talent.commissioners import choices, operations, spreadsheet
from talent.commissioners.assessment_models import Project
from talent.commissioners.forms import (
    GradeForm,
    ProjectForm,
)
from talent.commissioners.models import Commissioner
from talent.commissioners.views.common import (
    attempt,
    bp,
    form_page,
    load_or_404,
    manager_page,
    no_store,
    staff_page,
    stamp,
)
from talent.core import audit, timeutil
from talent.core.errors import Refused
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.spreadsheet import XLSX_MIMETYPE
from talent.extensions import db


# --- projects ---------------------------------------------------------------------------------------
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
    return form_page(form, "编辑科技项目" if project else "新增科技项目", layout,
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
    return _project_form_page(load_or_404(Project, project_id))


# --- annual assessment ------------------------------------------------------------------------------
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
                           rows=operations.scored_rows(year, page.items), choices=choices,
                           grade_form=GradeForm(), manage=operations.can_manage(acting_user()))


@bp.get("/assessments/print")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def assessment_print():
    """The 考核表 on A4 for signing: title, rules' versions, every row, 经办人/负责人."""
    year = _year_arg()
    rows = operations.scored_rows(year)
    versions = sorted({row.rules.label for row in rows})
    return render_template("commissioners/assessment_print.html", year=year, rows=rows,
                           versions=versions, choices=choices, printed_at=timeutil.local_now())


@bp.post("/assessments/<int:commissioner_id>/<int:year>")
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def assessment_grade(commissioner_id: int, year: int):
    commissioner = load_or_404(Commissioner, commissioner_id)
    form = GradeForm()
    if not 2000 <= year <= 2100:
        abort(404)
    if form.validate_on_submit():
        try:
            operations.grade(acting_user(), commissioner, year, form.grade.data,
                             form.note.data or "")
        except Refused as error:
            db.session.rollback()
            flash(f"{commissioner.name}：{error.message}", "danger")
        else:
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
    return no_store(send_file(output, mimetype=XLSX_MIMETYPE, as_attachment=True,
                               download_name=f"{year}年度科技特派员考核-{stamp()}.xlsx"))
