"""API: assignments."""
from flask import request

from talent.commissioners import operations
from talent.commissioners.api.common import (
    bp,
    create_record,
    created_response,
    load_or_404,
    patch_record,
    reader,
)
from talent.commissioners.forms import (
    AssignmentForm,
)
from talent.commissioners.models import (
    Assignment,
    Commissioner,
    ServiceTarget,
)
from talent.core.api import page_envelope, validated
from talent.core.formschema import api_body
from talent.core.pagination import paginate
from talent.core.permissions import Permission, require
from talent.core.validators import bounded_int
from talent.extensions import db

# --- assignments ------------------------------------------------------------------------------------
ASSIGNMENT_FIELDS = ("commissioner_id", "target_id", "starts_on", "ends_on", "needs", "status")


def _assignment_form(body: dict, base: dict) -> AssignmentForm:
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
    page = paginate(query.select(reader()), request.args)
    return page_envelope(page, Assignment.to_dict)


@bp.post("/assignments")
@api_body(AssignmentForm, defaults={"status"})
@require(Permission.COMMISSIONERS_MANAGE)
def assignment_create():
    assignment = create_record(_assignment_form, operations.create_assignment, {"status": "active"})
    return created_response(assignment.to_dict(), ".assignment_show", assignment_id=assignment.id)


@bp.get("/assignments/<int:assignment_id>")
@require(Permission.COMMISSIONERS_READ)
def assignment_show(assignment_id: int):
    return load_or_404(Assignment, assignment_id).to_dict()


@bp.patch("/assignments/<int:assignment_id>")
@api_body(AssignmentForm, partial=True)
@require(Permission.COMMISSIONERS_MANAGE)
def assignment_patch(assignment_id: int):
    return patch_record(Assignment, assignment_id, ASSIGNMENT_FIELDS, _assignment_form,
                        operations.update_assignment).to_dict()
