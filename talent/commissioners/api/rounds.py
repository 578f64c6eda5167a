"""API: selection rounds."""
from dataclasses import replace

from flask import abort, request

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
from talent.commissioners.models import Commissioner, SelectionRound
from talent.core import timeutil
from talent.core.api import json_body, page_envelope, validated
from talent.core.errors import ApiError
from talent.core.formschema import api_body
from talent.core.pagination import paginate
from talent.core.permissions import Permission, require
from talent.extensions import db

# --- rounds -----------------------------------------------------------------------------------------
ROUND_FIELDS = ("year", "level", "name", "starts_on", "ends_on", "checkin")


def round_body(selection_round: SelectionRound) -> dict:
    """A round with the scoring rules in force (``version`` 0: the defaults)."""
    rules = operations.rules_of_round(selection_round.id)
    return {**selection_round.to_dict(),
            "scoring_rules": {"version": rules.version, **rules.rules}}


def _split_rules(body: dict):
    body = dict(body)
    return body, body.pop("scoring_rules", None)


def _publish(actor, selection_round: SelectionRound, rules) -> None:
    if rules is not None:
        operations.set_rules(actor, selection_round, rules)


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
    return page_envelope(page, round_body)


@bp.post("/rounds")
@api_body(RoundForm)
@require(Permission.COMMISSIONERS_MANAGE)
def round_create():
    actor = manager()
    body, rules = _split_rules(json_body())
    form = validated(RoundForm, body)
    selection_round = operations.create_round(actor, form.values())
    _publish(actor, selection_round, rules)
    db.session.commit()
    return created_response(round_body(selection_round), ".round_show", round_id=selection_round.id)


@bp.get("/rounds/<int:round_id>")
@require(Permission.COMMISSIONERS_READ)
def round_show(round_id: int):
    return round_body(load_or_404(SelectionRound, round_id))


@bp.patch("/rounds/<int:round_id>")
@api_body(RoundForm, partial=True)
@require(Permission.COMMISSIONERS_MANAGE)
def round_patch(round_id: int):
    actor = manager()
    selection_round = load_or_404(SelectionRound, round_id)
    body, rules = _split_rules(json_body())
    form = validated(RoundForm, body, base=current_fields(selection_round, ROUND_FIELDS))
    operations.update_round(actor, selection_round, form.values())
    _publish(actor, selection_round, rules)
    db.session.commit()
    return round_body(selection_round)


@bp.get("/rounds/<int:round_id>/assessment")
@require(Permission.COMMISSIONERS_STAFF)
def round_assessment(round_id: int):
    """The round's commissioners scored for ``year`` (default: this year) by its rules, one page
    at a time: only the page's commissioners are scored (a whole county round of ~1,250 took
    about 2 s in one answer), and the total is capped like every list (``?exact=1``)."""
    user = reader()
    if not operations.can_read_all(user):
        abort(403)
    selection_round = load_or_404(SelectionRound, round_id)
    year = int_arg("year") or timeutil.today().year
    if not 2000 <= year <= 2100:
        raise ApiError(422, "年度应在 2000 至 2100 之间", fields={"year": ["年度无效"]})
    page = paginate(operations.assessment_query(year)
                    .where(Commissioner.round_id == selection_round.id), request.args)
    scored = replace(page, items=operations.scored_rows(year, page.items))
    return {"round_id": selection_round.id, "year": year,
            **page_envelope(scored, lambda row: row.to_dict())}
