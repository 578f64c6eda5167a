"""API: selection rounds."""
from flask import request

from talent.commissioners import choices, operations
from talent.commissioners.api.common import (
    bp,
    created_response,
    current_fields,
    int_arg,
    load_or_404,
    manager,
    reader,
)
from talent.commissioners.forms import (
    RoundForm,
)
from talent.commissioners.models import (
    SelectionRound,
)
from talent.core.api import json_body, page_envelope, validated
from talent.core.pagination import paginate
from talent.core.permissions import Permission, require
from talent.extensions import db

# --- rounds -----------------------------------------------------------------------------------------
ROUND_FIELDS = ("year", "level", "name", "starts_on", "ends_on")


@bp.get("/rounds")
@require(Permission.COMMISSIONERS_READ)
def round_index():
    query = operations.visible_to(reader(), SelectionRound)
    if (year := int_arg("year")) is not None:
        query = query.where(SelectionRound.year == year)
    if (level := request.args.get("level")) in choices.LEVELS:
        query = query.where(SelectionRound.level == level)
    page = paginate(query.order_by(SelectionRound.year.desc(), SelectionRound.id.desc()),
                    request.args)
    return page_envelope(page, SelectionRound.to_dict)


@bp.post("/rounds")
@require(Permission.COMMISSIONERS_MANAGE)
def round_create():
    actor = manager()
    form = validated(RoundForm, json_body())
    selection_round = operations.create_round(actor, form.values())
    db.session.commit()
    return created_response(selection_round.to_dict(), ".round_show", round_id=selection_round.id)


@bp.get("/rounds/<int:round_id>")
@require(Permission.COMMISSIONERS_READ)
def round_show(round_id: int):
    return load_or_404(SelectionRound, round_id).to_dict()


@bp.patch("/rounds/<int:round_id>")
@require(Permission.COMMISSIONERS_MANAGE)
def round_patch(round_id: int):
    actor = manager()
    selection_round = load_or_404(SelectionRound, round_id)
    form = validated(RoundForm, json_body(), base=current_fields(selection_round, ROUND_FIELDS))
    operations.update_round(actor, selection_round, form.values())
    db.session.commit()
    return selection_round.to_dict()
