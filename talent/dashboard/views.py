"""The 工作台 and the audit log: both show what the installed features declare."""
from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select

from talent.core import features
from talent.core.audit import AuditEntry
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@require(Permission.SIGNED_IN)
def index():
    user = acting_user()
    if user.can(Permission.PORTAL):
        return redirect(url_for("portal.home"))
    return render_template("dashboard/index.html", panels=features.panels_for(user))


@bp.get("/audit")
@require(Permission.AUDIT_READ)
def audit_log():
    object_labels = features.audit_objects()
    object_type = request.args.get("object_type", "")
    actor = (request.args.get("actor") or "").strip()
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if object_type in object_labels:
        query = query.where(AuditEntry.object_type == object_type)
    if actor:
        query = query.where(AuditEntry.actor_name == actor)
    page = paginate(query, request.args)
    return render_template(
        "dashboard/audit.html", page=page, object_labels=object_labels,
        action_labels=features.audit_actions(), object_type=object_type, actor=actor,
        field_labels=features.audit_fields(),
    )
