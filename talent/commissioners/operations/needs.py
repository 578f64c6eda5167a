"""技术需求 of the service targets: who sees and posts them, matching a commissioner (with the
published suggestion rule), and closing a need by the confirmed log that answered it."""
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, case, false, func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import Forbidden

from talent.commissioners import choices
from talent.commissioners.models import Assignment, Commissioner, ServiceLog, ServiceTarget
from talent.commissioners.need_models import TargetNeed
from talent.commissioners.operations.access import (
    accounts_of,
    bureau_staff,
    can_manage,
    can_read_all,
    load_visible,
    own_commissioner_id,
)
from talent.commissioners.operations.base import RuleBroken
from talent.core import audit
from talent.core.db import check_version
from talent.core.timeutil import utcnow
from talent.employers.operations import service_target_of
from talent.extensions import db
from talent.notifications.operations import notify

# What a target's own account (an employer linked to it) may change on its needs.
TARGET_SIDE_FIELDS = frozenset({"title", "field", "description", "urgency", "status"})

SUGGESTION_RULE = ("推荐规则：在岗、领域与需求相同的科技特派员；已派驻该服务对象的优先，其次专长与需求"
                   "标题有相同字词的，再按当前负荷（进行中的派驻数 + 已对接未解决的需求数）由少到多，"
                   "取前 5 位。")
SUGGESTIONS = 5
MOST_URGENT_FIRST = case({"high": 0, "normal": 1, "low": 2}, value=TargetNeed.urgency, else_=3)


def needs_visible_to(user) -> Select:
    """Staff see every need; a commissioner the needs of the targets they serve or that were
    matched to them; a target's own account the needs of that target."""
    query = select(TargetNeed)
    if can_read_all(user):
        return query
    mine = own_commissioner_id(user)
    if mine is not None:
        served = select(Assignment.target_id).where(Assignment.commissioner_id == mine)
        return query.where(or_(TargetNeed.target_id.in_(served), TargetNeed.commissioner_id == mine))
    if user is not None and user.role == "commissioner":
        return query.where(false())
    if user is not None and user.role == "employer":
        return query.where(TargetNeed.target_id == (service_target_of(user) or 0))
    raise Forbidden()


def target_for_needs(user, target_id: int) -> ServiceTarget | None:
    """The target whose needs this user may read, else None (404)."""
    if user is not None and user.role == "employer":
        return db.session.get(ServiceTarget, target_id) \
            if service_target_of(user) == target_id else None
    return load_visible(user, ServiceTarget, target_id)


def load_need(user, need_id: int) -> TargetNeed | None:
    return db.session.scalar(needs_visible_to(user).where(TargetNeed.id == need_id))


def check_poster(user, target: ServiceTarget) -> str:
    """Who may post or change a target's needs: the clerk ("clerk"), or the target's own
    account ("target"); anyone else is refused (403)."""
    if can_manage(user):
        return "clerk"
    if user is not None and user.role == "employer" and service_target_of(user) == target.id:
        return "target"
    raise Forbidden()


def _settle(need: TargetNeed, values: dict) -> None:
    """Status follows the match: naming a commissioner on an open need matches it, setting a
    need back to ``open`` undoes its match; ``matched`` needs a commissioner; ``closed`` stamps
    the time (reopening clears it)."""
    commissioner_id = values.get("commissioner_id", need.commissioner_id)
    status = values.get("status", need.status)
    if status == "open" and need.status not in (None, "open"):
        commissioner_id = None
    elif status == "open" and commissioner_id is not None:
        status = "matched"
    if status == "matched" and commissioner_id is None:
        message = "已对接的需求须指定科技特派员"
        raise RuleBroken(message, fields={"commissioner_id": [message]})
    if commissioner_id is not None and commissioner_id != need.commissioner_id:
        commissioner = db.session.get(Commissioner, commissioner_id)
        if commissioner is None or commissioner.status != "active":
            message = "只能对接在岗的科技特派员"
            raise RuleBroken(message, fields={"commissioner_id": [message]})
    values["status"], values["commissioner_id"] = status, commissioner_id
    if status == "closed" and need.status != "closed":
        values["closed_at"] = utcnow()
    elif status != "closed":
        values["closed_at"] = None


def create_need(actor, target: ServiceTarget, values: Mapping) -> TargetNeed:
    via = check_poster(actor, target)
    values = dict(values)
    if via == "target":
        values.pop("commissioner_id", None)
        values["status"] = "open"
    need = TargetNeed(target_id=target.id, posted_via=via, posted_by_id=getattr(actor, "id", None),
                      status="open")
    _settle(need, values)
    for name, value in values.items():
        setattr(need, name, value)
    db.session.add(need)
    db.session.flush()
    audit.record(actor, "create", need, audit.snapshot({**values, "posted_via": via}),
                 summary=f"{target.name} · {need.title}")
    if via == "target":
        notify(bureau_staff(), f"服务对象提交了技术需求：{need.title}（{target.name}）",
               link=f"/commissioners/needs/{need.id}", body=need.description, kind="commissioners")
    _tell_matched(need, None)
    return need


def _tell_matched(need: TargetNeed, before: int | None) -> None:
    """The commissioner a need was just matched to hears of it (and finds it in 我的派驻)."""
    if need.commissioner_id is not None and need.commissioner_id != before \
            and need.status == "matched":
        notify(accounts_of(need.commissioner_id),
               f"县科工信局为您对接了技术需求：{need.title}（{need.target.name}）",
               link="/field", body=need.description, kind="commissioners")


def update_need(actor, need: TargetNeed, values: Mapping, version: int | None) -> dict:
    via = check_poster(actor, need.target)
    values = dict(values)
    if via == "target":
        refused = sorted(k for k in values if k not in TARGET_SIDE_FIELDS
                         and values[k] != getattr(need, k))
        if refused or values.get("status", need.status) not in (need.status, "closed"):
            raise Forbidden("对接科技特派员由县科工信局办理；服务对象只能修改需求内容或标记已解决")
    check_version(need, version)
    before = need.commissioner_id
    if need.status == "closed" and values.get("status", "closed") == "closed":
        changed = [k for k in values if values[k] != getattr(need, k)]
        if changed:
            raise RuleBroken("该需求已解决；如需继续，请先将状态改回“待对接”",
                             fields={"status": ["该需求已解决"]})
    _settle(need, values)
    changes = audit.apply_changes(need, values)
    if changes:
        db.session.flush()
        audit.record(actor, "update", need, changes, summary=need.label)
        _tell_matched(need, before)
    return changes


def close_by_log(actor, log: ServiceLog) -> None:
    """A confirmed log that says it settled its need closes the need (audited on the need)."""
    if log.need_id is None or not log.need_done:
        return
    need = db.session.get(TargetNeed, log.need_id)
    if need is None or need.status == "closed":
        return
    changes = audit.apply_changes(need, {"status": "closed", "closed_at": utcnow(),
                                         "commissioner_id": need.commissioner_id
                                         or log.commissioner_id})
    db.session.flush()
    audit.record(actor, "close_need", need, changes,
                 summary=f"{need.label} · 由服务日志 {log.id}（{log.served_on}）解决")


def check_log_need(assignment: Assignment, need_id: int | None, current: int | None = None) -> None:
    """A log names a need of the target it served, and not one already settled."""
    if need_id is None:
        return
    need = db.session.get(TargetNeed, need_id)
    if need is None or need.target_id != assignment.target_id:
        message = "所选技术需求不属于该服务对象"
        raise RuleBroken(message, fields={"need_id": [message]})
    if need.status == "closed" and need_id != current:
        message = "该技术需求已解决，不能再关联"
        raise RuleBroken(message, fields={"need_id": [message]})


def need_choices(user) -> list[tuple[int, str, int]]:
    """The open and matched needs a commissioner's log may answer: ``(id, label, target_id)``."""
    mine = own_commissioner_id(user)
    if mine is None:
        return []
    served = select(Assignment.target_id).where(Assignment.commissioner_id == mine,
                                                Assignment.status == "active")
    rows = db.session.execute(
        select(TargetNeed.id, TargetNeed.title, ServiceTarget.name, TargetNeed.target_id)
        .join(ServiceTarget, ServiceTarget.id == TargetNeed.target_id)
        .where(TargetNeed.target_id.in_(served), TargetNeed.status != "closed")
        .order_by(ServiceTarget.name, TargetNeed.id))
    return [(r.id, f"{r.title}（{r.name}）", r.target_id) for r in rows]


def needs_of_targets(target_ids) -> dict[int, list[TargetNeed]]:
    """Open and matched needs by target (for 我的派驻)."""
    found: dict[int, list[TargetNeed]] = {}
    if not target_ids:
        return found
    for need in db.session.scalars(select(TargetNeed).where(
            TargetNeed.target_id.in_(list(target_ids)), TargetNeed.status != "closed")
            .order_by(MOST_URGENT_FIRST, TargetNeed.id)):
        found.setdefault(need.target_id, []).append(need)
    return found


def matched_elsewhere(commissioner_id: int, served_target_ids) -> list[TargetNeed]:
    """Needs matched to this commissioner at targets they hold no active assignment for (the
    clerk may match anyone in the field): 我的派驻 lists them with the target's contact, since
    the notice of the match links there."""
    query = (select(TargetNeed).where(TargetNeed.commissioner_id == commissioner_id,
                                      TargetNeed.status == "matched")
             .options(selectinload(TargetNeed.target).selectinload(ServiceTarget.town))
             .order_by(MOST_URGENT_FIRST, TargetNeed.id))
    if served_target_ids:
        query = query.where(TargetNeed.target_id.not_in(list(served_target_ids)))
    return list(db.session.scalars(query))


def answering_logs(need: TargetNeed) -> list[ServiceLog]:
    return list(db.session.scalars(select(ServiceLog).where(ServiceLog.need_id == need.id)
                                   .order_by(ServiceLog.served_on.desc(), ServiceLog.id.desc())))


@dataclass(frozen=True)
class Suggestion:
    id: int
    name: str
    level: str
    expertise: str
    serves_target: bool
    expertise_match: bool
    load: int

    @property
    def level_label(self) -> str:
        return choices.LEVELS.get(self.level, self.level)


def _grams(text: str) -> set[str]:
    """Two-character pieces of a Chinese title: "柑橘黄龙病" shares "黄龙" with "黄龙病防控"."""
    text = "".join(ch for ch in text if ch.isalnum())
    return {text[i:i + 2] for i in range(len(text) - 1)}


def suggestions(need: TargetNeed, limit: int | None = SUGGESTIONS) -> list[Suggestion]:
    """Commissioners for a need ranked by ``SUGGESTION_RULE`` (the first ``limit``). Plain columns,
    not records: a field may hold a thousand commissioners, and the ranking reads four values."""
    load_assignments = (select(Assignment.commissioner_id, func.count().label("n"))
                        .where(Assignment.status == "active")
                        .group_by(Assignment.commissioner_id).subquery())
    load_needs = (select(TargetNeed.commissioner_id, func.count().label("n"))
                  .where(TargetNeed.status == "matched")
                  .group_by(TargetNeed.commissioner_id).subquery())
    rows = db.session.execute(
        select(Commissioner.id, Commissioner.name, Commissioner.level, Commissioner.expertise,
               func.coalesce(load_assignments.c.n, 0) + func.coalesce(load_needs.c.n, 0))
        .outerjoin(load_assignments, load_assignments.c.commissioner_id == Commissioner.id)
        .outerjoin(load_needs, load_needs.c.commissioner_id == Commissioner.id)
        .where(Commissioner.status == "active", Commissioner.field == need.field)).all()
    serving = set(db.session.scalars(select(Assignment.commissioner_id).where(
        Assignment.target_id == need.target_id, Assignment.status == "active")))
    wanted = _grams(need.title)
    found = [Suggestion(cid, name, level, expertise or "", cid in serving,
                        bool(wanted & _grams(expertise or "")), load)
             for cid, name, level, expertise, load in rows]
    found.sort(key=lambda s: (not s.serves_target, not s.expertise_match, s.load, s.name, s.id))
    return found[:limit]


@dataclass(frozen=True)
class NeedQuery:
    status: str = ""
    field: str = ""
    target_id: int | None = None

    def select(self, user) -> Select:
        query = needs_visible_to(user)
        if self.status:
            query = query.where(TargetNeed.status == self.status)
        if self.field:
            query = query.where(TargetNeed.field == self.field)
        if self.target_id is not None:
            query = query.where(TargetNeed.target_id == self.target_id)
        return query.order_by(TargetNeed.status != "open", MOST_URGENT_FIRST,
                              TargetNeed.created_at.desc(), TargetNeed.id.desc())
