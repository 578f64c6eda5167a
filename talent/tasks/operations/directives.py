"""督办单: the office asks a unit for something by a date; the unit replies."""
from datetime import date

from talent.auth.models import Unit
from talent.core import audit, timeutil
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.notifications import operations as inbox
from talent.tasks.models import (
    Directive,
    TaskItem,
)
from talent.tasks.operations.access import NotYourItem, TaskRefused, is_unit_of, require_office


def issue_directive(actor, item: TaskItem, unit: Unit, request: str, reply_by: date) -> Directive:
    require_office(actor, item.plan)
    if unit not in item.lead_units:
        raise TaskRefused("督办单发给该事项的牵头单位", fields={"unit_id": ["请选择牵头单位"]},
                          status=422)
    if reply_by < timeutil.today():
        raise TaskRefused("回复期限不能早于今天", fields={"reply_by": ["回复期限不能早于今天"]},
                          status=422)
    directive = Directive(item_id=item.id, unit_id=unit.id, request=request.strip(),
                          reply_by=reply_by, issued_by_id=getattr(actor, "id", None))
    db.session.add(directive)
    db.session.flush()
    audit.record(actor, "create", directive, audit.snapshot(
        {"unit": unit.name, "request": directive.request, "reply_by": reply_by}),
        summary=f"{item.code} 督办 {unit.name}")
    inbox.notify_unit(unit.id, f"督办单：{item.code} {item.title}（{reply_by} 前回复）",
                      link=f"/tasks/items/{item.id}#directive-{directive.id}", kind="task_directive",
                      body=directive.request[:200])
    return directive


def reply_directive(actor, directive: Directive, reply: str) -> None:
    if not is_unit_of(actor, directive):
        raise NotYourItem()
    if directive.status != "open":
        raise TaskRefused("该督办单已回复")
    if not reply.strip():
        raise TaskRefused("请填写回复内容", fields={"reply": ["请填写回复内容"]}, status=422)
    changes = audit.apply_changes(directive, {"reply": reply.strip(), "status": "replied"})
    directive.replied_at = utcnow()
    directive.replied_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "reply", directive, changes, summary=f"{directive.item.code} 督办回复")
    inbox.notify_unit(directive.item.plan.office_unit_id, f"{directive.unit.name} 回复了 "
                      f"{directive.item.code} 督办单", link=f"/tasks/items/{directive.item_id}",
                      kind="task_directive")


def close_directive(actor, directive: Directive) -> None:
    require_office(actor, directive.item.plan)
    if directive.status != "replied":
        raise TaskRefused("只有已回复的督办单可以办结")
    changes = audit.apply_changes(directive, {"status": "closed"})
    db.session.flush()
    audit.record(actor, "close", directive, changes, summary=f"{directive.item.code} 督办办结")
