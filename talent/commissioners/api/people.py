"""API: commissioners."""
from flask import request

from talent.commissioners import operations
from talent.commissioners.api.common import (
    bp,
    created_response,
    current_fields,
    load_or_404,
    manager,
    reader,
    reveal,
)
from talent.commissioners.forms import (
    CommissionerForm,
)
from talent.commissioners.models import (
    Commissioner,
)
from talent.core.api import json_body, page_envelope, validated
from talent.core.formschema import api_body
from talent.core.pagination import paginate
from talent.core.permissions import Permission, require
from talent.extensions import db

# --- commissioners ----------------------------------------------------------------------------------
COMMISSIONER_FIELDS = ("name", "id_number", "phone", "employer", "expertise", "field", "level",
                       "three_regions", "talent_id", "round_id", "status")
COMMISSIONER_DEFAULTS = {"status": "active", "three_regions": False}


@bp.get("/commissioners")
@require(Permission.COMMISSIONERS_READ)
def commissioner_index():
    user = reader()
    query = operations.CommissionerQuery.from_args(request.args)
    page = paginate(query.select(user), request.args)
    full = reveal()
    return page_envelope(page, lambda c: c.to_dict(full))


@bp.post("/commissioners")
@api_body(CommissionerForm, defaults=COMMISSIONER_DEFAULTS)
@require(Permission.COMMISSIONERS_MANAGE)
def commissioner_create():
    actor = manager()
    form = validated(CommissionerForm, json_body(), base=COMMISSIONER_DEFAULTS,
                     round_choices=operations.round_choices())
    commissioner = operations.create_commissioner(actor, form.values())
    db.session.commit()
    return created_response(commissioner.to_dict(reveal()), ".commissioner_show",
                    commissioner_id=commissioner.id)


@bp.get("/commissioners/<int:commissioner_id>")
@require(Permission.COMMISSIONERS_READ)
def commissioner_show(commissioner_id: int):
    return load_or_404(Commissioner, commissioner_id).to_dict(reveal())


@bp.patch("/commissioners/<int:commissioner_id>")
@api_body(CommissionerForm, partial=True)
@require(Permission.COMMISSIONERS_MANAGE)
def commissioner_patch(commissioner_id: int):
    actor = manager()
    commissioner = load_or_404(Commissioner, commissioner_id)
    form = validated(CommissionerForm, json_body(),
                     base=current_fields(commissioner, COMMISSIONER_FIELDS),
                     round_choices=operations.round_choices())
    operations.update_commissioner(actor, commissioner, form.values())
    db.session.commit()
    return commissioner.to_dict(reveal())
