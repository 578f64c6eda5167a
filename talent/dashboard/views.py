"""The 工作台 and the audit log: both show what the installed features declare."""
from flask import Blueprint, redirect, render_template, request, send_file, url_for

from talent.core import features
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.replica import reads_replica
from talent.core.spreadsheet import XLSX_MIMETYPE
from talent.core.timeutil import file_stamp
from talent.dashboard.export import export_audit_log
from talent.dashboard.queries import AuditQuery
from talent.extensions import db

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@require(Permission.SIGNED_IN)
@reads_replica
def index():
    user = acting_user()
    if user.can(Permission.PORTAL):
        return redirect(url_for("portal.home"))
    home = features.home_for(user)
    if home:
        return redirect(home)
    return render_template("dashboard/index.html", panels=features.panels_for(user))


@bp.get("/audit")
@require(Permission.AUDIT_READ)
def audit_log():
    object_labels, action_labels = features.audit_objects(), features.audit_actions()
    query = AuditQuery.from_labels(request.args, object_labels, action_labels)
    page = paginate(query.select(), request.args, query.count())
    return render_template(
        "dashboard/audit.html", page=page, query=query, object_labels=object_labels,
        action_labels=action_labels, field_labels=features.audit_fields(),
    )


@bp.get("/audit.xlsx")
@require(Permission.AUDIT_READ)
@reads_replica(exact=True)
def audit_export():
    query = AuditQuery.from_labels(request.args, features.audit_objects(), features.audit_actions())
    output = export_audit_log(acting_user(), query)
    db.session.commit()  # the export's own entry
    return send_file(output, mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"操作日志-{file_stamp()}.xlsx")
