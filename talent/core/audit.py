"""The audit log: who changed what, when, from which value to which.

Operations call :func:`record` after they ``flush``; the entry commits or
rolls back with the change it describes.
"""
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from talent.core.masking import mask_id_number
from talent.core.timeutil import utcnow
from talent.extensions import db

# Fields whose values never enter the log whole.
SENSITIVE_FIELDS = {"id_number": mask_id_number, "password_hash": lambda _v: "******"}


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column()
    summary: Mapped[str] = mapped_column(String(200), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def _jsonable(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _logged(field: str, value):
    mask = SENSITIVE_FIELDS.get(field)
    value = _jsonable(value)
    return mask(value) if mask and value else value


def apply_changes(obj, values: dict[str, Any]) -> dict[str, list]:
    """Set ``values`` on ``obj``; return ``{field: [old, new]}`` of what really changed, masked."""
    changes = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            setattr(obj, field, new)
            changes[field] = [_logged(field, old), _logged(field, new)]
    return changes


def snapshot(values: dict[str, Any]) -> dict[str, list]:
    """Changes of a created object: every filled field from nothing."""
    return {k: [None, _logged(k, v)] for k, v in values.items() if v not in (None, "", [])}


def record(actor, action: str, obj, changes: dict | None = None, summary: str = "") -> AuditEntry:
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None) or "system",
        action=action,
        object_type=obj.__tablename__,
        object_id=obj.id,
        summary=summary[:200],
        changes=changes or {},
    )
    db.session.add(entry)
    return entry


def record_many(actor, action: str, items: list[tuple[Any, dict, str]]) -> None:
    """``record`` for a batch (an import): ``(obj, changes, summary)`` each, one multi-row INSERT
    instead of an ORM object per entry. Same rows, same transaction."""
    actor_id, actor_name = getattr(actor, "id", None), getattr(actor, "username", None) or "system"
    now = utcnow()
    rows = [{"at": now, "actor_id": actor_id, "actor_name": actor_name, "action": action,
             "object_type": obj.__tablename__, "object_id": obj.id, "summary": summary[:200],
             "changes": changes or {}} for obj, changes, summary in items]
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(AuditEntry), rows[start:start + 1000])


def history(object_type: str, object_id: int) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return list(db.session.scalars(query))


# Actions every feature may log; features add their own through ``Feature.audit_actions``.
BASE_ACTION_LABELS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "import": "批量导入",
    "export": "导出",
}
