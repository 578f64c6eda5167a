"""Service-request operations: filing, the state machine's moves, rating, notes, the daily sweep
and the figures. They flush and audit; the request (or the CLI) commits.

Deadlines (all in working days, see :mod:`talent.services.workdays`):
- acceptance: within 2 working days after the day of filing (``accept_due_on``);
- completion: the type's limit counted from the day of acceptance — but never from later than
  the acceptance deadline, so a unit that accepts late does not win extra days — and pushed
  back by the working days the request spent in 待补件 (``due_on``);
- a reopened request gets the type's limit again from the day it is reopened;
- a transfer keeps every deadline: the clock does not restart.
``deadline_on`` holds whichever deadline runs now (none while 待补件 or closed), so "overdue"
is the SQL condition ``deadline_on < today`` on a stored, indexed column.
"""
import logging
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from flask import current_app, has_request_context, url_for
from sqlalchemy import Select, and_, case, exists, false, func, insert, or_, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from talent.auth.models import Unit, User
from talent.auth.units import unit_named
from talent.cards import operations as cards
from talent.cards.models import TierBenefit
from talent.core import audit, timeutil
from talent.core.db import next_in_year
from talent.core.errors import Refused
from talent.core.pagination import Page, paginate
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.notifications import operations as inbox
from talent.notifications.models import Notification
from talent.registry.models import Talent
from talent.services import attachments, workdays
from talent.services.machine import EVENT_TEXT, MOVES, REOPEN_DAYS, Move, find_move
from talent.services.models import (
    OPEN_STATUSES,
    STATUSES,
    RequestCounter,
    ServiceAttachment,
    ServiceEvent,
    ServiceRequest,
    ServiceType,
    WorkdayOverride,
)

log = logging.getLogger(__name__)

# Requests routed here are handled by the org role (人才办), whose accounts carry no unit.
ORG_UNIT = "县委组织部"
ACCEPT_WITHIN_DAYS = 2
DUE_SOON_DAYS = 3
STALE_MESSAGE = "已被他人处理，请刷新"


class ServiceRefused(Refused):
    """A move or request the rules do not allow (422)."""

    status = 422


class StaleVersion(Refused):
    """Someone else acted on the request first (409)."""

    status = 409

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)


class NotYourRequest(Refused):
    """Staff of another unit, or a role the move is not for (403)."""

    status = 403


# --- types and seed -----------------------------------------------------------------------------

# code, name, default unit (DESIGN.md), limit in working days, card holders only, benefit kind
DEFAULT_TYPES = [
    ("housing", "住房保障", "县住建局", 15, False, "housing", "人才公寓、租房补贴、购房补贴等"),
    ("medical", "医疗服务", "县卫健局", 5, True, "medical", "就医绿色通道、健康体检、保健医生等"),
    ("education", "子女教育", "县教育局", 10, False, "education", "子女入学、转学安排等"),
    ("title_review", "职称申报一站式服务", "县人社局", 20, False, "other", "职称申报材料审核、评审对接"),
    ("foreign_residence", "外籍专家居留", "县科工信局", 15, False, "other",
     "外国人工作许可、居留许可办理协助"),
    ("subsidy", "人才津贴补贴", "县委组织部", 20, False, "other", "人才引进津贴、生活补贴等"),
]


def seed_types() -> int:
    """The six default types, once each; an admin's later changes are kept."""
    existing = set(db.session.scalars(select(ServiceType.code)))
    added = 0
    for order, (code, name, unit_name, limit, holders, kind, text) in enumerate(DEFAULT_TYPES, 1):
        if code in existing:
            continue
        unit = unit_named(unit_name)
        if unit is None:  # units are seeded by the accounts feature, which runs first
            continue
        db.session.add(ServiceType(code=code, name=name, unit_id=unit.id, time_limit_days=limit,
                                   card_holders_only=holders, benefit_kind=kind, description=text,
                                   sort_order=order))
        added += 1
    db.session.flush()
    return added


def types() -> list[ServiceType]:
    return list(db.session.scalars(select(ServiceType).order_by(ServiceType.sort_order, ServiceType.id)))


def type_by_code(code: str) -> ServiceType | None:
    return db.session.scalar(select(ServiceType).where(ServiceType.code == code))


def units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.sort_order, Unit.id)))


def update_type(actor, stype: ServiceType, values: dict, version: int) -> dict:
    if version != stype.version:
        raise StaleVersion("该服务事项已被他人修改，请刷新后重试")
    changes = audit.apply_changes(stype, values)
    if changes:
        try:
            db.session.flush()
        except StaleDataError:
            raise StaleVersion("该服务事项已被他人修改，请刷新后重试") from None
        audit.record(actor, "update", stype, changes, summary=stype.name)
    return changes


# --- who sees, who acts -------------------------------------------------------------------------

def _former_unit(unit_id: int):
    return exists().where(ServiceEvent.request_id == ServiceRequest.id, ServiceEvent.move == "transfer",
                          ServiceEvent.from_unit_id == unit_id)


def visible_to(user) -> Select:
    """Requests a user may read: a talent their own, a unit those routed to it (now or before a
    transfer), 县委组织部 and the admin all."""
    query = select(ServiceRequest)
    if user is None:
        return query.where(false())
    if user.role in ("admin", "org"):
        return query
    if user.role == "unit" and user.unit_id:
        return query.where(or_(ServiceRequest.unit_id == user.unit_id, _former_unit(user.unit_id)))
    if user.role == "talent" and user.talent_id:
        return query.where(ServiceRequest.talent_id == user.talent_id)
    return query.where(false())


def roles_of(user, req: ServiceRequest) -> set[str]:
    """Which columns of the move table's ``who`` this user stands in for this request."""
    roles = set()
    if user is None:
        return roles
    if user.role == "talent" and user.talent_id == req.talent_id:
        roles.add("talent")
    if user.role == "unit" and user.unit_id is not None and user.unit_id == req.unit_id:
        roles.add("handler")
    if user.role == "org" and req.unit.name == ORG_UNIT:
        roles.add("handler")
    if user.role in ("org", "admin"):
        roles.add(user.role)
    return roles


def moves_for(user, req: ServiceRequest) -> list[Move]:
    """The moves this user may make on this request now (the buttons a page shows)."""
    roles = roles_of(user, req)
    return [m for m in MOVES.values() if req.status in m.sources and roles & m.who]



# --- numbers, links -----------------------------------------------------------------------------

def next_number(year: int) -> str:
    """FW-<year>-<6 digits>, from the year's counter."""
    return f"FW-{year}-{next_in_year(RequestCounter, year):06d}"


def handlers(unit_id: int) -> list[User]:
    """The accounts that handle a unit's requests: its staff, or 县委组织部's org accounts."""
    unit = db.session.get(Unit, unit_id)
    if unit is not None and unit.name == ORG_UNIT:
        return inbox.role_users("org")
    return inbox.unit_users(unit_id)


def _notify_handlers(unit_id: int, title: str, **kwargs) -> int:
    return inbox.notify(handlers(unit_id), title, **kwargs)


def link(endpoint: str, **values) -> str:
    """A site-relative URL, also from the CLI (the sweep) where there is no request."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def _staff_link(req: ServiceRequest) -> str:
    return link("services.detail", request_id=req.id)


def _talent_link(req: ServiceRequest) -> str:
    return link("my_services.detail", request_id=req.id)


# --- card holders -------------------------------------------------------------------------------

def valid_card(talent: Talent, today: date):
    card = cards.active_card(talent)
    return card if card is not None and card.status_on(today) == "active" else None


def related_benefit(req_or_type, tier: str | None) -> TierBenefit | None:
    """The tier's benefit text the request (or type) relates to, for a card holder."""
    stype = req_or_type.type if isinstance(req_or_type, ServiceRequest) else req_or_type
    if not tier:
        return None
    return next((b for b in cards.benefits_by_tier().get(tier, []) if b.kind == stype.benefit_kind), None)



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


# --- lists --------------------------------------------------------------------------------------

def _flag(raw) -> bool:
    return str(raw or "").lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class RequestQuery:
    """A queue or list as asked for by page or API arguments; priority and overdue first."""

    status: str = ""
    type: str = ""
    overdue: bool = False
    soon: bool = False
    priority: bool = False
    unit_id: int | None = None
    q: str = ""

    OPEN: ClassVar = "open"

    @classmethod
    def from_args(cls, args) -> "RequestQuery":
        status = args.get("status") or ""
        unit = str(args.get("unit_id") or "")
        return cls(status=status if status in STATUSES or status == cls.OPEN else "",
                   type=(args.get("type") or "")[:30], overdue=_flag(args.get("overdue")),
                   soon=_flag(args.get("soon")), priority=_flag(args.get("priority")),
                   unit_id=int(unit) if unit.isdigit() and len(unit) < 10 else None,
                   q=(args.get("q") or "").strip()[:50])

    def args(self) -> dict:
        values = {"status": self.status, "type": self.type, "q": self.q, "unit_id": self.unit_id,
                  "overdue": "1" if self.overdue else "", "soon": "1" if self.soon else "",
                  "priority": "1" if self.priority else ""}
        return {k: v for k, v in values.items() if v not in ("", None)}

    def where(self, query: Select, today: date) -> Select:
        if self.status == self.OPEN:
            query = query.where(ServiceRequest.status.in_(OPEN_STATUSES))
        elif self.status:
            query = query.where(ServiceRequest.status == self.status)
        if self.type:
            query = query.where(ServiceRequest.type_id == select(ServiceType.id).where(
                ServiceType.code == self.type).scalar_subquery())
        if self.overdue:
            query = query.where(overdue_condition(today))
        if self.soon:
            query = query.where(due_soon_condition(today))
        if self.priority:
            query = query.where(ServiceRequest.priority.is_(True))
        if self.unit_id is not None:
            query = query.where(ServiceRequest.unit_id == self.unit_id)
        if self.q:
            like = f"%{self.q}%"
            query = query.where(or_(ServiceRequest.number.like(like), ServiceRequest.title.like(like)))
        return query

    def _visible(self, user) -> Select:
        # A unit's own queue needs no "or transferred away from us" test: the plain index serves it.
        if user is not None and user.role == "unit" and self.unit_id == user.unit_id:
            return select(ServiceRequest)
        return visible_to(user)

    def select(self, user, today: date) -> Select:
        """Priority first, then by the deadline that runs now — which puts the overdue (the
        earliest deadlines) first — and requests whose clock stands (待补件, closed) last."""
        return self.where(self._visible(user), today).order_by(
            ServiceRequest.priority.desc(), ServiceRequest.deadline_on.is_(None),
            ServiceRequest.deadline_on, ServiceRequest.id.desc())

    def count(self, user, today: date) -> Select:
        inner = self.where(self._visible(user), today).with_only_columns(ServiceRequest.id)
        return select(func.count()).select_from(inner.subquery())


def page_of(query: "RequestQuery", user, today: date, args) -> Page:
    """One page of a list: the ordering runs over ids alone (index entries, not whole rows), then
    the page's twenty requests are loaded with their type, unit and talent."""
    page = paginate(query.select(user, today).with_only_columns(ServiceRequest.id), args,
                    count_query=query.count(user, today))
    loaded = {r.id: r for r in db.session.scalars(
        with_related(select(ServiceRequest).where(ServiceRequest.id.in_(page.items))))}
    page.items = [loaded[i] for i in page.items]
    return page


def with_related(query: Select) -> Select:
    """A list shows each request's type, unit and talent: load them with the page, not per row."""
    return query.options(joinedload(ServiceRequest.type), joinedload(ServiceRequest.unit),
                         joinedload(ServiceRequest.talent))


def overdue_condition(today: date):
    """Past the deadline that runs now (acceptance or completion); 待补件 and closed never are."""
    return ServiceRequest.deadline_on < today


def due_soon_condition(today: date, calendar: workdays.Calendar | None = None):
    """Not yet overdue, and due within the next 3 working days."""
    limit = (calendar or workdays.load()).add(today, DUE_SOON_DAYS)
    return and_(ServiceRequest.deadline_on >= today, ServiceRequest.deadline_on <= limit)


def queue_counts(user, today: date | None = None) -> dict:
    """What the dashboard panel shows: the user's open queue, overdue, due soon, priority."""
    today = today or timeutil.today()
    base = visible_to(user).where(ServiceRequest.status.in_(OPEN_STATUSES))
    if user.role == "unit":  # a former unit's transferred requests are not its queue
        base = base.where(ServiceRequest.unit_id == user.unit_id)
    soon = due_soon_condition(today)
    row = db.session.execute(base.with_only_columns(
        func.count(),
        func.coalesce(func.sum(case((overdue_condition(today), 1), else_=0)), 0),
        func.coalesce(func.sum(case((soon, 1), else_=0)), 0),
        func.coalesce(func.sum(case((ServiceRequest.priority.is_(True), 1), else_=0)), 0),
        func.coalesce(func.sum(case((ServiceRequest.status == "waiting_materials", 1), else_=0)), 0),
        func.coalesce(func.sum(case((ServiceRequest.status == "submitted", 1), else_=0)), 0),
    )).one()
    return dict(zip(("open", "overdue", "soon", "priority", "waiting", "submitted"),
                    (int(v or 0) for v in row), strict=True))


# --- the daily sweep ----------------------------------------------------------------------------

def sweep(today: date | None = None) -> dict:
    """Mark requests that became overdue since the last run and tell their handling units.

    Idempotent: a request is marked once per deadline (``overdue_since``), and each
    notification carries a key, so a second run the same day changes nothing. Marking does
    not bump the request's version: a clerk's open page stays valid.
    """
    today = today or timeutil.today()
    rows = db.session.execute(
        select(ServiceRequest.id, ServiceRequest.number, ServiceRequest.unit_id, ServiceRequest.status,
               ServiceRequest.deadline_on, ServiceRequest.title)
        .where(ServiceRequest.deadline_on < today, ServiceRequest.overdue_since.is_(None))
        .order_by(ServiceRequest.id)).all()
    if not rows:
        return {"overdue": 0, "notified": 0}
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(update(ServiceRequest).where(ServiceRequest.id.in_(chunk))
                           .values(overdue_since=today)
                           .execution_options(synchronize_session=False))
    now = utcnow()
    db.session.execute(insert(ServiceEvent), [
        {"request_id": r.id, "at": now, "actor_id": None, "actor_name": "系统", "move": "overdue",
         "from_status": r.status, "to_status": r.status, "internal": True,
         "note": f"{'受理' if r.status == 'submitted' else '办理'}期限 {r.deadline_on} 已过"}
        for r in rows])
    notified = _notify_overdue(rows)
    log.info("sweep %s: %d newly overdue, %d notifications", today, len(rows), notified)
    return {"overdue": len(rows), "notified": notified}


def _notify_overdue(rows) -> int:
    """The inbox's ``notify`` per request, in bulk: one message per handler and request, keyed by
    request and deadline, so a message already written is never written twice."""
    staff: dict[int, list[User]] = {}
    keys = {r.id: f"services:{r.id}:overdue:{r.deadline_on.isoformat()}" for r in rows}
    already: set[tuple[int, str]] = set()
    key_list = list(keys.values())
    for start in range(0, len(key_list), 500):
        already.update(tuple(row) for row in db.session.execute(
            select(Notification.user_id, Notification.key).where(
                Notification.key.in_(key_list[start:start + 500]))))
    now, messages = utcnow(), []
    with nullcontext() if has_request_context() else current_app.test_request_context():
        for r in rows:
            if r.unit_id not in staff:
                staff[r.unit_id] = [u for u in handlers(r.unit_id) if u.active]
            users = staff[r.unit_id]
            what = "受理" if r.status == "submitted" else "办理"
            target = url_for("services.detail", request_id=r.id)
            messages.extend({"user_id": u.id, "kind": "service_overdue", "created_at": now,
                             "title": f"{r.number} 已超过{what}期限（{r.deadline_on}）",
                             "body": r.title[:500], "link": target, "key": keys[r.id]}
                            for u in users if (u.id, keys[r.id]) not in already)
    for start in range(0, len(messages), 1000):
        db.session.execute(insert(Notification), messages[start:start + 1000])
    return len(messages)


# --- holiday calendar ---------------------------------------------------------------------------

def overrides_for(year: int) -> list[WorkdayOverride]:
    return list(db.session.scalars(select(WorkdayOverride).where(
        WorkdayOverride.day.between(date(year, 1, 1), date(year, 12, 31))).order_by(WorkdayOverride.day)))


def set_override(actor, day: date, is_workday: bool, note: str = "") -> WorkdayOverride:
    override = db.session.get(WorkdayOverride, day)
    if override is None:
        override = WorkdayOverride(day=day, is_workday=is_workday, note=note.strip()[:60],
                                   created_by_id=getattr(actor, "id", None))
        db.session.add(override)
        changes = audit.snapshot({"day": day, "is_workday": is_workday, "note": note.strip()})
    else:
        changes = audit.apply_changes(override, {"is_workday": is_workday, "note": note.strip()[:60]})
    db.session.flush()
    audit.record(actor, "calendar", _CalendarRef(day), changes,
                 summary=f"{day} 设为{'工作日' if is_workday else '休息日'}")
    return override


def delete_override(actor, day: date) -> bool:
    override = db.session.get(WorkdayOverride, day)
    if override is None:
        return False
    db.session.delete(override)
    db.session.flush()
    audit.record(actor, "delete", _CalendarRef(day), {"day": [day.isoformat(), None]},
                 summary=f"{day} 恢复默认")
    return True


class _CalendarRef:
    """The audit log's handle on a calendar day (the override table is keyed by date)."""

    __tablename__ = "workday_overrides"

    def __init__(self, day: date):
        self.id = int(day.strftime("%Y%m%d"))


# --- figures ------------------------------------------------------------------------------------

@dataclass
class FigureRow:
    unit: str
    type: str
    received: int = 0
    completed: int = 0
    on_time: int = 0
    late_open: int = 0
    median_days: float | None = None
    mean_rating: float | None = None
    rated: int = 0
    reopened: int = 0

    @property
    def on_time_rate(self) -> float | None:
        judged = self.completed + self.late_open
        return round(100 * self.on_time / judged, 1) if judged else None

    @property
    def reopen_rate(self) -> float | None:
        return round(100 * self.reopened / self.completed, 1) if self.completed else None


def figures(start: date, end: date, today: date | None = None) -> list[FigureRow]:
    """Per handling unit and type, over [start, end]:
    - received: filed in the period;
    - completed: completed in the period (the last completion of a request);
    - on-time rate: completed on or before ``due_on`` ÷ (completed + requests still open whose
      running deadline fell in the period and has passed — an open overdue request counts late);
    - median handling working days (filing → completion, less 待补件) of those completed;
    - mean rating of those completed and rated; reopen rate: completed ones reopened at least once.
    The last row is the total.
    """
    today = today or timeutil.today()
    r = ServiceRequest
    key = (r.unit_id, r.type_id)
    rows: dict[tuple[int, int], FigureRow] = {}
    names = dict(db.session.execute(select(Unit.id, Unit.name)).all())
    type_names = dict(db.session.execute(select(ServiceType.id, ServiceType.name)).all())

    def row(unit_id, type_id) -> FigureRow:
        return rows.setdefault((unit_id, type_id),
                               FigureRow(names.get(unit_id, ""), type_names.get(type_id, "")))

    for unit_id, type_id, count in db.session.execute(
            select(*key, func.count()).where(r.filed_on.between(start, end)).group_by(*key)):
        row(unit_id, type_id).received = count
    # One pass over the completions of the period (a covering index), grouped down to the number
    # of working days taken: the sums per unit and type, and the medians from the same rows.
    histograms: dict[tuple[int, int], dict[int, int]] = {}
    ratings: dict[tuple[int, int], int] = {}
    for unit_id, type_id, days, count, on_time, rating_sum, rated, reopened in db.session.execute(
            select(*key, r.handling_days, func.count(), func.sum(case((r.on_time.is_(True), 1), else_=0)),
                   func.sum(r.rating), func.count(r.rating), func.sum(case((r.reopen_count > 0, 1), else_=0)))
            .where(r.completed_on.between(start, end)).group_by(*key, r.handling_days)):
        figure = row(unit_id, type_id)
        figure.completed += count
        figure.on_time += int(on_time or 0)
        figure.rated += rated
        figure.reopened += int(reopened or 0)
        ratings[(unit_id, type_id)] = ratings.get((unit_id, type_id), 0) + int(rating_sum or 0)
        if days is not None:
            histograms.setdefault((unit_id, type_id), {})[days] = count
    for group, total in ratings.items():
        figure = rows[group]
        figure.mean_rating = round(total / figure.rated, 2) if figure.rated else None
    # deadline_on is set only while a clock runs, so "open and past its deadline" needs no status
    for unit_id, type_id, count in db.session.execute(
            select(*key, func.count()).where(r.deadline_on < today, r.deadline_on.between(start, end))
            .group_by(*key)):
        row(unit_id, type_id).late_open = count
    for (unit_id, type_id), counts in histograms.items():
        row(unit_id, type_id).median_days = _median(counts)
    ordered = sorted(rows.values(), key=lambda f: (f.unit, f.type))
    if ordered:
        ordered.append(_total(ordered, histograms))
    return ordered


def _median(counts: dict[int, int]) -> float | None:
    total = sum(counts.values())
    if not total:
        return None
    wanted, seen, middle = {(total - 1) // 2, total // 2}, 0, []
    for days in sorted(counts):
        for position in wanted:
            if seen <= position < seen + counts[days]:
                middle.append(days)
        seen += counts[days]
    return sum(middle) / len(middle)


def _total(rows: list[FigureRow], histograms: dict) -> FigureRow:
    total = FigureRow("合计", "全部事项")
    for f in rows:
        total.received += f.received
        total.completed += f.completed
        total.on_time += f.on_time
        total.late_open += f.late_open
        total.rated += f.rated
        total.reopened += f.reopened
    ratings = [(f.mean_rating, f.rated) for f in rows if f.mean_rating is not None]
    if ratings:
        total.mean_rating = round(sum(m * n for m, n in ratings) / sum(n for _m, n in ratings), 2)
    merged: dict[int, int] = {}
    for counts in histograms.values():
        for days, count in counts.items():
            merged[days] = merged.get(days, 0) + count
    total.median_days = _median(merged)
    return total


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def on_time_rate(year: int) -> float:
    """按时办结率 (%) of the year, every unit and type; 0 when nothing was due."""
    rows = figures(*_year(year))
    return (rows[-1].on_time_rate or 0.0) if rows else 0.0


def completed_count(year: int) -> int:
    start, end = _year(year)
    return db.session.scalar(select(func.count(ServiceRequest.id)).where(
        ServiceRequest.completed_on.between(start, end))) or 0


def received_count(year: int) -> int:
    start, end = _year(year)
    return db.session.scalar(select(func.count(ServiceRequest.id)).where(
        ServiceRequest.filed_on.between(start, end))) or 0


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timeutil.today()
    return date(today.year, 1, 1), today
