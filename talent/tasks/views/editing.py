"""The plan as data: items and indicators, edited by the office."""

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from talent.auth.models import Unit
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.tasks import operations
from talent.tasks.forms import (
    IndicatorForm,
    ItemForm,
)
from talent.tasks.models import TaskIndicator, TaskItem
from talent.tasks.views.common import _item, bp, forbidden_when_not_theirs


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
    named = indicator is not None and indicator.scope != "item"  # goal and 工作任务 indicators
    form = IndicatorForm(obj=indicator, data=None if request.method == "POST" or not named else {
        "named_unit_ids": [u.id for u in indicator.named_units]})
    named_now = {u.id for u in indicator.named_units} if named else set()
    form.named_unit_ids.choices = [(u.id, u.name) for u in db.session.scalars(
        select(Unit).where(Unit.active.is_(True) | Unit.id.in_(named_now))
        .order_by(Unit.sort_order, Unit.id))]
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in operations.INDICATOR_FIELDS}
        if indicator is None:
            operations.add_indicator(acting_user(), item, values)
        else:
            operations.update_indicator(acting_user(), indicator, values,
                                        named_unit_ids=form.named_unit_ids.data or [] if named else None)
        db.session.commit()
        flash("指标已保存", "success")
        return redirect(url_for(".item_detail", task_item_id=item.id) if item else
                        url_for(".plan_detail", task_plan_id=indicator.plan_id))
    return render_template("tasks/indicator_form.html", item=item, indicator=indicator, form=form,
                           named=named)


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
