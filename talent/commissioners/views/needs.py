"""Staff pages: the 技术需求 of the service targets — the list, recording one, its page with the
suggested commissioners, matching and closing."""
from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from talent.commissioners import choices, operations
from talent.commissioners.forms import MatchForm, NeedForm
from talent.commissioners.models import ServiceTarget
from talent.commissioners.need_models import TargetNeed
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

# The drop-down beside the five suggestions: the best-ranked of the field, not all of them.
MATCH_CHOICES = 100
NEED_LAYOUT = [("title", "col-md-8"), ("field", "col-md-4"), ("description", "col-12"),
               ("urgency", "col-md-4"), ("status", "col-md-4")]


def _need_or_404(need_id: int) -> TargetNeed:
    return operations.load_need(acting_user(), need_id) or abort(404)


@bp.get("/needs")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def need_list():
    status = request.args.get("status", "open")
    field = request.args.get("field", "")
    query = operations.NeedQuery(status=status if status in choices.NEED_STATUSES else "",
                                 field=field if field in choices.FIELDS else "")
    page = paginate(query.select(acting_user()).options(
        selectinload(TargetNeed.target), selectinload(TargetNeed.commissioner)), request.args)
    return render_template("commissioners/needs.html", page=page, query=query,
                           manage=operations.can_manage(acting_user()))


@bp.route("/targets/<int:target_id>/needs/new", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def need_new(target_id: int):
    target = load_or_404(ServiceTarget, target_id)
    form = NeedForm()
    if form.validate_on_submit():
        need = attempt(form, lambda: operations.create_need(acting_user(), target, form.values()))
        if need is not None:
            flash(f"已登记技术需求：{need.title}", "success")
            return redirect(url_for(".need_detail", need_id=need.id))
    return form_page(form, f"登记技术需求 · {target.name}", NEED_LAYOUT[:-1],
                     url_for(".target_detail", target_id=target.id))


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def need_edit(need_id: int):
    need = _need_or_404(need_id)
    form = NeedForm(obj=need)
    if request.method == "GET":
        form.version.data = need.version
    if form.validate_on_submit():
        values = {**form.values(), "commissioner_id": need.commissioner_id}
        if values["status"] == "open":
            values["commissioner_id"] = None  # back to 待对接: the match is undone
        if attempt(form, lambda: operations.update_need(acting_user(), need, values,
                                                        form.version.data)) is not None:
            flash("已保存技术需求", "success")
            return redirect(url_for(".need_detail", need_id=need.id))
    return form_page(form, f"修改技术需求 · {need.target.name}", [*NEED_LAYOUT, ("version", "d-none")],
                     url_for(".need_detail", need_id=need.id))


@bp.get("/needs/<int:need_id>")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def need_detail(need_id: int):
    need = _need_or_404(need_id)
    ranked = operations.suggestions(need, limit=MATCH_CHOICES) if need.status != "closed" else []
    match = MatchForm(version=need.version,
                      commissioner_choices=[(s.id, f"{s.name}（负荷 {s.load}）") for s in ranked])
    return render_template("commissioners/need_detail.html", need=need,
                           suggested=ranked[:operations.SUGGESTIONS], match=match,
                           rule=operations.SUGGESTION_RULE, logs=operations.answering_logs(need),
                           manage=operations.can_manage(acting_user()),
                           **history_of("target_needs", need.id))


@bp.post("/needs/<int:need_id>/match")
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def need_match(need_id: int):
    need = _need_or_404(need_id)
    form = MatchForm(commissioner_choices=[
        (s.id, s.name) for s in operations.suggestions(need, limit=None)])
    if form.validate_on_submit():
        saved = attempt(form, lambda: operations.update_need(
            acting_user(), need, {"commissioner_id": form.commissioner_id.data, "status": "matched"},
            form.version.data))
        if saved is not None:
            flash(f"已对接科技特派员：{need.commissioner.name}", "success")
            return redirect(url_for(".need_detail", need_id=need.id))
    for message in [*form.form_errors, *[m for ms in form.errors.values() for m in ms]]:
        flash(message, "danger")
    return redirect(url_for(".need_detail", need_id=need.id))
