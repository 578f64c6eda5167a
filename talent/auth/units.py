"""The county units (单位): the ones every installation has, and the admin's edits.

The work plan names 各乡镇(管理局) as one responsible unit; in fact each of the 11 乡镇 and the
阳明山 national-park 管理局 reports its own part, so they are units of kind ``town`` whose
``group_name`` is the text's wording.
"""
from collections.abc import Mapping

from sqlalchemy import exists, func, select

from talent.auth.models import UNIT_KINDS, Unit, User
from talent.core import audit
from talent.core.db import check_version
from talent.core.errors import Refused
from talent.extensions import db

TOWN_GROUP = "各乡镇(管理局)"
# DESIGN.md: 6 镇, 5 乡 and the 阳明山 管理局 (public sources, 2024–2025).
TOWNS = ["泷泊镇", "江村镇", "五里牌镇", "茶林镇", "何家洞镇", "麻江镇",
         "塘底乡", "上梧江瑶族乡", "理家坪乡", "五星岭乡", "打鼓坪乡", "阳明山管理局"]

UNITS = [
    ("县委组织部", "county"),
    ("县政府办(金融办)", "county"),
    ("县发改局", "county"),
    ("县教育局", "county"),
    ("县科工信局", "county"),
    ("县财政局", "county"),
    ("县人社局", "county"),
    ("县农业农村局", "county"),
    ("县林业局", "county"),
    ("县卫健局", "county"),
    ("县市场监管局", "county"),
    ("县住建局", "county"),
    ("县统计局", "county"),  # reports the work plan's growth rates (named on those indicators)
    ("县科协", "county"),
    ("国家税务局双牌分局", "other"),
    ("人民银行双牌支行", "finance"),
    ("县产业开发区", "county"),
    (TOWN_GROUP, "other"),
]


class UnitRefused(Refused):
    """A unit edit that cannot be made (a duplicate name: 409; a bad value: 422)."""


def seed_units() -> int:
    """Insert missing units (the towns among them) and keep their order; returns how many were
    added. The 各乡镇(管理局) row stays (it may have history) but is retired once its towns exist,
    so nobody picks it for new work."""
    existing = {u.name: u for u in db.session.scalars(select(Unit))}
    added = 0
    rows = [(name, kind, "") for name, kind in UNITS] + [(name, "town", TOWN_GROUP) for name in TOWNS]
    for order, (name, kind, group) in enumerate(rows, start=1):
        unit = existing.get(name)
        if unit is None:
            db.session.add(Unit(name=name, sort_order=order, kind=kind, group_name=group))
            added += 1
        elif unit.sort_order != order:
            unit.sort_order = order
    db.session.flush()
    group = unit_named(TOWN_GROUP)
    if group is not None and group.active:
        group.active = False
    db.session.flush()
    return added


def unit_named(name: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.name == name))


def group_members(group_name: str) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.group_name == group_name, Unit.active.is_(True))
                                   .order_by(Unit.sort_order, Unit.id)))


def wording(units) -> list[str]:
    """Names as a text would write them: members of a group appear once, as the group."""
    names: list[str] = []
    for unit in units:
        name = unit.group_name or unit.name
        if name not in names:
            names.append(name)
    return names


def units_query(include_retired: bool = True):
    query = select(Unit).order_by(Unit.sort_order, Unit.id)
    return query if include_retired else query.where(Unit.active.is_(True))


def has_history(unit: Unit) -> bool:
    """Accounts, or any row of another table pointing at the unit (reports, requests …)."""
    if db.session.scalar(select(exists().where(User.unit_id == unit.id))):
        return True
    for table in db.metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table.name == "units" and table.name != "units":
                count = db.session.scalar(select(func.count()).select_from(table).where(
                    fk.parent == unit.id))
                if count:
                    return True
    return False


FIELDS = ("name", "kind", "sort_order", "active", "group_name")


def _check(values: Mapping, unit: Unit | None = None) -> dict:
    values = {k: values[k] for k in FIELDS if k in values}
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            raise UnitRefused("请填写单位名称", fields={"name": ["请填写单位名称"]}, status=422)
        clash = db.session.scalar(select(Unit.id).where(Unit.name == values["name"]))
        if clash is not None and (unit is None or clash != unit.id):
            raise UnitRefused(f"已有单位“{values['name']}”", fields={"name": ["名称已存在"]})
    if "kind" in values and values["kind"] not in UNIT_KINDS:
        raise UnitRefused("单位类型不正确", fields={"kind": ["单位类型不正确"]}, status=422)
    return values


def create_unit(actor, values: Mapping) -> Unit:
    values = _check(values)
    if "sort_order" not in values:
        values["sort_order"] = (db.session.scalar(select(func.max(Unit.sort_order))) or 0) + 1
    unit = Unit(**values)
    db.session.add(unit)
    db.session.flush()
    audit.record(actor, "create", unit, audit.snapshot(values), summary=unit.name)
    return unit


def update_unit(actor, unit: Unit, values: Mapping, version: int | None) -> dict:
    """Rename, re-kind, re-order, retire or bring back a unit; a stale ``version`` is a 409."""
    check_version(unit, version)
    values = _check(values, unit)
    changes = audit.apply_changes(unit, values)
    if changes:
        db.session.flush()
        action = {False: "retire", True: "reactivate"}.get(values.get("active")) if list(changes) == [
            "active"] else "update"
        audit.record(actor, action, unit, changes, summary=unit.name)
    return changes
