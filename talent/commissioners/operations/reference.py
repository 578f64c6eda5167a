"""Reference data (towns) and the choices the forms offer."""
from sqlalchemy import false, or_, select

from talent.commissioners import choices
from talent.commissioners.models import (
    Assignment,
    Commissioner,
    SelectionRound,
    ServiceTarget,
    Town,
)
from talent.commissioners.operations.access import can_manage, own_commissioner_id
from talent.extensions import db


def seed_towns() -> int:
    existing = {t.name: t for t in db.session.scalars(select(Town))}
    added = 0
    for order, (name, kind) in enumerate(choices.TOWNS, start=1):
        town = existing.get(name)
        if town is None:
            db.session.add(Town(name=name, kind=kind, sort_order=order))
            added += 1
        else:
            town.sort_order, town.kind = order, kind
    db.session.flush()
    return added


def towns() -> list[Town]:
    return list(db.session.scalars(select(Town).order_by(Town.sort_order)))


def town_choices() -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in towns()]


def town_by_name(name: str) -> Town | None:
    return db.session.scalar(select(Town).where(Town.name == name))


def round_choices() -> list[tuple[int, str]]:
    rounds = db.session.scalars(select(SelectionRound).order_by(SelectionRound.year.desc(),
                                                                 SelectionRound.name))
    return [(r.id, r.name) for r in rounds]


def commissioner_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    condition = Commissioner.status == "active"
    if include_id is not None:
        condition = or_(condition, Commissioner.id == include_id)
    rows = db.session.execute(select(Commissioner.id, Commissioner.name, Commissioner.level)
                              .where(condition).order_by(Commissioner.name))
    return [(r.id, f"{r.name}（{choices.LEVELS[r.level]}）") for r in rows]


def target_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(ServiceTarget.id, ServiceTarget.name)
                              .order_by(ServiceTarget.name))
    return [(r.id, r.name) for r in rows]


def target_id_by_name(name: str) -> int | None:
    return db.session.scalar(select(ServiceTarget.id).where(ServiceTarget.name == name))


def assignment_choices(user, include_id: int | None = None) -> list[tuple[int, str]]:
    """What a log may be written against: a commissioner's own active assignments (and the one
    a log already has); staff may name any assignment."""
    query = (select(Assignment.id, ServiceTarget.name, Commissioner.name.label("who"))
             .join(ServiceTarget, ServiceTarget.id == Assignment.target_id)
             .join(Commissioner, Commissioner.id == Assignment.commissioner_id))
    mine = own_commissioner_id(user)
    if mine is not None or not can_manage(user):
        query = query.where(Assignment.commissioner_id == (mine or 0))
        condition = Assignment.status == "active"
    else:
        condition = false()
    if include_id is not None:
        condition = or_(condition, Assignment.id == include_id)
    rows = db.session.execute(query.where(condition).order_by(ServiceTarget.name))
    if mine is not None:
        return [(r.id, r.name) for r in rows]
    return [(r.id, f"{r.name}（{r.who}）") for r in rows]
