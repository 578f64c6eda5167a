"""The county units (单位) every installation has, in the order DESIGN.md lists them."""
from sqlalchemy import select

from talent.auth.models import Unit
from talent.extensions import db

UNITS = [
    "县委组织部",
    "县政府办(金融办)",
    "县发改局",
    "县教育局",
    "县科工信局",
    "县财政局",
    "县人社局",
    "县农业农村局",
    "县林业局",
    "县卫健局",
    "县市场监管局",
    "县住建局",
    "县科协",
    "国家税务局双牌分局",
    "人民银行双牌支行",
    "县产业开发区",
    "各乡镇(管理局)",
]


def seed_units() -> int:
    """Insert missing units and keep their order; returns how many were added."""
    existing = {u.name: u for u in db.session.scalars(select(Unit))}
    added = 0
    for order, name in enumerate(UNITS, start=1):
        unit = existing.get(name)
        if unit is None:
            db.session.add(Unit(name=name, sort_order=order))
            added += 1
        else:
            unit.sort_order = order
    db.session.flush()
    return added


def unit_named(name: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.name == name))
