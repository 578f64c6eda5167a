"""督办单 pages: issue, reply, close."""

from flask import abort, flash, redirect, render_template, url_for

from talent.core import timeutil
from talent.core.forms import EmptyForm
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.tasks import operations
from talent.tasks.forms import (
    DirectiveForm,
    ReplyForm,
)
from talent.tasks.models import Directive
from talent.tasks.views.common import _form_errors, _item, bp, forbidden_when_not_theirs


@bp.post("/items/<int:task_item_id>/directives")
@require(Permission.TASKS_SUPERVISE)
@forbidden_when_not_theirs
def directive_new(task_item_id: int):
    item = _item(task_item_id)
    operations.require_office(acting_user(), item.plan)
    form = DirectiveForm()
    form.unit_id.set_options([(u.id, u.name) for u in item.all_units])
    if form.validate_on_submit():
        unit = next(u for u in item.all_units if u.id == form.unit_id.data)
        directive = operations.issue_directive(acting_user(), item, unit, form.request.data,
                                               form.reply_by.data, form.grade.data,
                                               form.responsible_person.data or "")
        db.session.commit()
        flash(f"已向 {unit.name} 发出{directive.number}", "success")
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


@bp.post("/directives/<int:task_directive_id>/receipt")
@require(Permission.TASKS_REPORT)
@forbidden_when_not_theirs
def directive_receipt(task_directive_id: int):
    directive = db.session.get(Directive, task_directive_id) or abort(404)
    if EmptyForm().validate_on_submit():
        operations.acknowledge_directive(acting_user(), directive)
        db.session.commit()
        flash(f"已签收{directive.number}", "success")
    return redirect(url_for(".item_detail", task_item_id=directive.item_id))


@bp.get("/directives/<int:task_directive_id>/print")
@require(Permission.TASKS_READ)
def directive_print(task_directive_id: int):
    """The 督办单 as a one-page A4 form, for the file and the unit's signature."""
    directive = db.session.get(Directive, task_directive_id) or abort(404)
    return render_template("tasks/directive_print.html", d=directive, item=directive.item,
                           plan=directive.item.plan, today=timeutil.today())
