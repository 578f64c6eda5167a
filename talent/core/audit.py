"""The audit log: who changed what, when, from which value to which.

Operations call :func:`record` after they ``flush``; the entry commits or
rolls back with the change it describes. Each entry keeps the client address of the
request that made it. Events that change no row (sign-ins, exports) name a
:class:`Subject` instead of an object.

The log is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE on it (see
``APPEND_ONLY_SQL``, installed by the migration and by ``create_all``).
"""
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import has_request_context
from sqlalchemy import DDL, JSON, ForeignKey, Index, String, event, insert, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.core.masking import mask_birth_date, mask_id_number_short, mask_id_numbers_in_text
from talent.core.ratelimit import client_address
from talent.core.timeutil import utcnow
from talent.extensions import db

# Fields whose values never enter the log whole.
# The log is read by more people than may see a full record, and kept for years: ID numbers keep
# as few digits as the unit users' mask, birth dates only their year (see core/masking.py).
SENSITIVE_FIELDS = {"id_number": mask_id_number_short, "birth_date": mask_birth_date,
                    "password_hash": lambda _v: "******"}


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
    client: Mapped[str] = mapped_column(String(64), default="", server_default="")

    # The account by its table's class name, so core needs no import of the accounts feature.
    actor = relationship("User", lazy="joined", viewonly=True)

    @property
    def actor_label(self) -> str:
        """Who did it as people know them: the display name, else the username kept in the entry."""
        label = getattr(self.actor, "label", None)
        return label or self.actor_name


# PostgreSQL: the log refuses UPDATE and DELETE, whoever asks (row triggers do not fire on
# TRUNCATE, which needs the table owner's rights: run the app as a role that does not own it).
APPEND_ONLY_SQL = (
    """CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit_entries is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()""",
)
DROP_APPEND_ONLY_SQL = (
    "DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries",
    "DROP FUNCTION IF EXISTS audit_entries_append_only()",
)
for _statement in APPEND_ONLY_SQL:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))


@dataclass(frozen=True)
class Subject:
    """What an entry is about when it is no stored row: ``Subject("users", 0)`` for an unknown
    username, ``Subject("talents", 0)`` for an export of the talent ledger."""

    __tablename__: str
    id: int


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
        summary=mask_id_numbers_in_text(summary)[:200],
        changes=changes or {},
        client=client_address()[:64] if has_request_context() else "",
    )
    db.session.add(entry)
    return entry


def record_many(actor, action: str, items: list[tuple[Any, dict, str]]) -> None:
    """``record`` for a batch (an import): ``(obj, changes, summary)`` each, one multi-row INSERT
    instead of an ORM object per entry. Same rows, same transaction."""
    actor_id, actor_name = getattr(actor, "id", None), getattr(actor, "username", None) or "system"
    now = utcnow()
    rows = [{"at": now, "actor_id": actor_id, "actor_name": actor_name, "action": action,
             "object_type": obj.__tablename__, "object_id": obj.id,
             "summary": mask_id_numbers_in_text(summary)[:200],
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
    "rotate_key": "密钥轮换",
    "repair_text": "清除不可保存的字符",
}
# What core itself logs about (features add theirs through ``Feature.audit_objects``).
BASE_OBJECT_LABELS = {"data_keys": "数据密钥"}


def record_export(actor, object_type: str, what: str, filters: dict, rows: int,
                  full_id_numbers: bool) -> AuditEntry:
    """An export of personal data: who, which list, with which filters, how many rows, and
    whether the file holds full ID numbers (PIPL / 等保 expect all four)."""
    shown = {k: v for k, v in filters.items() if v not in (None, "", [], ())}
    return record(actor, "export", Subject(object_type, 0), {
        "filters": [None, _jsonable(shown)], "rows": [None, rows],
        "full_id_numbers": [None, bool(full_id_numbers)]}, summary=what)
