"""API: projects."""
from flask import request
from sqlalchemy import select

from talent.commissioners import choices, operations
from talent.commissioners.api.common import (
    bp,
    create_record,
    created_response,
    int_arg,
    load_or_404,
    patch_record,
    reader,
)
from talent.commissioners.assessment_models import Project
from talent.commissioners.forms import (
    ProjectForm,
)
from talent.commissioners.models import Commissioner, ServiceTarget
from talent.core.api import page_envelope, validated
from talent.core.formschema import api_body
from talent.core.pagination import paginate
from talent.core.permissions import Permission, require
from talent.extensions import db

# --- projects ---------------------------------------------------------------------------------------
PROJECT_FIELDS = ("name", "level", "kind", "year", "funding", "commissioner_id", "target_id",
                  "status")


def _project_form(body: dict, base: dict) -> ProjectForm:
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
    query = operations.visible_to(reader(), Project)
    if (year := int_arg("year")) is not None:
        query = query.where(Project.year == year)
    if (level := request.args.get("level")) in choices.PROJECT_LEVELS:
        query = query.where(Project.level == level)
    if (commissioner := int_arg("commissioner_id")) is not None:
        query = query.where(Project.commissioner_id == commissioner)
    page = paginate(query.order_by(Project.year.desc(), Project.id.desc()), request.args)
    return page_envelope(page, Project.to_dict)


@bp.post("/projects")
@api_body(ProjectForm, defaults={"kind", "status"})
@require(Permission.COMMISSIONERS_MANAGE)
def project_create():
    project = create_record(_project_form, operations.create_project,
                            {"kind": "rural_revitalization", "status": "approved"})
    return created_response(project.to_dict(), ".project_show", project_id=project.id)


@bp.get("/projects/<int:project_id>")
@require(Permission.COMMISSIONERS_READ)
def project_show(project_id: int):
    return load_or_404(Project, project_id).to_dict()


@bp.patch("/projects/<int:project_id>")
@api_body(ProjectForm, partial=True)
@require(Permission.COMMISSIONERS_MANAGE)
def project_patch(project_id: int):
    return patch_record(Project, project_id, PROJECT_FIELDS, _project_form,
                        operations.update_project).to_dict()
