"""The target's side of 技术需求: an enterprise's own account (an employer linked to the service
target) posts its needs, follows them and says when one is solved."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from talent.commissioners import operations
from talent.commissioners.forms import NeedForm
from talent.commissioners.models import ServiceTarget
from talent.commissioners.need_models import TargetNeed
from talent.commissioners.views.common import attempt
from talent.core.permissions import Permission, acting_user, require
from talent.employers.operations import service_target_of
from talent.extensions import db

bp = Blueprint("target_needs", __name__, url_prefix="/my-needs")

# The fields a target may fill in or change (matching is the bureau's).
TARGET_FIELDS = ("title", "field", "description", "urgency")


def _target() -> ServiceTarget | None:
    target_id = service_target_of(acting_user())
    return db.session.get(ServiceTarget, target_id) if target_id else None


@bp.route("", methods=["GET", "POST"])
@require(Permission.EMPLOYER_DESK)
def mine():
    target = _target()
    form = NeedForm()
    if target is not None and form.validate_on_submit():
        need = attempt(form, lambda: operations.create_need(acting_user(), target, form.values()))
        if need is not None:
            flash(f"已提交技术需求：{need.title}。县科工信局将为您对接科技特派员。", "success")
            return redirect(url_for(".mine"))
    needs = list(db.session.scalars(operations.NeedQuery().select(acting_user())
                                    .options(selectinload(TargetNeed.commissioner)))) \
        if target else []
    return render_template("commissioners/target_needs.html", target=target, form=form,
                           needs=needs)


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@require(Permission.EMPLOYER_DESK)
def edit(need_id: int):
    user = acting_user()
    need = operations.load_need(user, need_id) or abort(404)
    form = NeedForm(obj=need)
    if request.method == "GET":
        form.version.data = need.version
    if form.validate_on_submit():
        values = {name: form.values()[name] for name in TARGET_FIELDS}
        if request.form.get("solved") == "1" and need.status != "closed":
            values["status"] = "closed"
        if attempt(form, lambda: operations.update_need(user, need, values,
                                                        form.version.data)) is not None:
            flash("已保存", "success")
            return redirect(url_for(".mine"))
    return render_template("commissioners/target_need_edit.html", need=need, form=form)
