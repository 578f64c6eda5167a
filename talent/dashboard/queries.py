"""The audit-log list as a query object (see core/listing.py)."""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from sqlalchemy import Select

from talent.core.audit import AuditEntry
from talent.core.listing import ListQuery
from talent.core.timeutil import utc_start_of


def _day(raw) -> date | None:
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


@dataclass(frozen=True)
class AuditQuery(ListQuery):
    object_type: str = ""
    actor: str = ""
    action: str = ""
    object_id: int | None = None
    since: date | None = None
    until: date | None = None

    MODEL: ClassVar = AuditEntry
    SORTS: ClassVar = {"at": AuditEntry.at, "id": AuditEntry.id}
    DEFAULT_SORT: ClassVar = "-at"

    @classmethod
    def parse(cls, args: Mapping, object_labels: Mapping = (), action_labels: Mapping = ()) -> dict:
        object_type = args.get("object_type") or ""
        action = args.get("action") or ""
        raw_id = str(args.get("object_id") or "")
        return {
            "object_type": object_type if object_type in object_labels else "",
            "action": action if action in action_labels else "",
            "actor": (args.get("actor") or "").strip()[:80],
            "object_id": int(raw_id) if raw_id.isdigit() and len(raw_id) < 10 else None,
            "since": _day(args.get("since")),
            "until": _day(args.get("until")),
        }

    @classmethod
    def from_labels(cls, args: Mapping, object_labels: Mapping, action_labels: Mapping) -> "AuditQuery":
        values = cls.parse(args, object_labels, action_labels)
        return cls(**values)

    def where(self, query: Select) -> Select:
        if self.object_type:
            query = query.where(AuditEntry.object_type == self.object_type)
        if self.object_id is not None:
            query = query.where(AuditEntry.object_id == self.object_id)
        if self.action:
            query = query.where(AuditEntry.action == self.action)
        if self.actor:
            query = query.where(AuditEntry.actor_name == self.actor)
        if self.since:
            query = query.where(AuditEntry.at >= utc_start_of(self.since))
        if self.until:
            query = query.where(AuditEntry.at < utc_start_of(self.until + timedelta(days=1)))
        return query
