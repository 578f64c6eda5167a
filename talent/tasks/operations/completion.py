"""Completing an item: the lead unit asks with evidence, the office accepts."""
from datetime import date

from talent.core import audit
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.notifications import operations as inbox
from talent.tasks.models import (
    TaskItem,
)
from talent.tasks.operations.access import TaskRefused, require_lead, require_office
from talent.tasks.operations.lighting import refresh_lights


def request_completion(actor, item: TaskItem, evidence: str) -> None:
    require_lead(actor, item)
    if item.status == "done":
        raise TaskRefused("该事项已完成")
    if not evidence.strip():
        raise TaskRefused("报结必须提供完成佐证", fields={"evidence": ["请填写完成佐证"]}, status=422)
    changes = audit.apply_changes(item, {"done_evidence": evidence.strip()})
    item.done_requested_at = utcnow()
    item.done_requested_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "request_done", item, changes, summary=f"{item.code} 申请报结")
    inbox.notify_unit(item.plan.office_unit_id, f"{item.code} {item.title} 申请报结，待验收",
                      link=f"/tasks/items/{item.id}", kind="task_done")


def accept_completion(actor, item: TaskItem, accept: bool, comment: str = "",
                      on: date | None = None) -> None:
    require_office(actor, item.plan)
    if item.status == "done":
        raise TaskRefused("该事项已完成")
    if item.done_requested_at is None:
        raise TaskRefused("牵头单位尚未申请报结")
    if accept:
        changes = audit.apply_changes(item, {"status": "done"})
        item.done_accepted_at = utcnow()
        item.done_accepted_by_id = getattr(actor, "id", None)
    else:
        if not comment.strip():
            raise TaskRefused("不予验收必须说明理由", fields={"comment": ["请填写理由"]}, status=422)
        changes = {"done_requested_at": [item.done_requested_at.isoformat(), None]}
        item.done_requested_at = None
    db.session.flush()
    audit.record(actor, "accept_done" if accept else "reject_done", item,
                 {**changes, "comment": [None, comment.strip()]} if comment.strip() else changes,
                 summary=f"{item.code} {'验收通过' if accept else '不予验收'}")
    for lead in item.lead_units:
        inbox.notify_unit(lead.id, f"{item.code} 报结{'已验收' if accept else '未通过验收'}",
                          link=f"/tasks/items/{item.id}", kind="task_done")
    refresh_lights(item.plan, on)
