"""The service-request API of DESIGN.md: list, file, read, transition, rate."""
from flask import Blueprint, abort, request, url_for

from talent.core import timeutil
from talent.core.api import json_body, page_envelope, validated
from talent.core.errors import ApiError
from talent.core.formschema import api_body
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.registry.models import Talent
from talent.services import operations as services
from talent.services.forms import RatingForm, RequestForm, TransitionForm
from talent.services.models import ServiceRequest
from talent.services.views import load_for_action, load_visible, type_choices

bp = Blueprint("services_api", __name__, url_prefix="/api/v1/service-requests")


def _body(req: ServiceRequest) -> dict:
    return req.to_dict(timeutil.today())


@bp.get("")
@require(Permission.SERVICE_REQUESTS)
def index():
    user, today = acting_user(), timeutil.today()
    query = services.RequestQuery.from_args(request.args)
    page = services.page_of(query, user, today, request.args)
    return page_envelope(page, _body)


@bp.post("")
@api_body(RequestForm)
@require(Permission.SERVICE_REQUESTS)
def create():
    user = acting_user()
    form = validated(RequestForm, json_body(), type_choices=type_choices())
    if user.role == "talent":
        if form.talent_id.data not in (None, user.talent_id):
            raise ApiError(403, "人才只能为本人提交申请")
        talent = db.session.get(Talent, user.talent_id or 0)
    elif user.can(Permission.SERVICES_FILE_FOR_OTHERS):
        if form.talent_id.data is None:
            raise ApiError(422, fields={"talent_id": ["代人才提交时请填写人才编号"]})
        talent = db.session.get(Talent, form.talent_id.data)
        if talent is None:
            raise ApiError(422, fields={"talent_id": ["没有这个人才编号"]})
    else:
        raise ApiError(403, "只有人才本人或县委组织部可以提交服务申请")
    if talent is None:
        abort(404)
    req = services.file_request(user, talent, services.type_by_code(form.type.data), form.title.data,
                                form.description.data)
    db.session.commit()
    return _body(req), 201, {"Location": url_for(".show", request_id=req.id)}


@bp.get("/<int:request_id>")
@require(Permission.SERVICE_REQUESTS)
def show(request_id: int):
    return _body(load_visible(request_id))


@bp.post("/<int:request_id>/transition")
@api_body(TransitionForm)
@require(Permission.SERVICE_REQUESTS)
def transition(request_id: int):
    req = load_for_action(request_id)
    form = validated(TransitionForm, json_body())
    services.transition(acting_user(), req, form.to.data, form.note.data or "", form.version.data,
                        unit_id=form.unit_id.data)
    db.session.commit()
    return _body(req)


@bp.post("/<int:request_id>/rating")
@api_body(RatingForm)
@require(Permission.SERVICE_REQUESTS)
def rating(request_id: int):
    req = load_visible(request_id)
    form = validated(RatingForm, json_body())
    services.rate(acting_user(), req, form.score.data, form.comment.data or "")
    db.session.commit()
    return _body(req)
