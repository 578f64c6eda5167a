"""Lists and queues: the filters of pages and API, and the dashboard's counts."""
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from talent.core import timeutil
from talent.core.pagination import Page, paginate
from talent.extensions import db
from talent.services import workdays
from talent.services.models import (
    OPEN_STATUSES,
    STATUSES,
    ServiceRequest,
    ServiceType,
)
from talent.services.operations.common import DUE_SOON_DAYS
from talent.services.operations.visibility import visible_to

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
        """The arguments that ask for this list again (pager, export). ``status`` stays even when
        empty: 全部状态 is ``status=`` — without it the queue opens on 未办结 again."""
        values = {"type": self.type, "q": self.q, "unit_id": self.unit_id,
                  "overdue": "1" if self.overdue else "", "soon": "1" if self.soon else "",
                  "priority": "1" if self.priority else ""}
        return {"status": self.status, **{k: v for k, v in values.items() if v not in ("", None)}}

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
