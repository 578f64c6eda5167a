"""Business operations on talents and teams. They flush and audit; the request commits."""
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import ClassVar

from sqlalchemy import Select, func, or_, select

from talent.core import audit
from talent.core.crypto import blind_index
from talent.core.db import check_version, guarded_flush
from talent.core.errors import Refused
from talent.core.masking import mask_id_number_short
from talent.core.permissions import Permission
from talent.core.timeutil import today, utcnow
from talent.core.validators import InvalidValue, bounded_int, normalize_id_number, parse_resident_id
from talent.extensions import db
from talent.notifications import operations as inbox
from talent.registry import choices
from talent.registry.models import CorrectionRequest, Talent, TalentFigure, Team
from talent.registry.search import text_matches


class DuplicateIdNumber(Refused):
    """The person is already registered (409); names the existing record."""

    def __init__(self, existing: Talent):
        message = f"该证件号码已登记（人才编号 {existing.id}），不能重复登记"
        super().__init__(message, fields={"id_number": [message]})
        self.existing = existing


def find_by_id_number(id_number: str, exclude_id: int | None = None) -> Talent | None:
    query = select(Talent).where(Talent.id_number_is(id_number))
    if exclude_id is not None:
        query = query.where(Talent.id != exclude_id)
    return db.session.scalar(query)


def _refuse_duplicate(values: Mapping, exclude_id: int | None = None) -> None:
    existing = find_by_id_number(values["id_number"], exclude_id)
    if existing is not None:
        raise DuplicateIdNumber(existing)


def _raced_duplicate(id_number: str):
    """The exception for a duplicate that slipped past the check: someone registered it meanwhile."""
    return lambda: DuplicateIdNumber(find_by_id_number(id_number) or Talent(id=0, id_number=id_number))


def create_talent(actor, values: Mapping) -> Talent:
    _refuse_duplicate(values)
    talent = Talent(**values)
    if talent.status == "left" and talent.left_on is None:
        talent.left_on = today()
    with guarded_flush(_raced_duplicate(talent.id_number)):
        db.session.add(talent)
    audit.record(actor, "create", talent, audit.snapshot(dict(values)), summary=talent.name)
    return talent


def registered_id_numbers(id_numbers: list[str]) -> dict[str, Talent]:
    """The talents already holding any of these ID numbers, a few hundred per query."""
    found: dict[str, Talent] = {}
    for start in range(0, len(id_numbers), 500):
        chunk = id_numbers[start:start + 500]
        indexes = [blind_index(number) for number in chunk]
        found.update((t.id_number, t) for t in db.session.scalars(
            select(Talent).where(Talent.id_number_index.in_(indexes))))
    return found


def create_talents(actor, rows: list[Mapping]) -> list[Talent]:
    """Many new talents at once (the import): checked by the caller with
    :func:`registered_id_numbers`; one savepoint for all, so a duplicate registered meanwhile
    by someone else refuses the whole batch (``DuplicateIdNumber`` naming one of them)."""
    talents = []
    for values in rows:
        talent = Talent(**values)
        if talent.status == "left" and talent.left_on is None:
            talent.left_on = today()
        talents.append(talent)
    id_numbers = [t.id_number for t in talents]

    def raced():
        taken = registered_id_numbers(id_numbers)
        existing = next(iter(taken.values()), None)
        return DuplicateIdNumber(existing or Talent(id=0, id_number=""))

    with guarded_flush(raced):
        db.session.add_all(talents)
    audit.record_many(actor, "create", [(talent, audit.snapshot(dict(values)), talent.name)
                                        for talent, values in zip(talents, rows, strict=True)])
    return talents


def update_talent(actor, talent: Talent, values: Mapping, version: int | None = None) -> dict:
    """Apply the changed values; returns what changed (empty when nothing did).

    ``version`` is the one the form or client read; a stale one raises ``StaleEdit``.
    """
    check_version(talent, version)
    _refuse_duplicate(values, exclude_id=talent.id)
    values = dict(values)
    if values.get("status") == "left" and talent.status != "left":
        values["left_on"] = today()
    elif values.get("status") == "active":
        values["left_on"] = None
    with guarded_flush(_raced_duplicate(values["id_number"])):
        changes = audit.apply_changes(talent, values)
    if changes:
        audit.record(actor, "update", talent, changes, summary=talent.name)
    return changes


def mark_left(actor, talent: Talent) -> None:
    """Talents are never deleted: a departure keeps the record and its history."""
    if talent.status == "left":
        return
    changes = audit.apply_changes(talent, {"status": "left", "left_on": today()})
    db.session.flush()
    audit.record(actor, "leave", talent, changes, summary=talent.name)


def id_number_search(text: str) -> str:
    """How a search text can match an ID number: "resident" — a whole, valid 居民身份证号码
    (nothing else looks like one, so the blind index alone answers, without scanning the
    table); "passport" — 5 to 30 letters and digits that may be a passport number (or part of
    a name, employer or phone, searched as well); "" — not a number at all."""
    number = normalize_id_number(text)
    if len(number) == 18:
        try:
            parse_resident_id(number)
            return "resident"
        except InvalidValue:
            pass
    if 5 <= len(number) <= 30 and number.isascii() and number.isalnum() and any(c.isdigit() for c in number):
        return "passport"  # all-digit ones too (a US passport has 9 digits); a phone costs one index probe
    return ""


# A filter chosen as "全部" on purpose, where the page's default would otherwise apply.
ALL = "all"


@dataclass(frozen=True)
class TalentQuery:
    """What a list or export asks for; parsed once from page or API arguments."""

    q: str = ""
    category: str = ""
    field: str = ""
    title_level: str = ""
    education: str = ""
    source: str = ""
    nationality: str = ""
    status: str = ""
    team_id: int | None = None
    sort: str = "-id"
    # Whether ``q`` may also match a whole ID number exactly (through its blind index): only
    # for those who may see full numbers, or searching would confirm a masked one digit by digit.
    by_id_number: bool = False

    FILTERS: ClassVar = ("category", "field", "title_level", "education", "source", "status")
    SORTS: ClassVar = {
        "id": Talent.id,
        "name": Talent.name,
        "employer": Talent.employer,
        "birth_date": Talent.birth_date,
        "introduced_on": Talent.introduced_on,
    }

    @classmethod
    def from_args(cls, args: Mapping, by_id_number: bool = False) -> "TalentQuery":
        values = {"q": (args.get("q") or "").strip()[:50], "by_id_number": by_id_number}
        for name in cls.FILTERS:
            raw = args.get(name) or ""
            values[name] = raw if raw in choices.CHOICE_SETS[name] or raw == ALL else ""
        nationality = (args.get("nationality") or "").strip().upper()
        values["nationality"] = nationality if len(nationality) == 2 else ""
        values["team_id"] = bounded_int(args.get("team_id"))
        sort = args.get("sort") or "-id"
        values["sort"] = sort if sort.lstrip("-") in cls.SORTS else "-id"
        return cls(**values)

    def args(self) -> dict:
        """Non-empty arguments, to keep filters across pages and into the export link."""
        return {k: v for k, v in self.__dict__.items()
                if v not in ("", None, "-id") and k != "by_id_number"}

    def filters(self) -> dict:
        """Every filter as asked, for the export's audit entry — a searched ID number masked,
        since the audit log is stored in clear (and append-only)."""
        values = {k: v for k, v in asdict(self).items() if k != "by_id_number"}
        if id_number_search(self.q):
            values["q"] = mask_id_number_short(normalize_id_number(self.q))
        return values

    def where(self, query: Select, counting: bool = False) -> Select:
        """``counting``: for counting rows, not listing them (registry/search.py says why)."""
        if self.q:  # "%" and "_" are searched for as such, not as wildcards
            kind = id_number_search(self.q) if self.by_id_number else ""
            # A phone number as typed or read out: "１３８ ７４６０-０００１" is 13874600001.
            digits = re.sub(r"[\s-]", "", normalize_id_number(self.q))
            phone = digits if digits.isascii() and digits.isdigit() else self.q
            # Through an index on both engines (registry/search.py).
            matches = [] if kind == "resident" else [text_matches(self.q, phone, counting)]
            if kind:
                matches.append(Talent.id_number_is(self.q))
            query = query.where(or_(*matches))
        for name in self.FILTERS:
            value = getattr(self, name)
            if value and value != ALL:
                query = query.where(getattr(Talent, name) == value)
        if self.nationality:
            query = query.where(Talent.nationality == self.nationality)
        if self.team_id is not None:
            query = query.where(Talent.team_id == self.team_id)
        return query

    def select(self) -> Select:
        column = self.SORTS[self.sort.lstrip("-")]
        order = column.desc() if self.sort.startswith("-") else column.asc()
        tie = Talent.id.desc() if self.sort.startswith("-") else Talent.id.asc()
        return self.where(select(Talent)).order_by(order, tie)

    def count(self) -> Select:
        return self.where(select(func.count(Talent.id)), counting=True)

    def counted(self) -> Select:
        """The rows a capped count counts (``paginate``'s ``capped_query``)."""
        return self.where(select(Talent.id), counting=True)


def team_choices() -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))]


def leader_choices(team: Team | None = None) -> list[tuple[int, str]]:
    """Members of the team and the county's leading talents — a short list, not all 100,000."""
    conditions = [Talent.category == "leading", Talent.programme_level != "none"]
    if team is not None:
        conditions.append(Talent.team_id == team.id)
    query = (
        select(Talent.id, Talent.name, Talent.employer)
        .where(Talent.status == "active", or_(*conditions))
        .order_by(Talent.name)
        .limit(500)
    )
    return [(row.id, f"{row.name}（{row.employer}）") for row in db.session.execute(query)]


def create_team(actor, values: Mapping) -> Team:
    team = Team(**values)
    db.session.add(team)
    db.session.flush()
    audit.record(actor, "create", team, audit.snapshot(dict(values)), summary=team.name)
    return team


def update_team(actor, team: Team, values: Mapping, version: int | None = None) -> dict:
    check_version(team, version)
    changes = audit.apply_changes(team, dict(values))
    if changes:
        db.session.flush()
        audit.record(actor, "update", team, changes, summary=team.name)
    return changes


def team_name_taken(name: str, exclude_id: int | None = None) -> bool:
    query = select(Team.id).where(Team.name == name.strip())
    if exclude_id is not None:
        query = query.where(Team.id != exclude_id)
    return db.session.scalar(query) is not None


def request_correction(actor, talent: Talent, text: str) -> CorrectionRequest:
    correction = CorrectionRequest(talent_id=talent.id, text=text.strip()[:1000])
    db.session.add(correction)
    db.session.flush()
    # The text stays in the (encrypted) request, not in the audit log, which is stored in clear.
    audit.record(actor, "create", correction, {"text": [None, f"（{len(correction.text)} 字，见更正申请）"]},
                 summary=talent.name)
    # The title names no one and quotes nothing: it may leave as an e-mail; the name is in the body.
    inbox.notify(inbox.role_users("org"), "收到新的人才档案更正申请，请及时处理", body=talent.name,
                 link=inbox.link("registry.correction_list"), kind="correction",
                 key=f"correction:{correction.id}")
    return correction


def handle_correction(actor, correction: CorrectionRequest, reply: str) -> None:
    if correction.handled_at is not None:
        return
    changes = audit.apply_changes(correction, {"handled_at": utcnow(), "reply": reply.strip()[:500],
                                               "handled_by_id": getattr(actor, "id", None)})
    if "reply" in changes:  # encrypted like the request it answers: only its length is logged
        changes["reply"] = [None, f"（{len(correction.reply)} 字，见更正申请）"]
    db.session.flush()
    audit.record(actor, "update", correction, changes, summary=correction.talent.name)
    inbox.notify_talent(correction.talent_id, "您的档案更正申请已处理", body=correction.reply,
                        link=inbox.link("portal.home"), kind="correction",
                        key=f"correction:{correction.id}:handled")


def pending_corrections_count() -> int:
    return db.session.scalar(select(func.count(CorrectionRequest.id)).where(
        CorrectionRequest.handled_at.is_(None))) or 0


# --- figures ------------------------------------------------------------------------------------

BREAKDOWNS = ("category", "field", "education")


def talent_summary() -> dict:
    """The dashboard's figures from the maintained ``talent_figures`` rows (registry/figures.py),
    never a grouping over the talents themselves."""
    groups = [row for row in db.session.scalars(select(TalentFigure)) if row.n]
    active = [row for row in groups if row.status == "active"]
    by = {}
    for column in BREAKDOWNS:
        counts = Counter()
        for row in active:
            counts[getattr(row, column)] += row.n
        by[column] = [(label, counts[code]) for code, label in choices.CHOICE_SETS[column].items()]
    return {
        "active": sum(row.n for row in active),
        "left": sum(row.n for row in groups if row.status == "left"),
        "introduced": sum(row.n for row in active if row.source == "introduced"),
        "foreign": sum(row.n for row in active if row.is_foreign),
        "teams": db.session.scalar(select(func.count(Team.id))) or 0,
        "by": by,
    }


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def foreign_talents_introduced(year: int) -> int:
    """外国人才 introduced in ``year``: nationality not CN, source introduced, introduced_on that year."""
    first, last = _year_bounds(year)
    return db.session.scalar(select(func.count()).where(
        Talent.nationality != "CN", Talent.source == "introduced",
        Talent.introduced_on.between(first, last))) or 0


def teams_introduced(year: int) -> int:
    """高端科技创新人才团队 introduced in ``year``."""
    first, last = _year_bounds(year)
    return db.session.scalar(select(func.count()).where(Team.introduced_on.between(first, last))) or 0


# --- photos ---------------------------------------------------------------------------------------

PHOTO_KIND = "photos"


def set_photo(actor, talent: Talent, key: str) -> None:
    """组织部 sets the photo directly; any photo the talent had submitted is superseded."""
    talent.photo_key, talent.photo_pending_key = key, None
    db.session.flush()
    audit.record(actor, "photo", talent, summary=f"{talent.name}：更换照片")


def submit_photo(actor, talent: Talent, key: str) -> None:
    talent.photo_pending_key = key
    db.session.flush()
    audit.record(actor, "photo_submit", talent, summary=f"{talent.name}：提交照片待审核")


def decide_photo(actor, talent: Talent, approve: bool) -> bool:
    """Approve or reject the submitted photo; False when there is none to decide."""
    if talent.photo_pending_key is None:
        return False
    if approve:
        talent.photo_key = talent.photo_pending_key
    talent.photo_pending_key = None
    db.session.flush()
    audit.record(actor, "photo_approve" if approve else "photo_reject", talent,
                 summary=f"{talent.name}：{'采用' if approve else '退回'}提交的照片")
    return True


def may_see_photo(user, talent: Talent) -> bool:
    """Staff who read talents (and so verify cards at a window) and the talent themself."""
    return user.can(Permission.TALENTS_READ) or (user.talent_id is not None and user.talent_id == talent.id)
