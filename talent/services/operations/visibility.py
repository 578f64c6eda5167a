"""Who sees a request, and which moves a user may make on it."""

from sqlalchemy import Select, exists, false, or_, select

from talent.services.machine import MOVES, Move
from talent.services.models import (
    ServiceEvent,
    ServiceRequest,
)
from talent.services.operations.common import ORG_UNIT

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
