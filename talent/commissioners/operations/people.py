"""Commissioners, their accounts and the commissioner list's filters."""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from sqlalchemy import Select, exists, or_, select

from talent.auth import operations as accounts
from talent.auth.models import User
from talent.commissioners import choices
from talent.commissioners.models import (
    Commissioner,
    ServiceLog,
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
from talent.core import audit
from talent.core.crypto import blind_index
from talent.core.timeutil import today
from talent.extensions import db


def _post_taken(message: str, field_name: str) -> Conflict:
    return Conflict(message, fields={field_name: [message]})


def _check_one_post(values: Mapping, exclude_id: int | None = None) -> None:
    """One person, one active post — checked here for a clear message; the partial unique
    indexes are the last word when two clerks save at once."""
    if values.get("status", "active") != "active":
        return
    for column, field_name, what in ((Commissioner.id_number_index, "id_number", "身份证号码"),
                                     (Commissioner.talent_id, "talent_id", "关联人才")):
        value = values.get(field_name)
        if value in (None, ""):
            continue
        if field_name == "id_number":
            value = blind_index(value)
        query = select(Commissioner).where(column == value, Commissioner.status == "active")
        if exclude_id is not None:
            query = query.where(Commissioner.id != exclude_id)
        other = db.session.scalar(query)
        if other is not None:
            raise _post_taken(f"该{what}对应的人员已是在岗科技特派员（{other.name}，编号 {other.id}），"
                              "一人只能有一个在岗派驻身份", field_name)


def _raced_post():
    return _post_taken("该人员已是在岗科技特派员，一人只能有一个在岗派驻身份", "id_number")


def create_commissioner(actor, values: Mapping, account: Mapping | None = None) -> Commissioner:
    """Register a commissioner; ``account`` (username, password) also creates their sign-in."""
    _check_one_post(values)
    commissioner = create_audited(actor, Commissioner(**values), values, values["name"], _raced_post)
    if account:
        create_account(actor, commissioner, account["username"], account["password"])
    return commissioner


def update_commissioner(actor, commissioner: Commissioner, values: Mapping) -> dict:
    _check_one_post(values, exclude_id=commissioner.id)
    return update_audited(actor, commissioner, values, commissioner.name, _raced_post)


def account_of(commissioner: Commissioner) -> User | None:
    return db.session.scalar(select(User).where(User.commissioner_id == commissioner.id))


def create_account(actor, commissioner: Commissioner, username: str, password: str) -> User:
    try:
        user = accounts.create_user(actor, username, password, "commissioner",
                                    display_name=commissioner.name)
    except accounts.AccountError as error:
        field_name = "password" if "密码" in str(error) else "username"
        raise RuleBroken(str(error), fields={field_name: [str(error)]}) from None
    link_account(actor, commissioner, user)
    return user


def link_account(actor, commissioner: Commissioner, user: User) -> None:
    if user.role != "commissioner":
        raise RuleBroken("只能关联角色为“科技特派员”的账户")
    existing = account_of(commissioner)
    if existing is not None and existing.id != user.id:
        raise Conflict(f"该科技特派员已关联账户 {existing.username}")
    changes = audit.apply_changes(user, {"commissioner_id": commissioner.id})
    if changes:
        db.session.flush()
        audit.record(actor, "update", user, changes, summary=user.username)


IDLE_DAYS = 30


def logged_since(days: int):
    since = today() - timedelta(days=days)
    return exists().where(ServiceLog.commissioner_id == Commissioner.id,
                          ServiceLog.served_on >= since)


@dataclass(frozen=True)
class CommissionerQuery:
    q: str = ""
    level: str = ""
    status: str = ""
    round_id: int | None = None
    idle: bool = False  # no log in the last 30 days

    FILTERS: ClassVar = ("level", "status")

    @classmethod
    def from_args(cls, args: Mapping) -> "CommissionerQuery":
        return cls(q=(args.get("q") or "").strip()[:50],
                   level=choice_arg(args, "level", choices.LEVELS),
                   status=choice_arg(args, "status", choices.STATUSES),
                   round_id=int_arg(args, "round_id"),
                   idle=str(args.get("idle") or "") in ("1", "true"))

    def args(self) -> dict:
        values = {k: v for k, v in self.__dict__.items() if v not in ("", None, False)}
        if self.idle:
            values["idle"] = 1
        return values

    def where(self, query: Select) -> Select:
        if self.q:
            like = f"%{self.q}%"
            query = query.where(or_(Commissioner.name.like(like), Commissioner.employer.like(like),
                                    Commissioner.expertise.like(like)))
        if self.level:
            query = query.where(Commissioner.level == self.level)
        if self.status:
            query = query.where(Commissioner.status == self.status)
        if self.round_id is not None:
            query = query.where(Commissioner.round_id == self.round_id)
        if self.idle:
            query = query.where(Commissioner.status == "active", ~logged_since(IDLE_DAYS))
        return query

    def select(self, user) -> Select:
        return self.where(visible_to(user, Commissioner)).order_by(Commissioner.id.desc())


def post_of_talent(talent_id: int) -> Commissioner | None:
    """The talent's commissioner post: the active one, else the latest."""
    return db.session.scalar(select(Commissioner).where(Commissioner.talent_id == talent_id)
                             .order_by((Commissioner.status == "active").desc(),
                                       Commissioner.id.desc()).limit(1))
