"""Service targets (服务对象) and their list's filters."""
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, exists, or_, select

from talent.commissioners import choices
from talent.commissioners.models import (
    Assignment,
    ServiceTarget,
)
from talent.commissioners.operations.access import visible_to
from talent.commissioners.operations.base import Conflict, choice_arg, create_audited, int_arg, update_audited
from talent.extensions import db


def _target_conflict():
    return Conflict("已有同名或同统一社会信用代码的服务对象",
                    fields={"name": ["已有同名或同统一社会信用代码的服务对象"]})


def _check_target(values: Mapping, exclude_id: int | None = None) -> None:
    conditions = [ServiceTarget.name == values["name"]]
    if values.get("uscc"):
        conditions.append(ServiceTarget.uscc == values["uscc"])
    query = select(ServiceTarget).where(or_(*conditions))
    if exclude_id is not None:
        query = query.where(ServiceTarget.id != exclude_id)
    other = db.session.scalar(query)
    if other is not None:
        field_name = "name" if other.name == values["name"] else "uscc"
        message = f"已登记为服务对象：{other.name}（编号 {other.id}）"
        raise Conflict(message, fields={field_name: [message]})


def create_target(actor, values: Mapping) -> ServiceTarget:
    _check_target(values)
    return create_audited(actor, ServiceTarget(**values), values, values["name"], _target_conflict)


def update_target(actor, target: ServiceTarget, values: Mapping) -> dict:
    _check_target(values, exclude_id=target.id)
    return update_audited(actor, target, values, target.name, _target_conflict)


def actively_served():
    return exists().where(Assignment.target_id == ServiceTarget.id, Assignment.status == "active")


@dataclass(frozen=True)
class TargetQuery:
    q: str = ""
    kind: str = ""
    town_id: int | None = None
    unserved: bool = False  # no active assignment

    @classmethod
    def from_args(cls, args: Mapping) -> "TargetQuery":
        return cls(q=(args.get("q") or "").strip()[:50],
                   kind=choice_arg(args, "kind", choices.TARGET_KINDS),
                   town_id=int_arg(args, "town_id"),
                   unserved=str(args.get("unserved") or "") in ("1", "true"))

    def args(self) -> dict:
        values = {k: v for k, v in self.__dict__.items() if v not in ("", None, False)}
        if self.unserved:
            values["unserved"] = 1
        return values

    def where(self, query: Select) -> Select:
        if self.q:
            like = f"%{self.q}%"
            query = query.where(or_(ServiceTarget.name.like(like), ServiceTarget.uscc.like(like)))
        if self.kind:
            query = query.where(ServiceTarget.kind == self.kind)
        if self.town_id is not None:
            query = query.where(ServiceTarget.town_id == self.town_id)
        if self.unserved:
            query = query.where(~actively_served())
        return query

    def select(self, user) -> Select:
        return self.where(visible_to(user, ServiceTarget)).order_by(ServiceTarget.name)
