"""督办单 (三色督办): the office sends a graded, numbered 督办单 to any lead or responsible unit of
an item; the unit 签收 (acknowledges) it within one working day, then replies by the reply date;
a late reply escalates the grade once (blue → yellow → red). Every active account of the unit is
notified, whatever its role."""
from datetime import date

from sqlalchemy import select

from talent.auth.models import Unit
from talent.core import audit, timeutil
from talent.core.db import next_in_year
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.notifications import operations as inbox
from talent.services import workdays
from talent.tasks.models import DIRECTIVE_GRADES, NEXT_GRADE, Directive, DirectiveCounter, TaskItem
from talent.tasks.operations.access import NotYourItem, TaskRefused, is_unit_of, require_office

ACKNOWLEDGE_WITHIN = 1  # working day


def _link(directive: Directive) -> str:
    return f"/tasks/items/{directive.item_id}#directive-{directive.id}"


def issue_directive(actor, item: TaskItem, unit: Unit, request: str, reply_by: date, grade: str = "yellow",
                    responsible_person: str = "") -> Directive:
    require_office(actor, item.plan)
    if item.unit_role(unit.id) is None:
        raise TaskRefused("督办单发给该事项的牵头单位或责任单位", fields={"unit_id": ["请选择该事项的单位"]},
                          status=422)
    if grade not in DIRECTIVE_GRADES:
        raise TaskRefused("督办等级应为蓝、黄或红", fields={"grade": ["督办等级不正确"]}, status=422)
    on = timeutil.today()
    if reply_by < on:
        raise TaskRefused("回复期限不能早于今天", fields={"reply_by": ["回复期限不能早于今天"]},
                          status=422)
    number = f"督办〔{on.year}〕{next_in_year(DirectiveCounter, on.year)}号"
    directive = Directive(item_id=item.id, unit_id=unit.id, request=request.strip(), reply_by=reply_by,
                          grade=grade, responsible_person=(responsible_person or "").strip()[:40],
                          number=number, acknowledge_by=workdays.load().add(on, ACKNOWLEDGE_WITHIN),
                          issued_by_id=getattr(actor, "id", None))
    db.session.add(directive)
    db.session.flush()
    audit.record(actor, "create", directive, audit.snapshot(
        {"number": number, "grade": DIRECTIVE_GRADES[grade], "unit": unit.name,
         "responsible_person": directive.responsible_person, "request": directive.request,
         "reply_by": reply_by}), summary=f"{number} {item.code} 督办 {unit.name}")
    inbox.notify_unit(unit.id, f"{number}（{DIRECTIVE_GRADES[grade]}）：{item.code} {item.title}，"
                      f"请于 {directive.acknowledge_by} 前签收、{reply_by} 前回复",
                      link=_link(directive), kind="task_directive", body=directive.request[:200])
    return directive


def acknowledge_directive(actor, directive: Directive) -> None:
    """签收: the unit has the 督办单 and names who answers for it."""
    if not is_unit_of(actor, directive):
        raise NotYourItem()
    if directive.acknowledged_at is not None:
        raise TaskRefused("该督办单已签收")
    if directive.status != "open":
        raise TaskRefused("该督办单已回复")
    directive.acknowledged_at = utcnow()
    directive.acknowledged_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "acknowledge", directive,
                 {"acknowledged_at": [None, timeutil.local(directive.acknowledged_at)]},
                 summary=f"{directive.number} 签收")


def reply_directive(actor, directive: Directive, reply: str) -> None:
    if not is_unit_of(actor, directive):
        raise NotYourItem()
    if directive.status != "open":
        raise TaskRefused("该督办单已回复")
    if directive.acknowledged_at is None and directive.number is not None:
        raise TaskRefused("请先签收督办单再回复")
    if not reply.strip():
        raise TaskRefused("请填写回复内容", fields={"reply": ["请填写回复内容"]}, status=422)
    changes = audit.apply_changes(directive, {"reply": reply.strip(), "status": "replied"})
    directive.replied_at = utcnow()
    directive.replied_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "reply", directive, changes, summary=f"{directive.item.code} 督办回复")
    inbox.notify_unit(directive.item.plan.office_unit_id, f"{directive.unit.name} 回复了 "
                      f"{directive.number or directive.item.code} 督办单", link=_link(directive),
                      kind="task_directive")


def close_directive(actor, directive: Directive) -> None:
    require_office(actor, directive.item.plan)
    if directive.status != "replied":
        raise TaskRefused("只有已回复的督办单可以办结")
    changes = audit.apply_changes(directive, {"status": "closed"})
    db.session.flush()
    audit.record(actor, "close", directive, changes, summary=f"{directive.item.code} 督办办结")


def escalate_late_directives(on: date | None = None) -> int:
    """The daily sweep: each 督办单 unanswered past its reply date goes up one grade, once, and
    the unit is told. Returns how many were escalated; running again changes nothing."""
    on = on or timeutil.today()
    late = db.session.scalars(select(Directive).where(
        Directive.status == "open", Directive.reply_by < on, Directive.escalated_on.is_(None)))
    escalated = 0
    for directive in late:
        before = directive.grade
        directive.grade, directive.escalated_on = NEXT_GRADE[before], on
        audit.record(None, "escalate", directive, {"grade": [DIRECTIVE_GRADES[before],
                                                             DIRECTIVE_GRADES[directive.grade]]},
                     summary=f"{directive.number} 逾期未回复，升级督办")
        inbox.notify_unit(directive.unit_id, f"{directive.number} 逾期未回复，已升级为"
                          f"{DIRECTIVE_GRADES[directive.grade]}", link=_link(directive),
                          kind="task_directive", key=f"tasks:escalate:{directive.id}")
        escalated += 1
    db.session.flush()
    return escalated


def directive_counts(directives: list[Directive], on: date) -> dict[str, int]:
    """For the 调度 view: open, not 签收 within a working day, unanswered past the reply date."""
    return {"open": sum(d.status == "open" for d in directives),
            "unacknowledged": sum(d.unacknowledged_late(on) for d in directives),
            "overdue": sum(d.overdue(on) for d in directives)}
