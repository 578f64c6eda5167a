"""Business operations of the commissioner module. They flush and audit; the request commits.

Who may see a row is :func:`visible_to`: 县科工信局 staff, ``admin`` and ``org`` see every row;
a commissioner sees their own; anyone else is refused (403) — a unit other than 县科工信局
holds the role permission but not this module.
"""
from collections import defaultdict
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar

from sqlalchemy import Select, and_, case, exists, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden

from talent.auth import operations as accounts
from talent.auth.models import User
from talent.commissioners import choices
from talent.commissioners.models import (
    Assessment,
    Assignment,
    Commissioner,
    LogPhoto,
    Project,
    SelectionRound,
    ServiceLog,
    ServiceTarget,
    Town,
)
from talent.core import audit
from talent.core.crypto import blind_index
from talent.core.errors import Refused
from talent.core.timeutil import today, utcnow
from talent.extensions import db
from talent.notifications.operations import notify


class Conflict(Refused):
    status = 409


class RuleBroken(Refused):
    status = 422


# --- who may see what ---------------------------------------------------------------------------


def is_bureau_staff(user) -> bool:
    return user is not None and user.role == "unit" and user.unit is not None \
        and user.unit.name == choices.BUREAU


def can_manage(user) -> bool:
    return user is not None and (user.role == "admin" or is_bureau_staff(user))


def can_read_all(user) -> bool:
    return can_manage(user) or (user is not None and user.role == "org")


def own_commissioner_id(user) -> int | None:
    return user.commissioner_id if user is not None and user.role == "commissioner" else None


def check_reader(user) -> None:
    if not (can_read_all(user) or (user is not None and user.role == "commissioner")):
        raise Forbidden()


def check_manager(user) -> None:
    if not can_manage(user):
        raise Forbidden()


def visible_to(user, model) -> Select:
    """The rows of ``model`` this user may see: all for staff, their own for a commissioner."""
    check_reader(user)
    query = select(model)
    if can_read_all(user) or model is SelectionRound or model is Town:
        return query
    mine = own_commissioner_id(user)
    if mine is None:
        return query.where(false())
    if model is Commissioner:
        return query.where(Commissioner.id == mine)
    if model in (Assignment, ServiceLog, Project):
        return query.where(model.commissioner_id == mine)
    if model is ServiceTarget:
        return query.where(ServiceTarget.id.in_(
            select(Assignment.target_id).where(Assignment.commissioner_id == mine)))
    if model is LogPhoto:
        return query.join(ServiceLog).where(ServiceLog.commissioner_id == mine)
    raise ValueError(model)


def load_visible(user, model, object_id: int):
    """The object if this user may see it, else None (the caller answers 404)."""
    return db.session.scalar(visible_to(user, model).where(model.id == object_id))


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# --- reference data and choices -----------------------------------------------------------------


def seed_towns() -> int:
    existing = {t.name: t for t in db.session.scalars(select(Town))}
    added = 0
    for order, (name, kind) in enumerate(choices.TOWNS, start=1):
        town = existing.get(name)
        if town is None:
            db.session.add(Town(name=name, kind=kind, sort_order=order))
            added += 1
        else:
            town.sort_order, town.kind = order, kind
    db.session.flush()
    return added


def towns() -> list[Town]:
    return list(db.session.scalars(select(Town).order_by(Town.sort_order)))


def town_choices() -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in towns()]


def town_by_name(name: str) -> Town | None:
    return db.session.scalar(select(Town).where(Town.name == name))


def round_choices() -> list[tuple[int, str]]:
    rounds = db.session.scalars(select(SelectionRound).order_by(SelectionRound.year.desc(),
                                                                 SelectionRound.name))
    return [(r.id, r.name) for r in rounds]


def commissioner_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    condition = Commissioner.status == "active"
    if include_id is not None:
        condition = or_(condition, Commissioner.id == include_id)
    rows = db.session.execute(select(Commissioner.id, Commissioner.name, Commissioner.level)
                              .where(condition).order_by(Commissioner.name))
    return [(r.id, f"{r.name}（{choices.LEVELS[r.level]}）") for r in rows]


def target_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(ServiceTarget.id, ServiceTarget.name)
                              .order_by(ServiceTarget.name))
    return [(r.id, r.name) for r in rows]


def assignment_choices(user, include_id: int | None = None) -> list[tuple[int, str]]:
    """What a log may be written against: a commissioner's own active assignments (and the one
    a log already has); staff may name any assignment."""
    query = (select(Assignment.id, ServiceTarget.name, Commissioner.name.label("who"))
             .join(ServiceTarget, ServiceTarget.id == Assignment.target_id)
             .join(Commissioner, Commissioner.id == Assignment.commissioner_id))
    mine = own_commissioner_id(user)
    if mine is not None or not can_manage(user):
        query = query.where(Assignment.commissioner_id == (mine or 0))
        condition = Assignment.status == "active"
    else:
        condition = false()
    if include_id is not None:
        condition = or_(condition, Assignment.id == include_id)
    rows = db.session.execute(query.where(condition).order_by(ServiceTarget.name))
    if mine is not None:
        return [(r.id, r.name) for r in rows]
    return [(r.id, f"{r.name}（{r.who}）") for r in rows]


# --- generic create / update with audit ---------------------------------------------------------


@contextmanager
def guarded_flush(on_conflict):
    """Flush; a unique index that a concurrent request won becomes ``on_conflict()``.

    Unlike ``core.db.guarded_flush`` this uses no SAVEPOINT: with pysqlite a SAVEPOINT opened
    before any write starts the transaction itself, and its RELEASE commits everything — so a
    refusal later in the request could no longer be rolled back. The whole request is rolled
    back instead, which is what a refusal does anyway.
    """
    try:
        yield
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise on_conflict() from None



def _create(actor, obj, values: Mapping, summary: str, conflict=None):
    with guarded_flush(conflict or (lambda: Conflict("与已有数据冲突，请检查后重试"))):
        db.session.add(obj)
    audit.record(actor, "create", obj, audit.snapshot(dict(values)), summary=summary)
    return obj


def _update(actor, obj, values: Mapping, summary: str, conflict=None) -> dict:
    with guarded_flush(conflict or (lambda: Conflict("与已有数据冲突，请检查后重试"))):
        changes = audit.apply_changes(obj, dict(values))
    if changes:
        audit.record(actor, "update", obj, changes, summary=summary)
    return changes


# --- rounds -------------------------------------------------------------------------------------


def _round_conflict():
    return Conflict("已有同名的选派批次", fields={"name": ["已有同名的选派批次"]})


def create_round(actor, values: Mapping) -> SelectionRound:
    return _create(actor, SelectionRound(**values), values, values["name"], _round_conflict)


def update_round(actor, selection_round: SelectionRound, values: Mapping) -> dict:
    return _update(actor, selection_round, values, selection_round.name, _round_conflict)


# --- commissioners ------------------------------------------------------------------------------


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
    commissioner = _create(actor, Commissioner(**values), values, values["name"], _raced_post)
    if account:
        create_account(actor, commissioner, account["username"], account["password"])
    return commissioner


def update_commissioner(actor, commissioner: Commissioner, values: Mapping) -> dict:
    _check_one_post(values, exclude_id=commissioner.id)
    return _update(actor, commissioner, values, commissioner.name, _raced_post)


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


# --- service targets ----------------------------------------------------------------------------


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
    return _create(actor, ServiceTarget(**values), values, values["name"], _target_conflict)


def update_target(actor, target: ServiceTarget, values: Mapping) -> dict:
    _check_target(values, exclude_id=target.id)
    return _update(actor, target, values, target.name, _target_conflict)


# --- assignments --------------------------------------------------------------------------------


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
    return _create(actor, Assignment(**values), values, _assignment_summary(values),
                   _assignment_conflict)


def update_assignment(actor, assignment: Assignment, values: Mapping) -> dict:
    _check_assignment(values, exclude_id=assignment.id)
    return _update(actor, assignment, values, _assignment_summary(values), _assignment_conflict)


# --- service logs -------------------------------------------------------------------------------


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


def _accounts_of(commissioner_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.commissioner_id == commissioner_id,
                                                      User.active.is_(True))))


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


def return_log(actor, log: ServiceLog, comment: str, link: str = "") -> None:
    if log.status == "confirmed":
        raise Conflict("该日志已确认，不能退回")
    changes = audit.apply_changes(log, {"status": "returned", "return_comment": comment.strip()})
    log.version += 1
    db.session.flush()
    audit.record(actor, "return", log, changes, summary=_log_summary(log))
    notify(_accounts_of(log.commissioner_id), f"服务日志被退回：{log.target.name} {log.served_on}",
           link=link, body=comment.strip(), kind="commissioners")


# --- projects and assessments -------------------------------------------------------------------


def create_project(actor, values: Mapping) -> Project:
    return _create(actor, Project(**values), values, values["name"])


def update_project(actor, project: Project, values: Mapping) -> dict:
    return _update(actor, project, values, project.name)


def grade(actor, commissioner: Commissioner, year: int, grade_code: str, note: str) -> Assessment:
    assessment = db.session.scalar(select(Assessment).where(
        Assessment.commissioner_id == commissioner.id, Assessment.year == year))
    values = {"grade": grade_code, "note": note.strip(), "graded_by_id": getattr(actor, "id", None),
              "graded_at": utcnow()}
    summary = f"{commissioner.name} {year}年度考核"
    if assessment is None:
        assessment = Assessment(commissioner_id=commissioner.id, year=year, **values)
        db.session.add(assessment)
        db.session.flush()
        audit.record(actor, "grade", assessment,
                     audit.snapshot({"year": year, "grade": grade_code, "note": values["note"]}),
                     summary=summary)
        return assessment
    changes = audit.apply_changes(assessment, {"grade": grade_code, "note": values["note"]})
    if changes:
        assessment.graded_by_id, assessment.graded_at = values["graded_by_id"], values["graded_at"]
        db.session.flush()
        audit.record(actor, "grade", assessment, changes, summary=summary)
    return assessment


@dataclass
class YearFigures:
    days: int = 0
    logs: int = 0
    hours: float = 0.0
    trained: int = 0
    technologies: set = field(default_factory=set)
    projects: int = 0
    pending: int = 0

    @property
    def technology_count(self) -> int:
        return len(self.technologies)


def year_figures(year: int, commissioner_ids: list[int] | None = None) -> dict[int, YearFigures]:
    """Per commissioner, from confirmed logs of the year: days served (distinct dates), logs,
    hours, people trained, technologies promoted; projects won that year; logs awaiting
    confirmation."""
    first, last = _year_bounds(year)
    in_year = [ServiceLog.served_on.between(first, last)]
    if commissioner_ids is not None:
        in_year.append(ServiceLog.commissioner_id.in_(commissioner_ids))
    confirmed = [*in_year, ServiceLog.status == "confirmed"]
    figures: dict[int, YearFigures] = defaultdict(YearFigures)
    # One pass over the year's logs; the status goes into CASE, not WHERE, so the planner keeps
    # to (commissioner_id, served_on) rather than the partial index of pending logs.
    is_confirmed = ServiceLog.status == "confirmed"
    rows = db.session.execute(
        select(ServiceLog.commissioner_id,
               func.count(func.distinct(case((is_confirmed, ServiceLog.served_on)))),
               func.sum(case((is_confirmed, 1), else_=0)),
               func.coalesce(func.sum(case((is_confirmed, ServiceLog.hours))), 0),
               func.coalesce(func.sum(case((is_confirmed, ServiceLog.trained_count))), 0),
               func.sum(case((ServiceLog.status == "submitted", 1), else_=0)))
        .where(*in_year).group_by(ServiceLog.commissioner_id))
    for cid, days, logs, hours, trained, pending in rows:
        figures[cid] = YearFigures(days=days, logs=int(logs or 0), hours=float(hours or 0),
                                   trained=int(trained or 0), pending=int(pending or 0))
    for cid, technologies in db.session.execute(
            select(ServiceLog.commissioner_id, ServiceLog.technologies).where(*confirmed)):
        figures[cid].technologies.update(technologies or [])
    project_query = (select(Project.commissioner_id, func.count())
                     .where(Project.year == year, Project.status.in_(choices.WON_PROJECT_STATUSES))
                     .group_by(Project.commissioner_id))
    if commissioner_ids is not None:
        project_query = project_query.where(Project.commissioner_id.in_(commissioner_ids))
    for cid, count in db.session.execute(project_query):
        figures[cid].projects = count
    return dict(figures)


def assessment_query(year: int) -> Select:
    """Every commissioner on post that year (or with a log in it), in filing order."""
    first, last = _year_bounds(year)
    served = exists().where(ServiceLog.commissioner_id == Commissioner.id,
                            ServiceLog.served_on.between(first, last))
    return (select(Commissioner)
            .where(or_(Commissioner.status == "active", served))
            .order_by(Commissioner.level, Commissioner.name, Commissioner.id))


def assessment_rows(year: int, commissioners: list[Commissioner] | None = None
                    ) -> list[tuple[Commissioner, YearFigures, Assessment | None]]:
    """Commissioners with their figures and grade for ``year`` (all of them when not given)."""
    if commissioners is None:
        commissioners = list(db.session.scalars(assessment_query(year)))
        ids = None
    else:
        ids = [c.id for c in commissioners]
    figures = year_figures(year, ids)
    grade_query = select(Assessment).where(Assessment.year == year)
    if ids is not None:
        grade_query = grade_query.where(Assessment.commissioner_id.in_(ids))
    grades = {a.commissioner_id: a for a in db.session.scalars(grade_query)}
    return [(c, figures.get(c.id, YearFigures()), grades.get(c.id)) for c in commissioners]


# --- lists --------------------------------------------------------------------------------------


def _int_arg(args: Mapping, name: str) -> int | None:
    raw = str(args.get(name) or "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _date_arg(args: Mapping, name: str) -> date | None:
    try:
        return date.fromisoformat(str(args.get(name) or ""))
    except ValueError:
        return None


def _choice_arg(args: Mapping, name: str, values: Mapping) -> str:
    raw = args.get(name) or ""
    return raw if raw in values else ""


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
            commissioner_id=_int_arg(args, "commissioner_id"), target_id=_int_arg(args, "target_id"),
            commissioner=(args.get("commissioner") or "").strip()[:50],
            target=(args.get("target") or "").strip()[:50],
            town_id=_int_arg(args, "town_id"), kind=_choice_arg(args, "kind", choices.LOG_KINDS),
            status=_choice_arg(args, "status", choices.LOG_STATUSES),
            confirmed=confirmed if confirmed in ("yes", "no") else "",
            date_from=_date_arg(args, "date_from"), date_to=_date_arg(args, "date_to"))

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
                   level=_choice_arg(args, "level", choices.LEVELS),
                   status=_choice_arg(args, "status", choices.STATUSES),
                   round_id=_int_arg(args, "round_id"),
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
            query = query.where(Commissioner.status == "active", ~_logged_since(IDLE_DAYS))
        return query

    def select(self, user) -> Select:
        return self.where(visible_to(user, Commissioner)).order_by(Commissioner.id.desc())


@dataclass(frozen=True)
class TargetQuery:
    q: str = ""
    kind: str = ""
    town_id: int | None = None
    unserved: bool = False  # no active assignment

    @classmethod
    def from_args(cls, args: Mapping) -> "TargetQuery":
        return cls(q=(args.get("q") or "").strip()[:50],
                   kind=_choice_arg(args, "kind", choices.TARGET_KINDS),
                   town_id=_int_arg(args, "town_id"),
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
            query = query.where(~_actively_served())
        return query

    def select(self, user) -> Select:
        return self.where(visible_to(user, ServiceTarget)).order_by(ServiceTarget.name)


@dataclass(frozen=True)
class AssignmentQuery:
    commissioner_id: int | None = None
    target_id: int | None = None
    status: str = ""

    @classmethod
    def from_args(cls, args: Mapping) -> "AssignmentQuery":
        return cls(commissioner_id=_int_arg(args, "commissioner_id"),
                   target_id=_int_arg(args, "target_id"),
                   status=_choice_arg(args, "status", choices.ASSIGNMENT_STATUSES))

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


# --- what the dashboard and the task tracker count ----------------------------------------------

IDLE_DAYS = 30


def _logged_since(days: int):
    since = today() - timedelta(days=days)
    return exists().where(ServiceLog.commissioner_id == Commissioner.id,
                          ServiceLog.served_on >= since)


def _actively_served():
    return exists().where(Assignment.target_id == ServiceTarget.id, Assignment.status == "active")


def idle_commissioners_count() -> int:
    return db.session.scalar(select(func.count(Commissioner.id)).where(
        Commissioner.status == "active", ~_logged_since(IDLE_DAYS))) or 0


def unserved_targets_count() -> int:
    return db.session.scalar(select(func.count(ServiceTarget.id)).where(~_actively_served())) or 0


def towns_without_assignment() -> list[Town]:
    served = (select(ServiceTarget.town_id).join(Assignment, Assignment.target_id == ServiceTarget.id)
              .where(Assignment.status == "active"))
    return list(db.session.scalars(select(Town).where(Town.id.not_in(served))
                                   .order_by(Town.sort_order)))


def post_of_talent(talent_id: int) -> Commissioner | None:
    """The talent's commissioner post: the active one, else the latest."""
    return db.session.scalar(select(Commissioner).where(Commissioner.talent_id == talent_id)
                             .order_by((Commissioner.status == "active").desc(),
                                       Commissioner.id.desc()).limit(1))


def staff_summary() -> dict:
    month_start = today().replace(day=1)
    return {
        "active": db.session.scalar(select(func.count(Commissioner.id))
                                    .where(Commissioner.status == "active")) or 0,
        "month_start": month_start,
        "logs_this_month": db.session.scalar(select(func.count(ServiceLog.id))
                                             .where(ServiceLog.served_on >= month_start)) or 0,
        "pending": db.session.scalar(select(func.count(ServiceLog.id))
                                     .where(ServiceLog.status == "submitted")) or 0,
        "idle": idle_commissioners_count(),
        "unserved": unserved_targets_count(),
        "idle_towns": towns_without_assignment(),
    }


def my_summary(commissioner_id: int) -> dict:
    year = today().year
    return {
        "assignments": db.session.scalar(select(func.count(Assignment.id)).where(
            Assignment.commissioner_id == commissioner_id, Assignment.status == "active")) or 0,
        "figures": year_figures(year, [commissioner_id]).get(commissioner_id, YearFigures()),
        "returned": db.session.scalar(select(func.count(ServiceLog.id)).where(
            ServiceLog.commissioner_id == commissioner_id, ServiceLog.status == "returned")) or 0,
        "year": year,
    }


def county_selected(year: int) -> int:
    """县派科技特派员 selected in ``year``'s county rounds."""
    return db.session.scalar(
        select(func.count(Commissioner.id)).join(SelectionRound)
        .where(SelectionRound.year == year, SelectionRound.level == "county",
               Commissioner.level == "county")) or 0


def provincial_projects(year: int) -> int:
    """省级科技特派员服务乡村振兴科技项目 won (approved or completed) for ``year``."""
    return db.session.scalar(select(func.count(Project.id)).where(
        Project.year == year, Project.level == "provincial",
        Project.kind == "rural_revitalization",
        Project.status.in_(choices.WON_PROJECT_STATUSES))) or 0


def targets_served(year: int) -> int:
    """Enterprises and cooperatives with at least one service logged (not sent back) in ``year``."""
    first, last = _year_bounds(year)
    return db.session.scalar(
        select(func.count(func.distinct(ServiceLog.target_id)))
        .join(ServiceTarget, ServiceTarget.id == ServiceLog.target_id)
        .where(and_(ServiceLog.served_on.between(first, last), ServiceLog.status != "returned",
                    ServiceTarget.kind.in_(("enterprise", "cooperative"))))) or 0
