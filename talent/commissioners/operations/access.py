"""Who may see what: 县科工信局 staff, ``admin`` and ``org`` see every row; a commissioner sees
their own; anyone else is refused (403) — a unit other than 县科工信局 holds the role permission
but not this module."""
from sqlalchemy import Select, false, select
from werkzeug.exceptions import Forbidden

from talent.auth.models import Unit, User
from talent.commissioners import choices
from talent.commissioners.assessment_models import Project
from talent.commissioners.models import (
    Assignment,
    Commissioner,
    LogPhoto,
    SelectionRound,
    ServiceLog,
    ServiceTarget,
    Town,
)
from talent.extensions import db


def is_bureau_staff(user) -> bool:
    return user is not None and user.role == "unit" and user.unit is not None \
        and user.unit.name == choices.BUREAU


def can_manage(user) -> bool:
    return user is not None and (user.role == "admin" or is_bureau_staff(user))


def can_read_all(user) -> bool:
    return can_manage(user) or (user is not None and user.role == "org")


def own_commissioner_id(user) -> int | None:
    return user.commissioner_id if user is not None and user.role == "commissioner" else None


def check_reader(user) -> None:
    if not (can_read_all(user) or (user is not None and user.role == "commissioner")):
        raise Forbidden()


def check_manager(user) -> None:
    if not can_manage(user):
        raise Forbidden()


def visible_to(user, model) -> Select:
    """The rows of ``model`` this user may see: all for staff, their own for a commissioner."""
    check_reader(user)
    query = select(model)
    if can_read_all(user) or model is SelectionRound or model is Town:
        return query
    mine = own_commissioner_id(user)
    if mine is None:
        return query.where(false())
    if model is Commissioner:
        return query.where(Commissioner.id == mine)
    if model in (Assignment, ServiceLog, Project):
        return query.where(model.commissioner_id == mine)
    if model is ServiceTarget:
        return query.where(ServiceTarget.id.in_(
            select(Assignment.target_id).where(Assignment.commissioner_id == mine)))
    if model is LogPhoto:
        return query.join(ServiceLog).where(ServiceLog.commissioner_id == mine)
    raise ValueError(model)


def accounts_of(commissioner_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.commissioner_id == commissioner_id,
                                                      User.active.is_(True))))


def bureau_staff() -> list[User]:
    """The 县科工信局 accounts (who match needs to commissioners)."""
    return list(db.session.scalars(select(User).join(Unit, Unit.id == User.unit_id).where(
        User.role == "unit", Unit.name == choices.BUREAU, User.active.is_(True))))


def load_visible(user, model, object_id: int):
    """The object if this user may see it, else None (the caller answers 404)."""
    return db.session.scalar(visible_to(user, model).where(model.id == object_id))
