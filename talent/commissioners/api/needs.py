"""API: the 技术需求 of a service target — read by staff, the commissioners serving it and the
target's own account; posted and changed by 县科工信局 or the target's own account."""
from flask import abort, request

from talent.commissioners import choices, operations
from talent.commissioners.api.common import bp, current_fields
from talent.commissioners.forms import NeedForm
from talent.core.api import json_body, page_envelope, validated
from talent.core.formschema import api_body
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db

NEED_FIELDS = ("title", "field", "description", "urgency", "status", "commissioner_id")
NEED_DEFAULTS = {"urgency": "normal", "status": "open"}


def _target_or_404(target_id: int):
    return operations.target_for_needs(acting_user(), target_id) or abort(404)


@bp.get("/service-targets/<int:target_id>/needs")
@require(Permission.TARGET_NEEDS)
def need_index(target_id: int):
    target = _target_or_404(target_id)
    status = request.args.get("status", "")
    query = operations.NeedQuery(status=status if status in choices.NEED_STATUSES else "",
                                 target_id=target.id)
    page = paginate(query.select(acting_user()), request.args)
    return page_envelope(page, lambda need: need.to_dict())


@bp.post("/service-targets/<int:target_id>/needs")
@api_body(NeedForm, defaults=set(NEED_DEFAULTS), exclude={"version"})
@require(Permission.TARGET_NEEDS_POST)
def need_create(target_id: int):
    user = acting_user()
    target = _target_or_404(target_id)
    operations.check_poster(user, target)
    form = validated(NeedForm, json_body(), base=NEED_DEFAULTS)
    need = operations.create_need(user, target, form.values())
    db.session.commit()
    return need.to_dict(), 201


@bp.patch("/needs/<int:need_id>")
@api_body(NeedForm, partial=True, version=True)
@require(Permission.TARGET_NEEDS_POST)
def need_patch(need_id: int):
    user = acting_user()
    need = operations.load_need(user, need_id) or abort(404)
    form = validated(NeedForm, json_body(), base=current_fields(need, NEED_FIELDS))
    operations.update_need(user, need, form.values(), form.version.data)
    db.session.commit()
    return need.to_dict()
