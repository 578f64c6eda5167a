"""Staff pages: assignments."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from talent.commissioners import choices, operations
from talent.commissioners.forms import (
    AssignmentForm,
)
from talent.commissioners.models import (
    Assignment,
)
from talent.commissioners.views.common import attempt, bp, form_page, load_or_404, manager_page, staff_page
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require


# --- assignments ------------------------------------------------------------------------------------
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
    return form_page(form, "编辑派驻" if assignment else "新增派驻", layout,
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
    return _assignment_form_page(load_or_404(Assignment, assignment_id))
