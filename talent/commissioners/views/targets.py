"""Staff pages: service targets."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from talent.commissioners import choices, operations
from talent.commissioners.forms import (
    TargetForm,
)
from talent.commissioners.models import (
    Assignment,
    ServiceLog,
    ServiceTarget,
)
from talent.commissioners.views.common import (
    attempt,
    bp,
    form_page,
    history_of,
    load_or_404,
    manager_page,
    staff_page,
)
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db


# --- service targets --------------------------------------------------------------------------------
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
              ("contact", "col-md-3"), ("phone", "col-md-3"), ("lat", "col-md-3"),
              ("lng", "col-md-3")]
    return form_page(form, "编辑服务对象" if target else "新增服务对象", layout,
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
    return _target_form_page(load_or_404(ServiceTarget, target_id))


@bp.get("/targets/<int:target_id>")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def target_detail(target_id: int):
    target = load_or_404(ServiceTarget, target_id)
    assignments = list(db.session.scalars(select(Assignment).where(
        Assignment.target_id == target.id).order_by(Assignment.status, Assignment.starts_on.desc())))
    logs = list(db.session.scalars(select(ServiceLog).where(ServiceLog.target_id == target.id)
                                   .order_by(ServiceLog.served_on.desc()).limit(20)))
    return render_template("commissioners/target_detail.html", target=target,
                           assignments=assignments, logs=logs,
                           needs=list(db.session.scalars(operations.NeedQuery(target_id=target.id)
                                                         .select(acting_user()))),
                           manage=operations.can_manage(acting_user()),
                           **history_of("service_targets", target.id))
