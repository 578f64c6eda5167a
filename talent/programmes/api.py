"""/api/v1/programmes and /api/v1/recommendations (DESIGN.md's contract)."""
from flask import Blueprint, abort, request, url_for
from sqlalchemy import select

from talent.core.api import json_body, page_envelope, validated
from talent.core.errors import ApiError
from talent.core.formschema import api_body
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.programmes import operations
from talent.programmes.forms import ProgrammeForm, RecommendationForm
from talent.programmes.models import LEVELS, Programme, Recommendation
from talent.programmes.operations import RecommendationQuery

bp = Blueprint("programmes_api", __name__, url_prefix="/api/v1")

# What GET answers but a client may not write; echoing them back is harmless.
DERIVED_FIELDS = frozenset({"talent_name", "programme", "level", "deadline", "attachment"})
WRITABLE = ("talent_id", "programme_id", "year", "source", "note", "outcome", "decided_on", "document_no")


@bp.get("/programmes")
@require(Permission.RECOMMENDATIONS_READ)
def programme_index():
    query = select(Programme).order_by(Programme.level, Programme.name)
    level = request.args.get("level", "")
    if level in LEVELS:
        query = query.where(Programme.level == level)
    if request.args.get("active") in ("true", "false"):
        query = query.where(Programme.active.is_(request.args["active"] == "true"))
    return page_envelope(paginate(query, request.args), Programme.to_dict)


@bp.post("/programmes")
@api_body(ProgrammeForm, defaults={"active"})
@require(Permission.PROGRAMMES_MANAGE)
def programme_create():
    form = validated(ProgrammeForm, json_body(), base={"active": True})
    programme = operations.create_programme(acting_user(), form.values())
    db.session.commit()
    return programme.to_dict(), 201


def _load(recommendation_id: int) -> Recommendation:
    query = operations.visible_to(acting_user()).where(Recommendation.id == recommendation_id)
    return db.session.scalar(query) or abort(404)


@bp.get("/recommendations")
@require(Permission.RECOMMENDATIONS_READ)
def recommendation_index():
    user = acting_user()
    query = RecommendationQuery.from_args(request.args)
    page = paginate(query.select(user), request.args, count_query=query.count(user))
    return page_envelope(page, Recommendation.to_dict)


def _body() -> dict:
    return {k: v for k, v in json_body().items() if k not in DERIVED_FIELDS}


@bp.post("/recommendations")
@api_body(RecommendationForm, defaults={"source", "outcome"})
@require(Permission.RECOMMENDATIONS_WRITE)
def recommendation_create():
    form = validated(RecommendationForm, _body(), base={"source": "other", "outcome": "pending"},
                     programme_choices=operations.programme_choices())
    recommendation, _effect = operations.recommend(acting_user(), form.values())
    db.session.commit()
    return recommendation.to_dict(), 201, {
        "Location": url_for(".recommendation_show", recommendation_id=recommendation.id)}


@bp.get("/recommendations/<int:recommendation_id>")
@require(Permission.RECOMMENDATIONS_READ)
def recommendation_show(recommendation_id: int):
    return _load(recommendation_id).to_dict()


@bp.patch("/recommendations/<int:recommendation_id>")
@api_body(RecommendationForm, partial=True, version=True)
@require(Permission.RECOMMENDATIONS_WRITE)
def recommendation_patch(recommendation_id: int):
    recommendation = _load(recommendation_id)
    body = _body()
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ApiError(422, "请提供读取记录时得到的 version，以免覆盖他人的修改",
                       fields={"version": ["请提供读取时的 version（整数）"]})
    current = recommendation.to_dict()
    base = {k: current[k] for k in WRITABLE}
    form = validated(RecommendationForm, body, base=base,
                     programme_choices=operations.programme_choices(recommendation.call.programme_id))
    operations.update_recommendation(acting_user(), recommendation, form.values(), version)
    db.session.commit()
    return recommendation.to_dict()
