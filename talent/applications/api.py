"""/api/v1/card-applications (DESIGN.md, "Added in the third round")."""
from flask import Blueprint, abort, request, url_for

from talent.applications import operations
from talent.applications.forms import TransitionForm
from talent.applications.models import STATUSES, CardApplication
from talent.core.api import json_body, page_envelope, validated
from talent.core.errors import ApiError
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.validators import bounded_int
from talent.employers import operations as employers
from talent.employers.models import Employer
from talent.extensions import db
from talent.registry.models import Talent

bp = Blueprint("applications_api", __name__, url_prefix="/api/v1")


def _load(application_id: int) -> CardApplication:
    query = operations.visible_to(acting_user()).where(CardApplication.id == application_id)
    return db.session.scalar(query) or abort(404)


@bp.get("/card-applications")
@require(Permission.CARD_APPLICATIONS)
def index():
    query = operations.visible_to(acting_user())
    status = request.args.get("status", "")
    if status in STATUSES:
        query = query.where(CardApplication.status == status)
    talent_id = bounded_int(request.args.get("talent_id"))
    if talent_id:
        query = query.where(CardApplication.talent_id == talent_id)
    return page_envelope(paginate(query.order_by(CardApplication.id.desc()), request.args),
                         CardApplication.to_dict)


def _id(body: dict, name: str, required: bool) -> int | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or bounded_int(value) is None:
        raise ApiError(422, fields={name: ["请提供编号（正整数）"]})
    return value


@bp.post("/card-applications")
@require(Permission.CARD_APPLICATIONS)
def create():
    user = acting_user()
    body = json_body()
    unknown = sorted(set(body) - {"talent_id", "employer_id", "note"})
    if unknown:
        raise ApiError(422, fields={name: ["未知字段"] for name in unknown})
    note = body.get("note", "")
    if not isinstance(note, str) or len(note) > 1000:
        raise ApiError(422, fields={"note": ["应为不超过1000个字的文字"]})
    if user.role == "talent":
        talent_id = body.get("talent_id", user.talent_id)
        if talent_id != user.talent_id:
            raise ApiError(403, "只能为本人申请")
    else:
        talent_id = _id(body, "talent_id", required=True)
    talent = db.session.get(Talent, talent_id or 0)
    if talent is None:
        raise ApiError(422, fields={"talent_id": ["没有这个人才"]})
    employer_id = _id(body, "employer_id", required=False)
    if employer_id is None:
        current = user.employer_id if user.role == "employer" else getattr(
            employers.employer_of(talent.id), "id", None)
        employer_id = current
    employer = db.session.get(Employer, employer_id or 0)
    if employer is None:
        raise ApiError(422, fields={"employer_id": ["请提供用人单位编号（employer_id）"]})
    application = operations.apply(user, talent, employer, note)
    db.session.commit()
    return application.to_dict(), 201, {"Location": url_for(".show", application_id=application.id)}


@bp.get("/card-applications/<int:application_id>")
@require(Permission.CARD_APPLICATIONS)
def show(application_id: int):
    return _load(application_id).to_dict()


@bp.post("/card-applications/<int:application_id>/transition")
@require(Permission.CARD_APPLICATIONS)
def transition(application_id: int):
    application = _load(application_id)
    body = json_body()
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ApiError(422, "请提供读取申请时得到的 version",
                       fields={"version": ["请提供读取时的 version（整数）"]})
    form = validated(TransitionForm, body)
    operations.transition(acting_user(), application, form.to.data, form.note.data or "", version)
    db.session.commit()
    return application.to_dict()
