"""Staff pages: service logs (list, export, confirm, return) and the photo routes."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy.orm import selectinload

from talent.commissioners import choices, operations, photos
from talent.commissioners import jobs as log_jobs
from talent.commissioners.forms import (
    ReturnForm,
)
from talent.commissioners.models import (
    Commissioner,
    LogPhoto,
    ServiceLog,
    ServiceTarget,
)
from talent.commissioners.views.common import (
    bp,
    history_of,
    load_or_404,
    manager_page,
    staff_page,
)
from talent.core.errors import Refused
from talent.core.forms import EmptyForm
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.jobs.views import export_now_or_later


# --- service logs -----------------------------------------------------------------------------------
@bp.get("/logs")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def log_list():
    user = acting_user()
    query = operations.LogQuery.from_args(request.args)
    page = paginate(query.select(user).options(
        selectinload(ServiceLog.commissioner), selectinload(ServiceLog.target),
        selectinload(ServiceLog.photos), selectinload(ServiceLog.rating)), request.args,
        count_query=query.count(user))
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
    return export_now_or_later(user, log_jobs.KIND, {"args": query.args()}, total,
                               lambda: log_jobs.write(user, query))


@bp.get("/logs/<int:log_id>")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def log_detail(log_id: int):
    log = load_or_404(ServiceLog, log_id)
    return render_template("commissioners/log_detail.html", log=log, return_form=ReturnForm(),
                           manage=operations.can_manage(acting_user()),
                           **history_of("service_logs", log.id))


@bp.post("/logs/<int:log_id>/confirm")
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def log_confirm(log_id: int):
    log = load_or_404(ServiceLog, log_id)
    if EmptyForm().validate_on_submit():
        operations.confirm_log(acting_user(), log)
        db.session.commit()
        flash("已确认该服务日志", "success")
    return redirect(request.form.get("next_url") if request.form.get("next_url", "")
                    .startswith("/commissioners/logs") else url_for(".log_detail", log_id=log.id))


def bulk_message(result: dict) -> str:
    message = f"已确认 {len(result['confirmed'])} 条服务日志"
    if result["skipped"]:
        message += f"；{len(result['skipped'])} 条未确认（{result['skipped'][0]['reason']}）"
    return message


@bp.post("/logs/confirm")
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def log_confirm_many():
    back = request.form.get("next_url", "")
    back = back if back.startswith("/commissioners/logs") else url_for(".log_list")
    if EmptyForm().validate_on_submit():
        try:
            ids = operations.checked_ids(request.form.getlist("ids"))
            result = operations.confirm_logs(acting_user(), ids)
        except Refused as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(bulk_message(result), "success")
    return redirect(back)


@bp.post("/photos/<int:photo_id>/delete")
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def photo_delete(photo_id: int):
    photo = load_or_404(LogPhoto, photo_id)
    log_id = photo.log_id
    if EmptyForm().validate_on_submit():
        remove_photo_now(photo)
    return redirect(url_for(".log_detail", log_id=log_id))


def remove_photo_now(photo: LogPhoto) -> None:
    """Remove, commit, then delete the files; a refusal is a message, nothing changed."""
    try:
        operations.remove_photo(acting_user(), photo)
    except Refused as error:
        db.session.rollback()
        flash(error.message, "warning")
        return
    db.session.commit()
    photos.delete_files(photo)
    flash("已删除该照片", "success")


@bp.post("/logs/<int:log_id>/return")
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def log_return(log_id: int):
    log = load_or_404(ServiceLog, log_id)
    form = ReturnForm()
    if form.validate_on_submit():
        operations.return_log(acting_user(), log, form.comment.data,
                              link=url_for("field.log_edit", log_id=log.id))
        db.session.commit()
        flash("已退回，特派员将收到退回意见", "success")
    else:
        flash("；".join(m for ms in form.errors.values() for m in ms), "danger")
    return redirect(url_for(".log_detail", log_id=log.id))


# --- photos -----------------------------------------------------------------------------------------
def _send_photo(photo_id: int, thumb: bool):
    photo = load_or_404(LogPhoto, photo_id)
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
