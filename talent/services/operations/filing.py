"""Filing a request, the state machine's moves, rating, replies and notes, the timeline."""
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from talent.auth.models import Unit
from talent.core import audit, timeutil
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.notifications import operations as inbox
from talent.registry.models import Talent
from talent.services import attachments, workdays
from talent.services.machine import EVENT_TEXT, REOPEN_DAYS, Move, find_move
from talent.services.models import (
    ServiceAttachment,
    ServiceEvent,
    ServiceRequest,
    ServiceType,
)
from talent.services.operations.common import (
    ACCEPT_WITHIN_DAYS,
    NotYourRequest,
    ServiceRefused,
    StaleVersion,
    _notify_handlers,
    _staff_link,
    _talent_link,
    next_number,
    valid_card,
)
from talent.services.operations.visibility import roles_of

# --- filing -------------------------------------------------------------------------------------

def _actor_name(actor) -> str:
    if actor is None:
        return "系统"
    unit = getattr(actor, "unit", None)
    # "县住建局 蒋丽华", but not "县住建局 住建局 蒋丽华" when the account's name already says it
    prefix = f"{unit.name} " if unit is not None and unit.name.removeprefix("县") not in actor.label else ""
    return f"{prefix}{actor.label}"[:80]


def _event(req: ServiceRequest, actor, move: str, note: str = "", *, internal: bool = False,
           from_status: str | None = None, to_status: str | None = None,
           from_unit_id: int | None = None, to_unit_id: int | None = None) -> ServiceEvent:
    event = ServiceEvent(request_id=req.id, actor_id=getattr(actor, "id", None),
                         actor_name=_actor_name(actor), move=move, note=note, internal=internal,
                         from_status=from_status, to_status=to_status, from_unit_id=from_unit_id,
                         to_unit_id=to_unit_id, at=utcnow())
    db.session.add(event)
    db.session.flush()
    return event


def _attach(req: ServiceRequest, actor, event: ServiceEvent | None,
            files: Sequence[attachments.CheckedFile]) -> list[ServiceAttachment]:
    saved = []
    for checked in files:
        row = ServiceAttachment(request_id=req.id, event_id=event.id if event else None,
                                filename=checked.filename, stored_name=attachments.store(checked),
                                content_type=checked.content_type, size=checked.size,
                                uploaded_by_id=getattr(actor, "id", None))
        db.session.add(row)
        saved.append(row)
    if saved:
        db.session.flush()
    return saved


def file_request(actor, talent: Talent, stype: ServiceType, title: str, description: str,
                 files: Sequence[attachments.CheckedFile] = (), today: date | None = None
                 ) -> ServiceRequest:
    today = today or timeutil.today()
    if talent.status != "active":
        raise ServiceRefused(f"{talent.name} 的人才档案状态为已离开，不能提交服务申请")
    card = valid_card(talent, today)
    if stype.card_holders_only and card is None:
        raise ServiceRefused(f"“{stype.name}”仅限持有有效泷泊英才VIP卡的人才申请")
    calendar = workdays.load()
    accept_due = calendar.add(today, ACCEPT_WITHIN_DAYS)
    req = ServiceRequest(
        number=next_number(today.year), type_id=stype.id, talent_id=talent.id, unit_id=stype.unit_id,
        title=title.strip()[:100], description=(description or "").strip(), status="submitted",
        priority=card is not None, card_tier=card.tier if card else None,
        filed_by_id=getattr(actor, "id", None), filed_on=today, accept_due_on=accept_due,
        deadline_on=accept_due)
    db.session.add(req)
    db.session.flush()
    on_behalf = getattr(actor, "talent_id", None) != talent.id
    event = _event(req, actor, "file_for" if on_behalf else "file", to_status="submitted",
                   to_unit_id=stype.unit_id)
    _attach(req, actor, event, files)
    audit.record(actor, "create", req, audit.snapshot(
        {"number": req.number, "type": stype.code, "talent_id": talent.id, "unit": stype.unit.name,
         "priority": req.priority, "accept_due_on": accept_due}), summary=f"{req.number} {req.title}")
    _notify_handlers(req.unit_id, f"新的服务申请 {req.number}：{stype.name}",
                      body=f"{talent.name}：{req.title}" + ("（VIP卡持卡人，优先办理）" if card else ""),
                      link=_staff_link(req), kind="service", key=f"services:{req.id}:routed:{req.unit_id}")
    if on_behalf:
        inbox.notify_talent(talent.id, f"人才办已为您提交服务申请 {req.number}", body=req.title,
                            link=_talent_link(req), kind="service")
    return req


# --- the moves ----------------------------------------------------------------------------------

def _refuse_move(req: ServiceRequest, move: Move) -> None:
    raise ServiceRefused(f"当前状态为“{req.status_label}”，不能{move.label}")


def transition(actor, req: ServiceRequest, to: str, note: str = "", version: int | None = None,
               unit_id: int | None = None, files: Sequence[attachments.CheckedFile] = (),
               today: date | None = None) -> ServiceEvent:
    """Make one move of the state machine, on the version the actor saw."""
    today = today or timeutil.today()
    move = find_move(req.status, (to or "").strip())
    if move is None:
        raise ServiceRefused(f"当前状态为“{req.status_label}”，没有“{to}”这一操作",
                             fields={"to": ["不是可执行的操作"]})
    roles = roles_of(actor, req)
    if not roles & move.who:
        raise NotYourRequest(f"您不能对 {req.number} 执行“{move.label}”"
                             + ("（该申请不由您的单位办理）" if getattr(actor, "role", "") == "unit" else ""))
    if version is None or version != req.version:
        raise StaleVersion()
    if req.status not in move.sources:
        _refuse_move(req, move)
    note = (note or "").strip()
    if move.note_required and not note:
        raise ServiceRefused(f"请填写{move.note_label}", fields={"note": [f"请填写{move.note_label}"]})
    calendar = workdays.load()
    before = req.status
    values: dict = {}
    new_unit = None
    if move.name == "accept":
        start = min(today, req.accept_due_on)
        due = calendar.add(start, req.type.time_limit_days)
        values = {"accepted_on": today, "due_on": due, "deadline_on": due, "overdue_since": None}
    elif move.name == "ask_materials":
        values = {"paused_on": today, "deadline_on": None}
    elif move.name == "supply":
        spent = calendar.between(req.paused_on, today) if req.paused_on else 0
        due = calendar.add(req.due_on, spent) if req.due_on else None
        values = {"paused_on": None, "paused_days": req.paused_days + spent, "due_on": due,
                  "deadline_on": due}
        if due != req.due_on:
            values["overdue_since"] = None
    elif move.name == "complete":
        handling = max(0, calendar.between(req.filed_on, today) - req.paused_days)
        values = {"completed_at": utcnow(), "completed_on": today, "deadline_on": None,
                  "on_time": req.due_on is None or today <= req.due_on, "handling_days": handling,
                  "closed_at": utcnow()}
    elif move.name in ("reject", "withdraw"):
        spent = calendar.between(req.paused_on, today) if req.paused_on else 0
        values = {"deadline_on": None, "closed_at": utcnow(), "paused_on": None,
                  "paused_days": req.paused_days + spent}
    elif move.name == "reopen":
        if req.completed_on is None or (today - req.completed_on).days > REOPEN_DAYS:
            raise ServiceRefused(f"办结已超过{REOPEN_DAYS}天，不能重新办理；如有需要请重新提交申请")
        due = calendar.add(today, req.type.time_limit_days)
        values = {"due_on": due, "deadline_on": due, "overdue_since": None, "closed_at": None,
                  "reopen_count": req.reopen_count + 1}
    elif move.name == "transfer":
        new_unit = db.session.get(Unit, unit_id) if unit_id else None
        if new_unit is None:
            raise ServiceRefused("请选择转交的单位", fields={"unit_id": ["请选择转交的单位"]})
        if new_unit.id == req.unit_id:
            raise ServiceRefused(f"该申请已由{new_unit.name}办理", fields={"unit_id": ["不能转交给本单位"]})
        values = {"unit_id": new_unit.id}
    if move.target is not None:
        values["status"] = move.target
    from_unit_id = req.unit_id
    changes = audit.apply_changes(req, values)
    if not changes:  # a transfer always changes the unit; every other move the status
        changes = {"status": [before, before]}
    try:
        db.session.flush()  # UPDATE … WHERE version = the one loaded: a concurrent move wins first
    except StaleDataError:
        raise StaleVersion() from None
    event = _event(req, actor, move.name, note, from_status=before, to_status=req.status,
                   from_unit_id=from_unit_id if new_unit else None,
                   to_unit_id=new_unit.id if new_unit else None)
    _attach(req, actor, event, files)
    audit.record(actor, move.name, req, changes, summary=f"{req.number} {move.label}")
    _notify_move(actor, req, move, note, new_unit)
    return event


def _notify_move(actor, req: ServiceRequest, move: Move, note: str, new_unit: Unit | None) -> None:
    by_talent = getattr(actor, "talent_id", None) == req.talent_id and actor.role == "talent"
    if new_unit is not None:
        _notify_handlers(new_unit.id, f"转来服务申请 {req.number}：{req.type.name}",
                          body=f"{_actor_name(actor)}转交：{note}", link=_staff_link(req),
                          kind="service", key=f"services:{req.id}:routed:{new_unit.id}:{req.version}")
    if not by_talent:
        texts = {"accept": "已受理", "reject": "不予受理", "start": "开始办理",
                 "ask_materials": "需要您补充材料", "complete": "已办结",
                 "transfer": f"已转交{new_unit.name if new_unit else ''}办理",
                 "supply": "已由人才办代为补充材料", "withdraw": "已由人才办代为撤回",
                 "reopen": "已由人才办申请重新办理"}
        inbox.notify_talent(req.talent_id, f"您的申请 {req.number} {texts[move.name]}",
                            body=note, link=_talent_link(req), kind="service")
    if move.name == "complete":
        inbox.notify_talent(req.talent_id, f"请为服务申请 {req.number} 的办理评价（1–5 星）",
                            link=_talent_link(req), kind="rating_invite",
                            key=f"services:{req.id}:rate:{req.reopen_count}")
    if move.name in ("supply", "withdraw", "reopen"):
        _notify_handlers(req.unit_id, f"{req.number} {EVENT_TEXT[move.name]}",
                          body=note, link=_staff_link(req), kind="service")


def rate(actor, req: ServiceRequest, score: int, comment: str = "", version: int | None = None
         ) -> ServiceEvent:
    if "talent" not in roles_of(actor, req):
        raise NotYourRequest("只有提出申请的人才本人可以评价")
    if req.status != "completed":
        raise ServiceRefused(f"当前状态为“{req.status_label}”，办结后才能评价")
    if req.rated_at is not None and req.completed_at is not None and req.rated_at >= req.completed_at:
        raise ServiceRefused("您已评价过这次办理")
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ServiceRefused("评分应为 1–5", fields={"score": ["评分应为 1–5"]})
    if version is not None and version != req.version:
        raise StaleVersion()
    comment = (comment or "").strip()[:500]
    changes = audit.apply_changes(req, {"rating": score, "rating_comment": comment, "rated_at": utcnow()})
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion() from None
    stars = "★" * score + "☆" * (5 - score)
    event = _event(req, actor, "rate", f"{stars} {comment}".strip(), from_status=req.status,
                   to_status=req.status)
    audit.record(actor, "rate", req, changes, summary=f"{req.number} {score}星")
    _notify_handlers(req.unit_id, f"{req.number} 收到评价：{score} 星", body=comment,
                      link=_staff_link(req), kind="service")
    return event


def add_note(actor, req: ServiceRequest, text: str, internal: bool) -> ServiceEvent:
    """A reply the talent sees, or an internal note they do not; not a move, no version."""
    roles = roles_of(actor, req)
    if not roles & {"handler", "org", "admin"}:
        raise NotYourRequest("只有办理单位和人才办可以回复或备注")
    text = (text or "").strip()
    if not text:
        raise ServiceRefused("请填写内容", fields={"text": ["请填写内容"]})
    event = _event(req, actor, "note" if internal else "reply", text[:2000], internal=internal,
                   from_status=req.status, to_status=req.status)
    if not internal:
        inbox.notify_talent(req.talent_id, f"{req.number} 有新的回复", body=text,
                            link=_talent_link(req), kind="service")
    return event


def timeline(req: ServiceRequest, *, include_internal: bool) -> list[ServiceEvent]:
    query = select(ServiceEvent).where(ServiceEvent.request_id == req.id)
    if not include_internal:
        query = query.where(ServiceEvent.internal.is_(False))
    return list(db.session.scalars(query.order_by(ServiceEvent.at, ServiceEvent.id)))


def event_text(event: ServiceEvent) -> str:
    """One line of the timeline, in plain Chinese."""
    if event.move == "transfer":
        source = event.from_unit.name if event.from_unit else ""
        target = event.to_unit.name if event.to_unit else ""
        return f"由{source}转交{target}办理"
    if event.move in ("file", "file_for") and event.to_unit is not None:
        return f"{EVENT_TEXT[event.move]}，由{event.to_unit.name}办理"
    return EVENT_TEXT.get(event.move, event.move)


def attachments_of(req: ServiceRequest) -> list[ServiceAttachment]:
    return list(db.session.scalars(select(ServiceAttachment).where(ServiceAttachment.request_id == req.id)
                                   .order_by(ServiceAttachment.id)))


def attachment_of(req: ServiceRequest, attachment_id: int) -> ServiceAttachment | None:
    return db.session.scalar(select(ServiceAttachment).where(
        ServiceAttachment.id == attachment_id, ServiceAttachment.request_id == req.id))
