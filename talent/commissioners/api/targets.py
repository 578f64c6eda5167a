"""API: service targets."""
from flask import request

from talent.commissioners import choices, operations
from talent.commissioners.api.common import bp, created_response, current_fields, load_or_404, manager, reader
from talent.commissioners.forms import (
    TargetForm,
)
from talent.commissioners.models import (
    ServiceTarget,
)
from talent.core.api import json_body, page_envelope, validated
from talent.core.errors import ApiError
from talent.core.formschema import api_body
from talent.core.pagination import paginate
from talent.core.permissions import Permission, require
from talent.extensions import db

# --- service targets --------------------------------------------------------------------------------
TARGET_FIELDS = ("name", "kind", "uscc", "address", "contact", "phone", "lat", "lng")


def _target_body() -> dict:
    """``town`` travels by name in the API; the form takes the town's id."""
    body = json_body()
    if "town" in body:
        town = operations.town_by_name(str(body.pop("town") or ""))
        if town is None:
            names = "、".join(name for name, _kind in choices.TOWNS)
            raise ApiError(422, fields={"town": [f"乡镇应为双牌县的乡镇之一：{names}"]})
        body["town_id"] = town.id
    return body


def _target_response(target: ServiceTarget, form: TargetForm) -> dict:
    body = target.to_dict()
    if form.uscc_warning:
        body["warnings"] = {"uscc": [form.uscc_warning]}
    return body


@bp.get("/service-targets")
@require(Permission.COMMISSIONERS_READ)
def target_index():
    query = operations.TargetQuery.from_args(request.args)
    page = paginate(query.select(reader()), request.args)
    return page_envelope(page, ServiceTarget.to_dict)


# ``town`` travels by name in the API (see _target_body); the form itself takes ``town_id``.
TOWN_PROPERTY = {"town": {"type": "string", "enum": [name for name, _kind in choices.TOWNS]}}


@bp.post("/service-targets")
@api_body(TargetForm, exclude={"town_id"}, extra=TOWN_PROPERTY, require={"town"})
@require(Permission.COMMISSIONERS_MANAGE)
def target_create():
    actor = manager()
    form = validated(TargetForm, _target_body(), town_choices=operations.town_choices())
    target = operations.create_target(actor, form.values())
    db.session.commit()
    return created_response(_target_response(target, form), ".target_show", target_id=target.id)


@bp.get("/service-targets/<int:target_id>")
@require(Permission.COMMISSIONERS_READ)
def target_show(target_id: int):
    return load_or_404(ServiceTarget, target_id).to_dict()


@bp.patch("/service-targets/<int:target_id>")
@api_body(TargetForm, partial=True, exclude={"town_id"}, extra=TOWN_PROPERTY)
@require(Permission.COMMISSIONERS_MANAGE)
def target_patch(target_id: int):
    actor = manager()
    target = load_or_404(ServiceTarget, target_id)
    base = {**current_fields(target, TARGET_FIELDS), "town_id": target.town_id}
    form = validated(TargetForm, _target_body(), base=base, town_choices=operations.town_choices())
    operations.update_target(actor, target, form.values())
    db.session.commit()
    return _target_response(target, form)
