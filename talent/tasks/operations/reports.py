"""Monthly progress reports: filing, attachments, review."""
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select

from talent.auth.models import Unit
from talent.core import audit, features
from talent.core.inputs import clean_filename
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.notifications import operations as inbox
from talent.tasks import files
from talent.tasks.models import (
    ProgressReport,
    ReportAttachment,
    ReportValue,
    TaskIndicator,
    TaskItem,
)
from talent.tasks.operations.access import (
    NotYourItem,
    TaskRefused,
    is_admin,
    is_convener,
    is_lead,
    is_office,
    reporting_units,
)
from talent.tasks.operations.figures import record_figure
from talent.tasks.operations.lighting import refresh_lights
from talent.tasks.operations.periods import PERIOD_PATTERN, REPORT_DUE_DAY, check_period  # noqa: F401


def reportable_indicators(item: TaskItem) -> list[TaskIndicator]:
    """Indicators a unit types figures for: reported ones, and computed ones whose source is missing."""
    return [i for i in item.indicators
            if i.source == "reported" or features.metric(i.metric_key or "") is None]


def submit_report(actor, item: TaskItem, unit: Unit, period: str, narrative: str,
                  values: Mapping[int, float], problems: str = "") -> ProgressReport:
    """File (or re-file after a return) a unit's report for a month."""
    if unit not in reporting_units(actor, item):
        raise NotYourItem()
    problem = check_period(item.plan, period)
    if problem:
        raise TaskRefused(problem, fields={"period": [problem]}, status=422)
    allowed = {i.id for i in reportable_indicators(item)}
    unknown = sorted(str(k) for k in values if k not in allowed)
    if unknown:
        raise TaskRefused("指标不属于该事项或由系统数据计算：" + "、".join(unknown),
                          fields={"values": [f"未知或不可填报的指标：{', '.join(unknown)}"]},
                          status=422)
    report = db.session.scalar(select(ProgressReport).where(
        ProgressReport.item_id == item.id, ProgressReport.unit_id == unit.id,
        ProgressReport.period == period))
    action = "update"
    if report is None:
        report = ProgressReport(item_id=item.id, unit_id=unit.id, period=period, narrative="")
        db.session.add(report)
        action = "create"
    elif report.status == "confirmed":
        raise TaskRefused(f"{unit.name} {period} 的进度已确认，不能再修改")
    changes = audit.apply_changes(report, {"narrative": narrative, "problems": problems,
                                           "status": "submitted"})
    report.submitted_by_id = getattr(actor, "id", None)
    report.submitted_at = utcnow()
    report.review_comment = ""
    report.values = [ReportValue(indicator_id=k, value=float(v)) for k, v in sorted(values.items())]
    if item.status == "not_started":
        item.status = "in_progress"
    db.session.flush()
    changes["values"] = [None, {str(k): v for k, v in sorted(values.items())}]
    audit.record(actor, action, report, changes, summary=f"{item.code} {unit.name} {period}")
    for lead in item.lead_units:
        inbox.notify_unit(lead.id, f"{unit.name} 报送了 {item.code} {item.title} {period} 进度，待确认",
                          link=f"/tasks/items/{item.id}", kind="task_report")
    if unit.id == item.plan.office_unit_id:
        # Four eyes on the office: the convener may confirm its own reports, so is told one waits.
        inbox.notify(inbox.role_users("leader"),
                     f"专班办公室报送了 {item.code} {item.title} {period} 进度，待召集人确认",
                     link=f"/tasks/items/{item.id}#report-{report.id}", kind="task_report")
    refresh_lights(item.plan)  # a report that arrives can clear a red light: recorded, with its reason
    return report


MAX_ATTACHMENTS = 10


def check_uploads(uploads: list[tuple[str, bytes]]) -> list[tuple[str, files.CheckedFile]]:
    """Check every upload before anything is written; the first bad one refuses them all."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise files.FileRefused(f"每次最多上传 {MAX_ATTACHMENTS} 个附件")
    checked = []
    for filename, data in uploads:
        try:
            checked.append((filename, files.check(data)))
        except files.FileRefused as error:
            raise files.FileRefused(f"{filename}：{error}") from None
    return checked


def attach(actor, report: ProgressReport, checked: list[tuple[str, files.CheckedFile]]) -> list:
    added = []
    for filename, upload in checked:
        stem = clean_filename(filename).rsplit(".", 1)[0][:150] or "附件"
        attachment = ReportAttachment(
            report_id=report.id, filename=f"{stem}.{upload.extension}", content_type=upload.content_type,
            size=len(upload.data), sha256=upload.sha256, stored_name=files.store(upload),
            uploaded_by_id=getattr(actor, "id", None))
        db.session.add(attachment)
        added.append(attachment)
    if added:
        db.session.flush()
        audit.record(actor, "attach", report, {"attachments": [None, [a.filename for a in added]]},
                     summary=f"{report.period} 附件 {len(added)} 个")
    return added


def reviewer_refusal(actor, report: ProgressReport) -> str | None:
    """Four eyes: why this user may not confirm or return this report, or None when they may.

    Nobody reviews a report they submitted. A responsible unit's report is reviewed by a lead unit
    (or the office); a lead unit's own report by the 专班 office; the office's own report by
    another office account, the 专班 召集人/副召集人 (``leader``) or the admin. The leader
    reviews nothing else.
    """
    item = report.item
    if actor is not None and report.submitted_by_id == actor.id:
        return "不能确认或退回自己报送的报告（四眼原则），请由其他人员审核"
    if is_admin(actor):
        return None
    if is_convener(actor):
        if report.unit_id == item.plan.office_unit_id:
            return None
        return "专班召集人只确认或退回专班办公室自己报送的报告，其他单位的报告由牵头单位或专班办公室审核"
    office = is_office(actor, item.plan)
    if item.unit_role(report.unit_id) == "lead":
        if not office:
            return "牵头单位自己的报告由专班办公室确认"
        return None
    if office or is_lead(actor, item):
        return None
    return "只有牵头单位或专班办公室可以审核该报告"


def may_review(actor, report: ProgressReport) -> bool:
    return reviewer_refusal(actor, report) is None


def require_reviewer(actor, report: ProgressReport) -> None:
    """Load → check: a user with no say on the item is a 403 without detail; one who has a say
    but is barred by the four-eyes rule gets the reason (still 403)."""
    if not (is_lead(actor, report.item) or is_office(actor, report.item.plan) or is_convener(actor)):
        raise NotYourItem()
    refusal = reviewer_refusal(actor, report)
    if refusal:
        raise TaskRefused(refusal, status=403)


def review_report(actor, report: ProgressReport, confirm: bool, comment: str = "",
                  version: int | None = None, on: date | None = None) -> ProgressReport:
    """Confirm a report (each of its figures becomes the reporting unit's confirmed figure for
    the period — its own part, never another unit's) or return it with a comment."""
    item = report.item
    require_reviewer(actor, report)
    if version is not None and version != report.version:
        raise TaskRefused("该报告已被他人修改或处理，请刷新后重试")
    if report.status != "submitted":
        raise TaskRefused(f"该报告{report.status_label}，不能重复处理")
    if not confirm and not comment.strip():
        raise TaskRefused("退回必须填写意见", fields={"comment": ["退回必须填写意见"]}, status=422)
    changes = audit.apply_changes(report, {"status": "confirmed" if confirm else "returned",
                                           "review_comment": comment.strip()[:500]})
    report.reviewed_by_id = getattr(actor, "id", None)
    report.reviewed_at = utcnow()
    if confirm:
        for value in report.values:
            before, after = record_figure(value.indicator, report.unit_id, report.period, value.value,
                                          report_id=report.id, actor=actor)
            if before is not None and before != after:
                changes[f"figure_{value.indicator_id}"] = [before, after]
    db.session.flush()
    audit.record(actor, "confirm" if confirm else "return", report, changes,
                 summary=f"{item.code} {report.unit.name} {report.period}")
    if not confirm:
        inbox.notify_unit(report.unit_id, f"{item.code} {report.period} 进度被退回：{comment[:60]}",
                          link=f"/tasks/items/{item.id}/report?period={report.period}",
                          kind="task_report")
    refresh_lights(item.plan, on)
    return report
