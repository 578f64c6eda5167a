"""Assignments (派驻/结对) and their list's filters."""
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, select

from talent.commissioners import choices
from talent.commissioners.models import (
    Assignment,
    Commissioner,
    ServiceTarget,
)
from talent.commissioners.operations.access import visible_to
from talent.commissioners.operations.base import (
    Conflict,
    RuleBroken,
    choice_arg,
    create_audited,
    int_arg,
    update_audited,
)
from talent.extensions import db


def _assignment_conflict():
    message = "该科技特派员已在服务这个对象（有进行中的派驻）"
    return Conflict(message, fields={"target_id": [message]})


def _check_assignment(values: Mapping, exclude_id: int | None = None) -> None:
    commissioner = db.session.get(Commissioner, values["commissioner_id"])
    if values.get("status") == "active" and commissioner.status != "active":
        raise RuleBroken("该科技特派员已期满，不能新增派驻",
                         fields={"commissioner_id": ["该科技特派员已期满"]})
    if values.get("status") != "active":
        return
    query = select(Assignment.id).where(
        Assignment.commissioner_id == values["commissioner_id"],
        Assignment.target_id == values["target_id"], Assignment.status == "active")
    if exclude_id is not None:
        query = query.where(Assignment.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise _assignment_conflict()


def _assignment_summary(values: Mapping) -> str:
    commissioner = db.session.get(Commissioner, values["commissioner_id"])
    target = db.session.get(ServiceTarget, values["target_id"])
    return f"{commissioner.name} → {target.name}"


def create_assignment(actor, values: Mapping) -> Assignment:
    _check_assignment(values)
    return create_audited(actor, Assignment(**values), values, _assignment_summary(values),
                   _assignment_conflict)


def update_assignment(actor, assignment: Assignment, values: Mapping) -> dict:
    _check_assignment(values, exclude_id=assignment.id)
    return update_audited(actor, assignment, values, _assignment_summary(values), _assignment_conflict)


@dataclass(frozen=True)
class AssignmentQuery:
    commissioner_id: int | None = None
    target_id: int | None = None
    status: str = ""

    @classmethod
    def from_args(cls, args: Mapping) -> "AssignmentQuery":
        return cls(commissioner_id=int_arg(args, "commissioner_id"),
                   target_id=int_arg(args, "target_id"),
                   status=choice_arg(args, "status", choices.ASSIGNMENT_STATUSES))

    def args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}

    def select(self, user) -> Select:
        query = visible_to(user, Assignment)
        if self.commissioner_id is not None:
            query = query.where(Assignment.commissioner_id == self.commissioner_id)
        if self.target_id is not None:
            query = query.where(Assignment.target_id == self.target_id)
        if self.status:
            query = query.where(Assignment.status == self.status)
        return query.order_by(Assignment.status, Assignment.starts_on.desc(), Assignment.id.desc())
