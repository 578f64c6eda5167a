"""API: service logs (write, confirm one or many, return)."""
from flask import request, url_for
from sqlalchemy.orm import selectinload

from talent.commissioners import operations
from talent.commissioners.api.common import bp, created_response, current_fields, load_or_404, manager, reader
from talent.commissioners.forms import (
    ReturnForm,
    ServiceLogForm,
)
from talent.commissioners.models import (
    Assignment,
    ServiceLog,
)
from talent.core.api import json_body, page_envelope, validated
from talent.core.errors import ApiError
from talent.core.formschema import api_body
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.validators import bounded_int
from talent.extensions import db

# --- service logs -----------------------------------------------------------------------------------
LOG_FIELDS = ("assignment_id", "served_on", "kind", "content", "hours", "trained_count",
              "technologies", "location", "lat", "lng", "accuracy_m", "need_id", "need_done")


def with_position(body: dict) -> dict:
    """``position`` {lat, lng, accuracy_m} (or null) as the form's three fields."""
    if "position" not in body:
        return body
    body = dict(body)
    position = body.pop("position")
    if position is None:
        return {**body, "lat": None, "lng": None, "accuracy_m": None}
    if not isinstance(position, dict) or not {"lat", "lng"} <= position.keys():
        raise ApiError(422, "position 应为 {lat, lng, accuracy_m}",
                       fields={"position": ["应为 {lat, lng, accuracy_m}"]})
    return {**body, "lat": position.get("lat"), "lng": position.get("lng"),
            "accuracy_m": position.get("accuracy_m")}


def _writer():
    """A commissioner writes their own logs; 县科工信局 staff and admin may enter one for anyone."""
    user = acting_user()
    if not (operations.own_commissioner_id(user) or operations.can_manage(user)):
        if user.role == "commissioner":
            raise ApiError(403, "您的账户尚未关联科技特派员档案，请联系县科工信局")
        raise ApiError(403)
    return user


def _log_form(user, body: dict, base: dict | None = None) -> ServiceLogForm:
    merged = {**(base or {}), **body}
    wanted = bounded_int(merged.get("assignment_id"))
    choices_ = []
    if wanted is not None:
        assignment = operations.load_visible(user, Assignment, wanted)
        if assignment is not None:
            choices_ = [(assignment.id, assignment.target.name)]
    return validated(ServiceLogForm, body, base=base, assignment_choices=choices_)


@bp.get("/service-logs")
@require(Permission.COMMISSIONERS_READ)
def log_index():
    user = reader()
    query = operations.LogQuery.from_args(request.args)
    page = paginate(query.select(user).options(selectinload(ServiceLog.photos),
                                               selectinload(ServiceLog.rating)), request.args,
                    count_query=query.count(user))
    return page_envelope(page, ServiceLog.to_dict)


@bp.post("/service-logs")
@api_body(ServiceLogForm)
@require(Permission.SERVICE_LOGS_WRITE)
def log_create():
    """201 with the new log; 200 with the first log when its ``client_key`` was seen before."""
    user = _writer()
    form = _log_form(user, with_position(json_body()))
    assignment = db.session.get(Assignment, form.assignment_id.data)
    log, created = operations.create_log(user, assignment, form.values(), form.client_key.data)
    db.session.commit()
    if not created:
        return log.to_dict(), 200
    return created_response(log.to_dict(), ".log_show", log_id=log.id)


@bp.get("/service-logs/<int:log_id>")
@require(Permission.COMMISSIONERS_READ)
def log_show(log_id: int):
    return load_or_404(ServiceLog, log_id).to_dict()


@bp.patch("/service-logs/<int:log_id>")
@api_body(ServiceLogForm, partial=True, version=True, exclude={"client_key"})
@require(Permission.SERVICE_LOGS_WRITE)
def log_patch(log_id: int):
    user = _writer()
    log = load_or_404(ServiceLog, log_id)
    body = json_body()
    if "client_key" in body:
        raise ApiError(422, fields={"client_key": ["创建后不能修改"]})
    form = _log_form(user, with_position(body), base=current_fields(log, LOG_FIELDS))
    operations.update_log(user, log, form.values(), form.version.data)
    db.session.commit()
    return log.to_dict()


@bp.post("/service-logs/confirm")
@require(Permission.COMMISSIONERS_MANAGE)
def log_confirm_many():
    """Bulk confirm: ``{"ids": [...]}``; each log is confirmed (and audited) on its own."""
    actor = manager()
    ids = json_body().get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool)
                                            for i in ids):
        raise ApiError(422, "ids 应为服务日志编号的列表", fields={"ids": ["应为整数列表"]})
    result = operations.confirm_logs(actor, operations.checked_ids(ids))
    db.session.commit()
    return result


@bp.post("/service-logs/<int:log_id>/confirm")
@require(Permission.COMMISSIONERS_MANAGE)
def log_confirm(log_id: int):
    actor = manager()
    log = load_or_404(ServiceLog, log_id)
    operations.confirm_log(actor, log)
    db.session.commit()
    return log.to_dict()


@bp.post("/service-logs/<int:log_id>/return")
@api_body(ReturnForm)
@require(Permission.COMMISSIONERS_MANAGE)
def log_return(log_id: int):
    actor = manager()
    log = load_or_404(ServiceLog, log_id)
    form = validated(ReturnForm, json_body())
    operations.return_log(actor, log, form.comment.data,
                          link=url_for("field.log_edit", log_id=log.id))
    db.session.commit()
    return log.to_dict()
