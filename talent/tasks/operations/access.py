"""Who acts for which unit, and who may do what on a plan or item."""

from sqlalchemy import select

from talent.auth.models import Unit
from talent.core.errors import Refused
from talent.extensions import db
from talent.tasks.models import (
    Directive,
    TaskItem,
    TaskPlan,
)


class TaskRefused(Refused):
    """A task operation that cannot be done as asked (409 conflict, 422 rule)."""


class NotYourItem(Exception):
    """The acting user's unit has no part in this item: the view answers 403."""


def is_admin(user) -> bool:
    return user is not None and user.role == "admin"


# 县委组织部 staff hold the ``org`` role; an org account without a unit acts for that unit.
ORG_UNIT = "县委组织部"


def acting_unit(user) -> Unit | None:
    """The unit a user acts for: their own, or 县委组织部 for an ``org`` account without one."""
    if user is None:
        return None
    if user.unit_id is not None:
        return user.unit
    if user.role == "org":
        return db.session.scalar(select(Unit).where(Unit.name == ORG_UNIT))
    return None


def _unit_id(user) -> int | None:
    unit = acting_unit(user)
    return unit.id if unit is not None else None


def is_office(user, plan: TaskPlan) -> bool:
    return is_admin(user) or (user is not None and user.role == "unit"
                              and user.unit_id == plan.office_unit_id)


def is_convener(user) -> bool:
    """The 专班 leader (召集人/副召集人): read-only, except that they confirm or return the
    office's own reports (four eyes on the office)."""
    return user is not None and user.role == "leader"


def is_lead(user, item: TaskItem) -> bool:
    return is_admin(user) or item.unit_role(_unit_id(user)) == "lead"


def is_unit_of(user, directive: "Directive") -> bool:
    return is_admin(user) or _unit_id(user) == directive.unit_id


def reporting_units(user, item: TaskItem) -> list[Unit]:
    """The units this user may report for on this item (own unit; the admin any of the item's)."""
    if is_admin(user):
        return item.all_units
    unit = acting_unit(user)
    return [unit] if unit is not None and item.unit_role(unit.id) else []


def require_office(user, plan: TaskPlan) -> None:
    if not is_office(user, plan):
        raise NotYourItem()


def require_lead(user, item: TaskItem) -> None:
    if not is_lead(user, item):
        raise NotYourItem()
