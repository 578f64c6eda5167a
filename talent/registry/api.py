"""The talent API of DESIGN.md: list and create, read and patch."""
from flask import Blueprint, request, url_for

from talent.core.api import json_body, page_envelope, validated
from talent.core.errors import ApiError
from talent.core.formschema import api_body
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.validators import bounded_int
from talent.extensions import db
from talent.registry import operations
from talent.registry.forms import TalentForm
from talent.registry.models import Talent
from talent.registry.operations import TalentQuery

bp = Blueprint("registry_api", __name__, url_prefix="/api/v1/talents")

# What a new record gets when the body leaves a field out.
CREATE_DEFAULTS = {
    "id_type": "resident_id",
    "nationality": "CN",
    "title_level": "none",
    "category": "none",
    "source": "local",
    "programme_level": "none",
    "works_in_county": True,
    "status": "active",
}


def _reveal() -> bool:
    return acting_user().can(Permission.ID_NUMBERS_FULL)


@bp.get("")
@require(Permission.TALENTS_READ)
def talent_index():
    reveal = _reveal()
    query = TalentQuery.from_args(request.args, by_id_number=reveal)
    page = paginate(query.select(), request.args, count_query=query.count(),
                    capped_query=query.counted())
    return page_envelope(page, lambda t: t.to_dict(reveal))


@bp.post("")
@api_body(TalentForm, defaults=CREATE_DEFAULTS)
@require(Permission.TALENTS_WRITE)
def talent_create():
    form = validated(TalentForm, json_body(), base=CREATE_DEFAULTS,
                     team_choices=operations.team_choices())
    talent = operations.create_talent(acting_user(), form.talent_values())  # duplicate: 409
    db.session.commit()
    body = talent.to_dict(reveal_id=True)
    return body, 201, {"Location": url_for(".talent_show", talent_id=talent.id)}


@bp.get("/<int:talent_id>")
@require(Permission.TALENTS_READ)
def talent_show(talent_id: int):
    talent = db.get_or_404(Talent, talent_id)
    return talent.to_dict(_reveal())


@bp.patch("/<int:talent_id>")
@api_body(TalentForm, partial=True, version=True)
@require(Permission.TALENTS_WRITE)
def talent_patch(talent_id: int):
    talent = db.get_or_404(Talent, talent_id)
    body = json_body()
    version = None
    if "version" in body:  # the version the client read; a stale one is a 409 "stale"
        version = bounded_int(body["version"])
        if version is None:
            raise ApiError(422, fields={"version": ["应为读取时得到的版本号（正整数）"]})
    current = talent.to_dict(reveal_id=True)
    if "id_number" in body:
        # A new ID number brings its own birth date and gender unless the body names them.
        current.pop("birth_date")
        current.pop("gender")
    form = validated(TalentForm, body, base=current,
                     team_choices=operations.team_choices())
    operations.update_talent(acting_user(), talent, form.talent_values(), version=version)
    db.session.commit()
    return talent.to_dict(_reveal())
