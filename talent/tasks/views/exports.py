"""The 调度 report as .docx and .xlsx."""

from flask import send_file

from talent.core import audit, timeutil
from talent.core.permissions import Permission, acting_user, require
from talent.core.spreadsheet import XLSX_MIMETYPE
from talent.extensions import db
from talent.tasks import export, operations
from talent.tasks.views.common import DOCX_MIMETYPE, _no_store, _plan, bp, forbidden_when_not_theirs


def _export_audit(plan, kind: str) -> None:
    audit.record(acting_user(), "export", plan, {"format": [None, kind]}, summary=f"调度报告 {kind}")
    db.session.commit()


@bp.get("/plans/<int:task_plan_id>/report.docx")
@require(Permission.TASKS_EXPORT)
@forbidden_when_not_theirs
def report_docx(task_plan_id: int):
    plan = _plan(task_plan_id)
    _check_export(plan)
    output = export.docx_report(plan)
    _export_audit(plan, "docx")
    return _no_store(send_file(output, mimetype=DOCX_MIMETYPE, as_attachment=True,
                               download_name=f"{plan.name}调度报告-{timeutil.today():%Y%m%d}.docx"))


@bp.get("/plans/<int:task_plan_id>/report.xlsx")
@require(Permission.TASKS_EXPORT)
@forbidden_when_not_theirs
def report_xlsx(task_plan_id: int):
    plan = _plan(task_plan_id)
    _check_export(plan)
    output = export.xlsx_report(plan)
    _export_audit(plan, "xlsx")
    return _no_store(send_file(output, mimetype=XLSX_MIMETYPE, as_attachment=True,
                               download_name=f"{plan.name}调度表-{timeutil.today():%Y%m%d}.xlsx"))


def _check_export(plan) -> None:
    """The 调度 report is for the office and 县委组织部 (and the admin)."""
    user = acting_user()
    if user.role == "unit":
        operations.require_office(user, plan)
