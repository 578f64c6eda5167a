"""The commissioner API of DESIGN.md: rounds, commissioners, service targets, assignments,
service logs and projects — GET list with filters, POST, ``/<id>`` GET and PATCH.

Staff (县科工信局, admin) write; ``org`` reads; a commissioner reads their own rows and writes
their own service logs — anyone else's row is a 404.
"""
from flask import Blueprint, abort, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from talent.commissioners import choices, operations
from talent.commissioners.forms import (
    AssignmentForm,
    CommissionerForm,
    ProjectForm,
    ReturnForm,
    RoundForm,
    ServiceLogForm,
    TargetForm,
)
from talent.commissioners.models import (
    Assignment,
    Commissioner,
    Project,
    SelectionRound,
    ServiceLog,
    ServiceTarget,
)
from talent.core.api import json_body, page_envelope, validated
from talent.core.errors import ApiError
from talent.core.formschema import api_body
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.validators import bounded_int
from talent.extensions import db

bp = Blueprint("commissioners_api", __name__, url_prefix="/api/v1")


def _reader():
    user = acting_user()
    operations.check_reader(user)
    return user


def _manager():
    user = acting_user()
    operations.check_manager(user)
    return user


def _load(model, object_id: int):
    return operations.load_visible(_reader(), model, object_id) or abort(404)


def _int(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _reveal() -> bool:
    return acting_user().can(Permission.ID_NUMBERS_FULL)


def _fields(obj, names) -> dict:
    """The current values of a record as a form reads them (the base of a PATCH)."""
    values = {}
    for name in names:
        value = getattr(obj, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def _created(body: dict, endpoint: str, **ids):
    return body, 201, {"Location": url_for(endpoint, **ids)}


# --- rounds -------------------------------------------------------------------------------------

ROUND_FIELDS = ("year", "level", "name", "starts_on", "ends_on")


@bp.get("/rounds")
@require(Permission.COMMISSIONERS_READ)
def round_index():
    query = operations.visible_to(_reader(), SelectionRound)
    if (year := _int("year")) is not None:
        query = query.where(SelectionRound.year == year)
    if (level := request.args.get("level")) in choices.LEVELS:
        query = query.where(SelectionRound.level == level)
    page = paginate(query.order_by(SelectionRound.year.desc(), SelectionRound.id.desc()),
                    request.args)
    return page_envelope(page, SelectionRound.to_dict)


@bp.post("/rounds")
@api_body(RoundForm)
@require(Permission.COMMISSIONERS_MANAGE)
def round_create():
    actor = _manager()
    form = validated(RoundForm, json_body())
    selection_round = operations.create_round(actor, form.values())
    db.session.commit()
    return _created(selection_round.to_dict(), ".round_show", round_id=selection_round.id)


@bp.get("/rounds/<int:round_id>")
@require(Permission.COMMISSIONERS_READ)
def round_show(round_id: int):
    return _load(SelectionRound, round_id).to_dict()


@bp.patch("/rounds/<int:round_id>")
@api_body(RoundForm, partial=True)
@require(Permission.COMMISSIONERS_MANAGE)
def round_patch(round_id: int):
    actor = _manager()
    selection_round = _load(SelectionRound, round_id)
    form = validated(RoundForm, json_body(), base=_fields(selection_round, ROUND_FIELDS))
    operations.update_round(actor, selection_round, form.values())
    db.session.commit()
    return selection_round.to_dict()


# --- commissioners ------------------------------------------------------------------------------

COMMISSIONER_FIELDS = ("name", "id_number", "phone", "employer", "expertise", "field", "level",
                       "three_regions", "talent_id", "round_id", "status")
COMMISSIONER_DEFAULTS = {"status": "active", "three_regions": False}


@bp.get("/commissioners")
@require(Permission.COMMISSIONERS_READ)
def commissioner_index():
    user = _reader()
    query = operations.CommissionerQuery.from_args(request.args)
    page = paginate(query.select(user), request.args)
    reveal = _reveal()
    return page_envelope(page, lambda c: c.to_dict(reveal))


@bp.post("/commissioners")
@api_body(CommissionerForm, defaults=COMMISSIONER_DEFAULTS)
@require(Permission.COMMISSIONERS_MANAGE)
def commissioner_create():
    actor = _manager()
    form = validated(CommissionerForm, json_body(), base=COMMISSIONER_DEFAULTS,
                     round_choices=operations.round_choices())
    commissioner = operations.create_commissioner(actor, form.values())
    db.session.commit()
    return _created(commissioner.to_dict(_reveal()), ".commissioner_show",
                    commissioner_id=commissioner.id)


@bp.get("/commissioners/<int:commissioner_id>")
@require(Permission.COMMISSIONERS_READ)
def commissioner_show(commissioner_id: int):
    return _load(Commissioner, commissioner_id).to_dict(_reveal())


@bp.patch("/commissioners/<int:commissioner_id>")
@api_body(CommissionerForm, partial=True)
@require(Permission.COMMISSIONERS_MANAGE)
def commissioner_patch(commissioner_id: int):
    actor = _manager()
    commissioner = _load(Commissioner, commissioner_id)
    form = validated(CommissionerForm, json_body(),
                     base=_fields(commissioner, COMMISSIONER_FIELDS),
                     round_choices=operations.round_choices())
    operations.update_commissioner(actor, commissioner, form.values())
    db.session.commit()
    return commissioner.to_dict(_reveal())


# --- service targets ----------------------------------------------------------------------------

TARGET_FIELDS = ("name", "kind", "uscc", "address", "contact", "phone")


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
    page = paginate(query.select(_reader()), request.args)
    return page_envelope(page, ServiceTarget.to_dict)


# ``town`` travels by name in the API (see _target_body); the form itself takes ``town_id``.
TOWN_PROPERTY = {"town": {"type": "string", "enum": [name for name, _kind in choices.TOWNS]}}


@bp.post("/service-targets")
@api_body(TargetForm, exclude={"town_id"}, extra=TOWN_PROPERTY, require={"town"})
@require(Permission.COMMISSIONERS_MANAGE)
def target_create():
    actor = _manager()
    form = validated(TargetForm, _target_body(), town_choices=operations.town_choices())
    target = operations.create_target(actor, form.values())
    db.session.commit()
    return _created(_target_response(target, form), ".target_show", target_id=target.id)


@bp.get("/service-targets/<int:target_id>")
@require(Permission.COMMISSIONERS_READ)
def target_show(target_id: int):
    return _load(ServiceTarget, target_id).to_dict()


@bp.patch("/service-targets/<int:target_id>")
@api_body(TargetForm, partial=True, exclude={"town_id"}, extra=TOWN_PROPERTY)
@require(Permission.COMMISSIONERS_MANAGE)
def target_patch(target_id: int):
    actor = _manager()
    target = _load(ServiceTarget, target_id)
    base = {**_fields(target, TARGET_FIELDS), "town_id": target.town_id}
    form = validated(TargetForm, _target_body(), base=base, town_choices=operations.town_choices())
    operations.update_target(actor, target, form.values())
    db.session.commit()
    return _target_response(target, form)


# --- assignments --------------------------------------------------------------------------------

ASSIGNMENT_FIELDS = ("commissioner_id", "target_id", "starts_on", "ends_on", "needs", "status")


def _assignment_form(body: dict, base: dict | None = None) -> AssignmentForm:
    merged = {**(base or {}), **body}
    ids = {k: bounded_int(merged.get(k)) for k in ("commissioner_id", "target_id")}
    # Only the ids named are offered as choices: no need to load every commissioner and target.
    commissioners = [(c.id, c.name) for c in [db.session.get(Commissioner, ids["commissioner_id"])
                                              if ids["commissioner_id"] is not None else None]
                     if c is not None]
    targets = [(t.id, t.name) for t in [db.session.get(ServiceTarget, ids["target_id"])
                                        if ids["target_id"] is not None else None]
               if t is not None]
    return validated(AssignmentForm, body, base=base, commissioner_choices=commissioners,
                     target_choices=targets)


@bp.get("/assignments")
@require(Permission.COMMISSIONERS_READ)
def assignment_index():
    query = operations.AssignmentQuery.from_args(request.args)
    page = paginate(query.select(_reader()), request.args)
    return page_envelope(page, Assignment.to_dict)


@bp.post("/assignments")
@api_body(AssignmentForm, defaults={"status"})
@require(Permission.COMMISSIONERS_MANAGE)
def assignment_create():
    actor = _manager()
    form = _assignment_form(json_body(), base={"status": "active"})
    assignment = operations.create_assignment(actor, form.values())
    db.session.commit()
    return _created(assignment.to_dict(), ".assignment_show", assignment_id=assignment.id)


@bp.get("/assignments/<int:assignment_id>")
@require(Permission.COMMISSIONERS_READ)
def assignment_show(assignment_id: int):
    return _load(Assignment, assignment_id).to_dict()


@bp.patch("/assignments/<int:assignment_id>")
@api_body(AssignmentForm, partial=True)
@require(Permission.COMMISSIONERS_MANAGE)
def assignment_patch(assignment_id: int):
    actor = _manager()
    assignment = _load(Assignment, assignment_id)
    form = _assignment_form(json_body(), base=_fields(assignment, ASSIGNMENT_FIELDS))
    operations.update_assignment(actor, assignment, form.values())
    db.session.commit()
    return assignment.to_dict()


# --- service logs -------------------------------------------------------------------------------

LOG_FIELDS = ("assignment_id", "served_on", "kind", "content", "hours", "trained_count",
              "technologies", "location")


def _writer():
    """A commissioner writes their own logs; 县科工信局 staff and admin may enter one for anyone."""
    user = acting_user()
    if not (operations.own_commissioner_id(user) or operations.can_manage(user)):
        if user.role == "commissioner":
            raise ApiError(403, "您的账户尚未关联科技特派员档案，请联系县科工信局")
        raise ApiError(403)
    return user


def _log_form(user, body: dict, base: dict | None = None) -> ServiceLogForm:
    merged = {**(base or {}), **body}
    wanted = bounded_int(merged.get("assignment_id"))
    choices_ = []
    if wanted is not None:
        assignment = operations.load_visible(user, Assignment, wanted)
        if assignment is not None:
            choices_ = [(assignment.id, assignment.target.name)]
    return validated(ServiceLogForm, body, base=base, assignment_choices=choices_)


@bp.get("/service-logs")
@require(Permission.COMMISSIONERS_READ)
def log_index():
    user = _reader()
    query = operations.LogQuery.from_args(request.args)
    page = paginate(query.select(user).options(selectinload(ServiceLog.photos)), request.args,
                    count_query=query.count(user))
    return page_envelope(page, ServiceLog.to_dict)


@bp.post("/service-logs")
@api_body(ServiceLogForm)
@require(Permission.SERVICE_LOGS_WRITE)
def log_create():
    """201 with the new log; 200 with the first log when its ``client_key`` was seen before."""
    user = _writer()
    form = _log_form(user, json_body())
    assignment = db.session.get(Assignment, form.assignment_id.data)
    log, created = operations.create_log(user, assignment, form.values(), form.client_key.data)
    db.session.commit()
    if not created:
        return log.to_dict(), 200
    return _created(log.to_dict(), ".log_show", log_id=log.id)


@bp.get("/service-logs/<int:log_id>")
@require(Permission.COMMISSIONERS_READ)
def log_show(log_id: int):
    return _load(ServiceLog, log_id).to_dict()


@bp.patch("/service-logs/<int:log_id>")
@api_body(ServiceLogForm, partial=True, version=True, exclude={"client_key"})
@require(Permission.SERVICE_LOGS_WRITE)
def log_patch(log_id: int):
    user = _writer()
    log = _load(ServiceLog, log_id)
    body = json_body()
    if "client_key" in body:
        raise ApiError(422, fields={"client_key": ["创建后不能修改"]})
    form = _log_form(user, body, base=_fields(log, LOG_FIELDS))
    operations.update_log(user, log, form.values(), form.version.data)
    db.session.commit()
    return log.to_dict()


@bp.post("/service-logs/<int:log_id>/confirm")
@require(Permission.COMMISSIONERS_MANAGE)
def log_confirm(log_id: int):
    actor = _manager()
    log = _load(ServiceLog, log_id)
    operations.confirm_log(actor, log)
    db.session.commit()
    return log.to_dict()


@bp.post("/service-logs/<int:log_id>/return")
@api_body(ReturnForm)
@require(Permission.COMMISSIONERS_MANAGE)
def log_return(log_id: int):
    actor = _manager()
    log = _load(ServiceLog, log_id)
    form = validated(ReturnForm, json_body())
    operations.return_log(actor, log, form.comment.data,
                          link=url_for("field.log_edit", log_id=log.id))
    db.session.commit()
    return log.to_dict()


# --- projects -----------------------------------------------------------------------------------

PROJECT_FIELDS = ("name", "level", "kind", "year", "funding", "commissioner_id", "target_id",
                  "status")


def _project_form(body: dict, base: dict | None = None) -> ProjectForm:
    merged = {**(base or {}), **body}
    commissioner, target = merged.get("commissioner_id"), merged.get("target_id")
    commissioners = [(c.id, c.name) for c in db.session.scalars(
        select(Commissioner).where(Commissioner.id == commissioner))] \
        if isinstance(commissioner, int) else []
    targets = [(t.id, t.name) for t in db.session.scalars(
        select(ServiceTarget).where(ServiceTarget.id == target))] if isinstance(target, int) else []
    return validated(ProjectForm, body, base=base, commissioner_choices=commissioners,
                     target_choices=targets)


@bp.get("/projects")
@require(Permission.COMMISSIONERS_READ)
def project_index():
    query = operations.visible_to(_reader(), Project)
    if (year := _int("year")) is not None:
        query = query.where(Project.year == year)
    if (level := request.args.get("level")) in choices.PROJECT_LEVELS:
        query = query.where(Project.level == level)
    if (commissioner := _int("commissioner_id")) is not None:
        query = query.where(Project.commissioner_id == commissioner)
    page = paginate(query.order_by(Project.year.desc(), Project.id.desc()), request.args)
    return page_envelope(page, Project.to_dict)


@bp.post("/projects")
@api_body(ProjectForm, defaults={"kind", "status"})
@require(Permission.COMMISSIONERS_MANAGE)
def project_create():
    actor = _manager()
    form = _project_form(json_body(), base={"kind": "rural_revitalization", "status": "approved"})
    project = operations.create_project(actor, form.values())
    db.session.commit()
    return _created(project.to_dict(), ".project_show", project_id=project.id)


@bp.get("/projects/<int:project_id>")
@require(Permission.COMMISSIONERS_READ)
def project_show(project_id: int):
    return _load(Project, project_id).to_dict()


@bp.patch("/projects/<int:project_id>")
@api_body(ProjectForm, partial=True)
@require(Permission.COMMISSIONERS_MANAGE)
def project_patch(project_id: int):
    actor = _manager()
    project = _load(Project, project_id)
    form = _project_form(json_body(), base=_fields(project, PROJECT_FIELDS))
    operations.update_project(actor, project, form.values())
    db.session.commit()
    return project.to_dict()
