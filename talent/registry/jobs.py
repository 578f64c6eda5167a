"""The talent export as a background job, for lists longer than ``EXPORT_SYNC_LIMIT`` rows (the
1,000,000-row export took about 4 minutes inside one request)."""
from werkzeug.datastructures import MultiDict

from talent.auth.models import User
from talent.core import audit, timeutil
from talent.core.permissions import Permission
from talent.core.spreadsheet import read_xlsx
from talent.core.uploads import upload_root
from talent.extensions import db
from talent.jobs import operations as jobs
from talent.registry import spreadsheet
from talent.registry.operations import TalentQuery

KIND = "registry.talents_export"


def write(user, query: TalentQuery, reveal: bool, progress=None, background: bool = False):
    """The export written and audited: (file, download name)."""
    output, rows = spreadsheet.export_talents(query, reveal=reveal, progress=progress)
    audit.record_export(user, "talents", "科技人才信息库" + ("（后台导出）" if background else ""),
                        query.filters(), rows, reveal)
    return output, f"科技人才信息库-{timeutil.file_stamp()}.xlsx"


def run_export(job, progress):
    """Runs in the worker, as the requester: what they may see now (full ID numbers only if they
    still hold the right), audited as their export."""
    user = db.session.get(User, job.user_id)
    if user is None or not user.active or not user.can(Permission.TALENTS_EXPORT):
        raise PermissionError("requester may no longer export")
    reveal = bool(job.params.get("reveal")) and user.can(Permission.ID_NUMBERS_FULL)
    query = TalentQuery.from_args(MultiDict(job.params.get("args") or {}), by_id_number=reveal)
    progress(0, db.session.scalar(query.count()) or 0)
    return write(user, query, reveal, progress, background=True)


jobs.register(KIND, "科技人才信息库导出", run_export)


IMPORT_KIND = "registry.talents_import"


def import_path(stored: str):
    return upload_root("imports") / stored


def run_import(job, progress):
    """A large import, in the worker: the same all-or-nothing validation as the page; the file is
    deleted once read. The report (counts and the first 200 errors) is kept on the job."""
    user = db.session.get(User, job.user_id)
    if user is None or not user.active or not user.can(Permission.TALENTS_WRITE):
        raise PermissionError("requester may no longer import")
    path = import_path(job.params["stored"])
    try:
        with open(path, "rb") as stream:
            sheet = read_xlsx(stream, spreadsheet.REQUIRED_HEADERS)
    finally:
        path.unlink(missing_ok=True)
    progress(0, len(sheet.rows))
    report = spreadsheet.import_talents(user, sheet)
    if not report.ok:
        db.session.rollback()
        job = db.session.get(type(job), job.id)
    summary = (f"完成：共导入 {len(report.created)} 名人才" if report.ok
               else f"未通过：{len(report.errors)} 处错误，未导入任何数据")
    job.params = {**job.params, "result": {"ok": report.ok, "created": len(report.created),
                                           "total": report.total, "summary": summary,
                                           "errors": [list(e) for e in report.errors[:200]]}}
    # No progress write after the import's own writes: on SQLite that second connection would wait
    # for this transaction's lock. The worker marks the job done with it.
    db.session.flush()
    return None, job.params.get("filename", "")


jobs.register(IMPORT_KIND, "科技人才信息导入", run_import)
