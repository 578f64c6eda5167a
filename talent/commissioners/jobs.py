"""The service-log export as a background job, for lists longer than ``EXPORT_SYNC_LIMIT`` rows
(the same jobs feature as the talent export: progress bar, requester-only download, 7 days)."""
from types import SimpleNamespace

from werkzeug.datastructures import MultiDict

from talent.auth.models import User
from talent.commissioners import operations, spreadsheet
from talent.core import audit, timeutil
from talent.core.permissions import Permission
from talent.extensions import db
from talent.jobs import operations as jobs

KIND = "commissioners.logs_export"


def filename() -> str:
    return f"科技特派员服务日志-{timeutil.file_stamp()}.xlsx"


def record_export(user, query: operations.LogQuery, rows: int, background: bool = False) -> None:
    marker = SimpleNamespace(__tablename__="service_logs", id=0)
    audit.record(user, "export", marker, {"filters": [None, query.args()], "rows": [None, rows]},
                 summary=f"导出服务日志 {rows} 条" + ("（后台导出）" if background else ""))


def write(user, query: operations.LogQuery, progress=None, background: bool = False):
    """The export written and audited: (file, download name)."""
    output, rows = spreadsheet.export_logs(user, query, progress=progress)
    record_export(user, query, rows, background)
    return output, filename()


def run_export(job, progress):
    """Runs in the worker, as the requester: the logs they may read now, audited as their export."""
    user = db.session.get(User, job.user_id)
    if (user is None or not user.active or not user.can(Permission.COMMISSIONERS_STAFF)
            or not operations.can_read_all(user)):
        raise PermissionError("requester may no longer export service logs")
    query = operations.LogQuery.from_args(MultiDict(job.params.get("args") or {}))
    progress(0, db.session.scalar(query.count(user)) or 0)
    return write(user, query, progress, background=True)


jobs.register(KIND, "科技特派员服务日志导出", run_export)
