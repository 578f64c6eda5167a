"""The talent export as a background job, for lists longer than ``EXPORT_SYNC_LIMIT`` rows (the
1,000,000-row export took about 4 minutes inside one request)."""
from werkzeug.datastructures import MultiDict

from talent.auth.models import User
from talent.core import audit, timeutil
from talent.core.permissions import Permission
from talent.extensions import db
from talent.jobs import operations as jobs
from talent.registry import spreadsheet
from talent.registry.operations import TalentQuery

KIND = "registry.talents_export"


def run_export(job, progress):
    """Runs in the worker, as the requester: what they may see now (full ID numbers only if they
    still hold the right), audited as their export."""
    user = db.session.get(User, job.user_id)
    if user is None or not user.active or not user.can(Permission.TALENTS_EXPORT):
        raise PermissionError("requester may no longer export")
    reveal = bool(job.params.get("reveal")) and user.can(Permission.ID_NUMBERS_FULL)
    query = TalentQuery.from_args(MultiDict(job.params.get("args") or {}), by_id_number=reveal)
    progress(0, db.session.scalar(query.count()) or 0)
    output, rows = spreadsheet.export_talents(query, reveal=reveal, progress=progress)
    progress(rows, rows)
    audit.record_export(user, "talents", "科技人才信息库（后台导出）", query.filters(), rows, reveal)
    return output, f"科技人才信息库-{timeutil.file_stamp()}.xlsx"


jobs.register(KIND, "科技人才信息库导出", run_export)
