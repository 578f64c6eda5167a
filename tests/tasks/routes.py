from sqlalchemy import select

from talent.auth.models import Unit
from talent.extensions import db
from talent.tasks.models import Directive, ProgressReport, ReportAttachment, TaskItem, TaskPlan


def route_ids(user, role, ids):
    """Item 4.1 (led by 县委组织部 and 县科工信局) so org and 科工信局 staff act on their own item."""
    plan_id = db.session.scalar(select(TaskPlan.id).order_by(TaskPlan.id))
    item = db.session.scalar(select(TaskItem).where(TaskItem.code == "4.1"))
    kgxj = db.session.scalar(select(Unit).where(Unit.name == "县科工信局"))
    own = user.unit_id if user is not None and user.unit_id else None
    if role == "org":
        own = db.session.scalar(select(Unit.id).where(Unit.name == "县委组织部"))
    # A responsible unit's report: both lead units (县委组织部, 县科工信局) may review it. For the
    # 专班 leader, the office's own report (the one kind they confirm).
    education = db.session.scalar(select(Unit).where(Unit.name == "县教育局"))
    reporter = kgxj if role == "leader" else education
    report = ProgressReport(item_id=item.id, unit_id=reporter.id, period="2023-05", narrative="进展")
    directive = Directive(item_id=item.id, unit_id=own or kgxj.id, request="请说明进度",
                          reply_by=item.deadline)
    db.session.add_all([report, directive])
    db.session.flush()
    # No file behind it on disk: the download answers 404, which the walk accepts for allowed roles.
    attachment = ReportAttachment(report_id=report.id, filename="佐证.pdf", content_type="application/pdf",
                                  size=5, sha256="0" * 64, stored_name=f"missing-{report.id}.pdf")
    db.session.add(attachment)
    db.session.flush()
    return {"task_plan_id": plan_id, "task_item_id": item.id, "task_report_id": report.id,
            "task_directive_id": directive.id, "task_id": item.id, "task_attachment_id": attachment.id,
            "task_indicator_id": item.indicators[0].id}
