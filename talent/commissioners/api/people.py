"""API: commissioners."""
from flask import request

from talent.commissioners import operations
from talent.commissioners.api.common import (
    bp,
    create_record,
    created_response,
    load_or_404,
    patch_record,
    reader,
    reveal,
)
from talent.commissioners.forms import (
    CommissionerForm,
)
from talent.commissioners.models import (
    Commissioner,
)
from talent.core.api import page_envelope, validated
from talent.core.formschema import api_body
from talent.core.pagination import paginate
from talent.core.permissions import Permission, require

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


def _commissioner_form(body: dict, base: dict) -> CommissionerForm:
    return validated(CommissionerForm, body, base=base, round_choices=operations.round_choices())


@bp.post("/commissioners")
@api_body(CommissionerForm, defaults=COMMISSIONER_DEFAULTS)
@require(Permission.COMMISSIONERS_MANAGE)
def commissioner_create():
    commissioner = create_record(_commissioner_form, operations.create_commissioner,
                                 COMMISSIONER_DEFAULTS)
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
    return patch_record(Commissioner, commissioner_id, COMMISSIONER_FIELDS, _commissioner_form,
                        operations.update_commissioner).to_dict(reveal())
