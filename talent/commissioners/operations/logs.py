"""Service logs: write, edit, confirm, return; the log list's filters."""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from talent.commissioners import choices
from talent.commissioners.models import (
    Assignment,
    Commissioner,
    ServiceLog,
    ServiceTarget,
)
from talent.commissioners.operations.access import accounts_of as _accounts_of
from talent.commissioners.operations.access import visible_to
from talent.commissioners.operations.base import Conflict, RuleBroken, choice_arg, date_arg, int_arg
from talent.commissioners.operations.needs import check_log_need, close_by_log
from talent.core import audit
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.notifications.operations import notify


def find_by_client_key(commissioner_id: int, client_key: str) -> ServiceLog | None:
    return db.session.scalar(select(ServiceLog).where(ServiceLog.commissioner_id == commissioner_id,
                                                      ServiceLog.client_key == client_key))


def _check_period(assignment: Assignment, served_on: date) -> None:
    if served_on < assignment.starts_on or (assignment.ends_on and served_on > assignment.ends_on):
        period = f"{assignment.starts_on}—{assignment.ends_on or '至今'}"
        raise RuleBroken(f"服务日期不在派驻期内（{period}）",
                         fields={"served_on": [f"服务日期应在派驻期内（{period}）"]})


def create_log(actor, assignment: Assignment, values: Mapping,
               client_key: str | None = None) -> tuple[ServiceLog, bool]:
    """Record a service; returns ``(log, created)``. The same ``client_key`` from the same
    commissioner gives back the first log, so a retried post from the field never doubles it."""
    client_key = (client_key or "").strip() or None
    if client_key:
        existing = find_by_client_key(assignment.commissioner_id, client_key)
        if existing is not None:
            return existing, False
    _check_period(assignment, values["served_on"])
    check_log_need(assignment, values.get("need_id"))
    values = {k: v for k, v in values.items() if k != "assignment_id"}
    log = ServiceLog(assignment_id=assignment.id, commissioner_id=assignment.commissioner_id,
                     target_id=assignment.target_id, client_key=client_key,
                     created_by_id=getattr(actor, "id", None), status="submitted", **values)
    commissioner_id = assignment.commissioner_id
    try:
        db.session.add(log)
        db.session.flush()
    except IntegrityError:
        # The same key arrived twice at once: the other request's log is the one.
        db.session.rollback()
        existing = find_by_client_key(commissioner_id, client_key) if client_key else None
        if existing is None:
            raise
        return existing, False
    audit.record(actor, "create", log, audit.snapshot({**values, "assignment_id": assignment.id}),
                 summary=f"{assignment.commissioner.name} · {assignment.target.name}")
    return log, True


def update_log(actor, log: ServiceLog, values: Mapping, version: int | None = None) -> dict:
    """Editable until confirmed; a returned log goes back to 待确认 once corrected."""
    if log.status == "confirmed":
        raise Conflict("该服务日志已确认，不能再修改")
    if version is not None and version != log.version:
        raise Conflict("该日志已被修改过，请刷新后再编辑", fields={"version": ["版本已过期"]})
    values = dict(values)
    assignment = db.session.get(Assignment, values.pop("assignment_id", log.assignment_id))
    if assignment.commissioner_id != log.commissioner_id:
        raise RuleBroken("只能改为同一科技特派员的派驻",
                         fields={"assignment_id": ["只能改为同一科技特派员的派驻"]})
    _check_period(assignment, values["served_on"])
    check_log_need(assignment, values.get("need_id", log.need_id), current=log.need_id)
    values.update(assignment_id=assignment.id, target_id=assignment.target_id)
    changes = audit.apply_changes(log, values)
    if changes:
        if log.status == "returned":
            changes["status"] = [log.status, "submitted"]
            log.status = "submitted"
        log.version += 1
        db.session.flush()
        audit.record(actor, "update", log, changes, summary=_log_summary(log))
    return changes


def _log_summary(log: ServiceLog) -> str:
    return f"{log.commissioner.name} · {log.target.name} · {log.served_on}"


def confirm_log(actor, log: ServiceLog) -> None:
    if log.status == "confirmed":
        return
    if log.status == "returned":
        raise Conflict("该日志已退回，需特派员修改后再确认")
    changes = audit.apply_changes(log, {"status": "confirmed", "confirmed_at": utcnow(),
                                        "confirmed_by_id": getattr(actor, "id", None)})
    log.version += 1
    db.session.flush()
    audit.record(actor, "confirm", log, changes, summary=_log_summary(log))
    close_by_log(actor, log)


MAX_BULK = 200


def checked_ids(values) -> list[int]:
    """Ids from a form or JSON list: whole numbers only, anything else refused by the caller."""
    ids = []
    for value in values:
        text = str(value).strip()
        if not (text.isdigit() and len(text) < 10):
            raise RuleBroken("服务日志编号无效", fields={"ids": ["服务日志编号无效"]})
        ids.append(int(text))
    return ids


def confirm_logs(actor, ids) -> dict:
    """Confirm several logs at once, each audited on its own. Every id must be a log the clerk
    can see (else nothing is confirmed); a returned log is skipped with the reason, one already
    confirmed counts as confirmed."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise RuleBroken("请选择要确认的服务日志", fields={"ids": ["请选择要确认的服务日志"]})
    if len(wanted) > MAX_BULK:
        message = f"一次最多确认 {MAX_BULK} 条"
        raise RuleBroken(message, fields={"ids": [message]})
    logs = {log.id: log for log in db.session.scalars(
        visible_to(actor, ServiceLog).where(ServiceLog.id.in_(wanted)))}
    missing = [i for i in wanted if i not in logs]
    if missing:
        message = f"找不到这些服务日志：{'、'.join(map(str, missing[:10]))}"
        raise RuleBroken(message, fields={"ids": [message]})
    confirmed, skipped = [], []
    for log_id in wanted:
        log = logs[log_id]
        if log.status == "returned":
            skipped.append({"id": log_id, "reason": "已退回，需特派员修改后再确认"})
            continue
        confirm_log(actor, log)
        confirmed.append(log_id)
    return {"confirmed": confirmed, "skipped": skipped}


def remove_photo(actor, photo) -> None:
    """Take a photo off a log that is not yet confirmed (the file goes once the request commits
    — see ``photos.remove_photo``)."""
    log = photo.log
    if log.status == "confirmed":
        raise Conflict("该服务日志已确认，照片不能再删除")
    before = len(log.photos)
    log.photos.remove(photo)  # delete-orphan: the row goes at flush
    log.version += 1
    db.session.flush()
    audit.record(actor, "remove_photo", log, {"photos": [before, len(log.photos)]},
                 summary=f"删除照片 · {_log_summary(log)}")


def return_log(actor, log: ServiceLog, comment: str, link: str = "") -> None:
    if log.status == "confirmed":
        raise Conflict("该日志已确认，不能退回")
    changes = audit.apply_changes(log, {"status": "returned", "return_comment": comment.strip()})
    log.version += 1
    db.session.flush()
    audit.record(actor, "return", log, changes, summary=_log_summary(log))
    notify(_accounts_of(log.commissioner_id), f"服务日志被退回：{log.target.name} {log.served_on}",
           link=link, body=comment.strip(), kind="commissioners")


@dataclass(frozen=True)
class LogQuery:
    """The service-log list's filters, from page or API arguments."""

    commissioner_id: int | None = None
    target_id: int | None = None
    # Names typed by the clerk: 2,000 commissioners and as many targets make poor drop-downs.
    commissioner: str = ""
    target: str = ""
    town_id: int | None = None
    kind: str = ""
    status: str = ""
    confirmed: str = ""  # "yes" / "no" / ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args: Mapping) -> "LogQuery":
        confirmed = str(args.get("confirmed") or "").lower()
        confirmed = {"true": "yes", "1": "yes", "false": "no", "0": "no"}.get(confirmed, confirmed)
        return cls(
            commissioner_id=int_arg(args, "commissioner_id"), target_id=int_arg(args, "target_id"),
            commissioner=(args.get("commissioner") or "").strip()[:50],
            target=(args.get("target") or "").strip()[:50],
            town_id=int_arg(args, "town_id"), kind=choice_arg(args, "kind", choices.LOG_KINDS),
            status=choice_arg(args, "status", choices.LOG_STATUSES),
            confirmed=confirmed if confirmed in ("yes", "no") else "",
            date_from=date_arg(args, "date_from"), date_to=date_arg(args, "date_to"))

    def args(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in self.__dict__.items() if v not in ("", None)}

    def where(self, query: Select) -> Select:
        if self.commissioner_id is not None:
            query = query.where(ServiceLog.commissioner_id == self.commissioner_id)
        if self.target_id is not None:
            query = query.where(ServiceLog.target_id == self.target_id)
        if self.commissioner:
            query = query.where(ServiceLog.commissioner_id.in_(select(Commissioner.id).where(
                Commissioner.name.like(f"%{self.commissioner}%"))))
        if self.target:
            query = query.where(ServiceLog.target_id.in_(select(ServiceTarget.id).where(
                ServiceTarget.name.like(f"%{self.target}%"))))
        if self.town_id is not None:
            query = query.where(ServiceLog.target_id.in_(
                select(ServiceTarget.id).where(ServiceTarget.town_id == self.town_id)))
        if self.kind:
            query = query.where(ServiceLog.kind == self.kind)
        if self.status:
            query = query.where(ServiceLog.status == self.status)
        if self.confirmed == "yes":
            query = query.where(ServiceLog.status == "confirmed")
        elif self.confirmed == "no":
            query = query.where(ServiceLog.status != "confirmed")
        if self.date_from:
            query = query.where(ServiceLog.served_on >= self.date_from)
        if self.date_to:
            query = query.where(ServiceLog.served_on <= self.date_to)
        return query

    def select(self, user) -> Select:
        return self.where(visible_to(user, ServiceLog)).order_by(
            ServiceLog.served_on.desc(), ServiceLog.id.desc())

    def count(self, user) -> Select:
        base = visible_to(user, ServiceLog).with_only_columns(func.count(ServiceLog.id))
        return self.where(base)
