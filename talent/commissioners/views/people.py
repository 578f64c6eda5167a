"""Staff pages: commissioners."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from talent.commissioners import choices, operations
from talent.commissioners.assessment_models import Project
from talent.commissioners.forms import (
    CommissionerPageForm,
)
from talent.commissioners.models import Assignment, Commissioner
from talent.commissioners.views.common import (
    attempt,
    bp,
    form_page,
    history_of,
    load_or_404,
    manager_page,
    staff_page,
)
from talent.core import timeutil
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db


# --- commissioners ----------------------------------------------------------------------------------
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
    return form_page(form, "编辑科技特派员" if commissioner else "新增科技特派员", layout,
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
    return _commissioner_form_page(load_or_404(Commissioner, commissioner_id))


@bp.get("/<int:commissioner_id>")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def commissioner_detail(commissioner_id: int):
    user = acting_user()
    commissioner = load_or_404(Commissioner, commissioner_id)
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
        **history_of("commissioners", commissioner.id))
