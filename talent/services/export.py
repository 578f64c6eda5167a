"""The service-request 台账: the staff queue as filtered, as a workbook. Lists longer than
``EXPORT_SYNC_LIMIT`` rows are written by the worker (the jobs feature: progress bar,
requester-only download, kept 7 days). ID numbers are whole only for those who may see them."""
from werkzeug.datastructures import MultiDict

from talent.auth.models import User
from talent.core import audit, timeutil
from talent.core.permissions import Permission
from talent.core.spreadsheet import Counted, write_xlsx
from talent.core.timeutil import local
from talent.extensions import db
from talent.jobs import operations as jobs
from talent.services import operations as services

KIND = "services.requests_export"

HEADERS = ["编号", "服务事项", "标题", "申请人", "证件号码", "联系电话", "工作单位", "办理单位", "状态",
           "优先", "提交时间", "受理期限", "受理日期", "办结期限", "超期", "办结日期", "按时办结",
           "办理用时（工作日）", "重新办理次数", "评分"]
WIDTHS = [16, 18, 30, 10, 22, 14, 28, 18, 10, 6, 18, 12, 12, 12, 6, 12, 10, 12, 10, 6]
YES, NO = "是", "否"


def queue_query(user, args) -> services.RequestQuery:
    """The queue's filters as the page reads them: 未办结 unless a status is asked for, and a unit's
    clerk on the unit's own queue unless another unit is asked for."""
    args = MultiDict(args)
    if "status" not in args:
        args["status"] = services.RequestQuery.OPEN
    query = services.RequestQuery.from_args(args)
    if user.role == "unit" and not args.get("unit_id"):
        query = services.RequestQuery(**{**query.__dict__, "unit_id": user.unit_id})
    return query


def may_see_id_numbers(user) -> bool:
    return user.can(Permission.ID_NUMBERS_FULL)


def _flag(value: bool | None) -> str:
    return "" if value is None else YES if value else NO


def export_requests(user, query: services.RequestQuery, progress=None):
    """Streams the list ``user`` may see into a workbook, a thousand rows at a time; returns the
    file and how many rows it holds (``progress(rows)`` every thousand)."""
    today = timeutil.today()
    reveal = may_see_id_numbers(user)
    statement = services.with_related(query.select(user, today)).execution_options(yield_per=1000)
    requests = Counted(db.session.scalars(statement), progress)

    def rows():
        for req in requests:
            talent = req.talent
            # A reopened request keeps its last completion's date: shown only while it stands.
            completed = req.status == "completed"
            yield [req.number, req.type.name, req.title, talent.name, talent.shown_id_number(reveal),
                   talent.phone, talent.employer, req.unit.name, req.status_label,
                   YES if req.priority else "", local(req.created_at), req.accept_due_on,
                   req.accepted_on, req.due_on, YES if req.is_overdue(today) else "",
                   req.completed_on if completed else None, _flag(req.on_time) if completed else "",
                   req.handling_days if completed else None, req.reopen_count, req.rating]

    return write_xlsx("服务申请台账", HEADERS, rows(), WIDTHS), requests.count


def record_export(user, query: services.RequestQuery, rows: int, background: bool = False) -> None:
    audit.record_export(user, "service_requests", "服务申请台账" + ("（后台导出）" if background else ""),
                        query.args(), rows, may_see_id_numbers(user))


def filename() -> str:
    return f"服务申请台账-{timeutil.file_stamp()}.xlsx"


def write(user, query: services.RequestQuery, progress=None, background: bool = False):
    """The 台账 written and audited: (file, download name)."""
    output, rows = export_requests(user, query, progress=progress)
    record_export(user, query, rows, background)
    return output, filename()


def run_export(job, progress):
    """Runs in the worker, as the requester: the requests they may see now (``visible_to``), ID
    numbers whole only if they still hold the right; audited as their export."""
    user = db.session.get(User, job.user_id)
    if user is None or not user.active or not user.can(Permission.SERVICES_HANDLE):
        raise PermissionError("requester may no longer export service requests")
    query = services.RequestQuery.from_args(MultiDict(job.params.get("args") or {}))
    progress(0, db.session.scalar(query.count(user, timeutil.today())) or 0)
    return write(user, query, progress, background=True)


jobs.register(KIND, "服务申请台账导出", run_export)
