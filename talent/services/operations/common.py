"""What every part of the service-request operations shares: constants, refusals, numbers, links,
who handles a unit's requests and card holders."""
import logging
from datetime import date

from talent.auth.models import Unit, User
from talent.cards import operations as cards
from talent.cards.models import TierBenefit
from talent.core.db import next_in_year
from talent.core.errors import Refused
from talent.extensions import db
from talent.notifications import operations as inbox
from talent.registry.models import Talent
from talent.services.models import (
    RequestCounter,
    ServiceRequest,
)

log = logging.getLogger("talent.services.operations")

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
    return inbox.notify(handlers(unit_id), title, unit_id=unit_id, **kwargs)


def link(endpoint: str, **values) -> str:
    """A site-relative URL, also from the CLI (the sweep) where there is no request."""
    return inbox.link(endpoint, **values)


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
