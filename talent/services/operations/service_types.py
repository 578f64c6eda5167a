"""Service types: the seeded defaults and the admin's edits."""

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from talent.auth.models import Unit
from talent.auth.units import unit_named
from talent.core import audit
from talent.extensions import db
from talent.services.models import (
    ServiceType,
)
from talent.services.operations.common import StaleVersion

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
