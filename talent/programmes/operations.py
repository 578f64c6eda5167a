"""Programmes, calls and recommendations: the rules, what a selection changes, and the figures.

Operations flush and audit; the request commits. A selection raises the talent's
``programme_level`` through the registry's own audited update (never lowers it); the card
tier is never touched here — a holder who now qualifies for a higher tier is told so and
listed for 县委组织部, whose re-issue (renewal at the current rules) moves the tier.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import ClassVar

from sqlalchemy import Select, distinct, false, func, select
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.exc import StaleDataError

from talent.cards import operations as cards
from talent.cards import rules as card_rules
from talent.cards.models import Card
from talent.core import audit
from talent.core.db import guarded_flush
from talent.core.errors import Refused
from talent.core.permissions import Permission
from talent.core.timeutil import today
from talent.extensions import db
from talent.notifications.operations import notify_talent
from talent.programmes.models import (
    HIGH_LEVELS,
    LEVEL_RANK,
    LEVELS,
    OUTCOMES,
    SOURCES,
    Programme,
    ProgrammeCall,
    Recommendation,
)
from talent.programmes.uploads import StoredFile
from talent.registry import operations as registry
from talent.registry.models import Talent


class ProgrammeRefused(Refused):
    status = 422


class DuplicateProgramme(Refused):
    status = 409

    def __init__(self, name: str):
        message = f"已有名为“{name}”的人才项目"
        super().__init__(message, fields={"name": [message]})


class DuplicateRecommendation(Refused):
    status = 409

    def __init__(self):
        message = "该人才已推荐申报该项目的本年度评选，不能重复推荐"
        super().__init__(message, fields={"programme_id": [message]})


class StaleRecommendation(Refused):
    status = 409

    def __init__(self):
        super().__init__("该推荐记录已被他人修改，请刷新页面后再操作",
                         fields={"version": ["版本已过期"]})


# --- who sees what ------------------------------------------------------------------------------

def visible_to(user) -> Select:
    """Staff who recommend see every recommendation; a talent sees their own; anyone else none."""
    query = select(Recommendation)
    if user is None:
        return query.where(false())
    if user.can(Permission.RECOMMENDATIONS_WRITE):
        return query
    if user.can(Permission.PORTAL) and user.talent_id:
        return query.where(Recommendation.talent_id == user.talent_id)
    return query.where(false())


def recommendations_of(user, talent: Talent) -> list[Recommendation]:
    query = (visible_to(user).where(Recommendation.talent_id == talent.id)
             .join(Recommendation.call).options(joinedload(Recommendation.call).joinedload(
                 ProgrammeCall.programme))
             .order_by(ProgrammeCall.year.desc(), Recommendation.id.desc()))
    return list(db.session.scalars(query))


# --- programmes and calls -----------------------------------------------------------------------

def programme_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    """Programmes open to recommendation (and the current one of a record being edited)."""
    query = select(Programme).order_by(Programme.level, Programme.name)
    return [(p.id, f"{p.name}（{p.level_label}）") for p in db.session.scalars(query)
            if p.active or p.id == include_id]


def _name_taken(name: str, exclude_id: int | None = None) -> bool:
    query = select(Programme.id).where(Programme.name == name)
    if exclude_id is not None:
        query = query.where(Programme.id != exclude_id)
    return db.session.scalar(query) is not None


def create_programme(actor, values: Mapping) -> Programme:
    if _name_taken(values["name"]):
        raise DuplicateProgramme(values["name"])
    programme = Programme(**values)
    with guarded_flush(lambda: DuplicateProgramme(values["name"])):
        db.session.add(programme)
    audit.record(actor, "create", programme, audit.snapshot(dict(values)), summary=programme.name)
    return programme


def update_programme(actor, programme: Programme, values: Mapping) -> dict:
    if _name_taken(values["name"], programme.id):
        raise DuplicateProgramme(values["name"])
    with guarded_flush(lambda: DuplicateProgramme(values["name"])):
        changes = audit.apply_changes(programme, dict(values))
    if changes:
        audit.record(actor, "update", programme, changes, summary=programme.name)
    return changes


def find_call(programme_id: int, year: int) -> ProgrammeCall | None:
    return db.session.scalar(select(ProgrammeCall).where(
        ProgrammeCall.programme_id == programme_id, ProgrammeCall.year == year))


def save_call(actor, programme: Programme, year: int, deadline: date | None = None,
              note: str = "") -> ProgrammeCall:
    """A programme's call for a year: created, or its deadline and note updated."""
    call = find_call(programme.id, year)
    values = {"deadline": deadline, "note": (note or "").strip()[:200]}
    if call is None:
        call = ProgrammeCall(programme_id=programme.id, year=year, **values)
        # Two clerks opening the same year at once: the unique constraint decides, the loser reuses it.
        try:
            with guarded_flush(lambda: ProgrammeRefused("")):
                db.session.add(call)
        except ProgrammeRefused:
            call = find_call(programme.id, year)
            return save_call(actor, programme, year, deadline, note) if call else call
        audit.record(actor, "create", call, audit.snapshot({"year": year, **values}),
                     summary=f"{programme.name} {year}年度")
        return call
    changes = audit.apply_changes(call, values)
    if changes:
        db.session.flush()
        audit.record(actor, "update", call, changes, summary=f"{programme.name} {year}年度")
    return call


def _call_for(actor, programme_id: int, year: int, *, new: bool) -> ProgrammeCall:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise ProgrammeRefused("推荐项目不存在", fields={"programme_id": ["推荐项目不存在"]})
    if new and not programme.active:
        message = f"“{programme.name}”已停止受理推荐"
        raise ProgrammeRefused(message, fields={"programme_id": [message]})
    return find_call(programme.id, year) or save_call(actor, programme, year)


# --- recommendations ----------------------------------------------------------------------------

@dataclass
class OutcomeEffect:
    """What recording an outcome changed beyond the recommendation itself."""

    level_from: str | None = None
    level_to: str | None = None
    card_number: str | None = None
    card_tier: str | None = None
    qualifies_for: str | None = None  # tier name the holder now qualifies for
    notified: int = 0

    @property
    def level_raised(self) -> bool:
        return self.level_to is not None

    @property
    def upgradeable(self) -> bool:
        return self.qualifies_for is not None


def _store_attachment(values: dict, stored: StoredFile | None) -> dict:
    if stored is None:
        return values
    return {**values, "attachment_key": stored.key, "attachment_name": stored.name,
            "attachment_type": stored.content_type, "attachment_size": stored.size}


def recommend(actor, values: Mapping, attachment: StoredFile | None = None
              ) -> tuple[Recommendation, OutcomeEffect]:
    """Recommend a talent to a programme's call for a year (the call is opened if need be)."""
    talent = db.session.get(Talent, values["talent_id"])
    if talent is None:
        raise ProgrammeRefused("人才编号不存在", fields={"talent_id": ["人才编号不存在"]})
    if talent.status != "active":
        message = f"{talent.name} 已离开双牌县，不能推荐申报"
        raise ProgrammeRefused(message, fields={"talent_id": [message]})
    call = _call_for(actor, values["programme_id"], values["year"], new=True)
    if _already_recommended(talent.id, call.id):
        raise DuplicateRecommendation()
    columns = _store_attachment({"source": values["source"], "note": values["note"],
                                 "outcome": values["outcome"], "decided_on": values["decided_on"],
                                 "document_no": values["document_no"]}, attachment)
    recommendation = Recommendation(talent_id=talent.id, call_id=call.id,
                                    created_by_id=getattr(actor, "id", None), **columns)
    with guarded_flush(DuplicateRecommendation):
        db.session.add(recommendation)
    logged = {"talent_id": talent.id, "talent": talent.name, "programme": call.programme.name,
              "year": call.year,
              **{k: v for k, v in columns.items() if k != "attachment_key"}}
    audit.record(actor, "recommend", recommendation, audit.snapshot(logged),
                 summary=f"{talent.name} → {call.programme.name}（{call.year}）")
    effect = _after_outcome(actor, recommendation, "pending")
    return recommendation, effect


def _already_recommended(talent_id: int, call_id: int, exclude_id: int | None = None) -> bool:
    query = select(Recommendation.id).where(Recommendation.talent_id == talent_id,
                                            Recommendation.call_id == call_id)
    if exclude_id is not None:
        query = query.where(Recommendation.id != exclude_id)
    return db.session.scalar(query) is not None


def _check_version(recommendation: Recommendation, version: int | None) -> None:
    if version is None or version != recommendation.version:
        raise StaleRecommendation()


def _flush_versioned() -> None:
    """The mapper's version check is the last word when two clerks save at the same moment."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleRecommendation() from None


def update_recommendation(actor, recommendation: Recommendation, values: Mapping, version: int | None,
                          attachment: StoredFile | None = None) -> tuple[dict, OutcomeEffect]:
    """Edit a recommendation made on ``version``; the talent never changes, the call may."""
    _check_version(recommendation, version)
    if values.get("talent_id", recommendation.talent_id) != recommendation.talent_id:
        message = "被推荐人不能更改；如推荐错了人，请撤回此条并重新推荐"
        raise ProgrammeRefused(message, fields={"talent_id": [message]})
    previous = recommendation.outcome
    columns = {k: values[k] for k in ("source", "note", "outcome", "decided_on", "document_no")
               if k in values}
    before = recommendation.call
    programme_id = values.get("programme_id", before.programme_id)
    call = before
    if programme_id != before.programme_id or values.get("year", before.year) != before.year:
        call = _call_for(actor, programme_id, values.get("year", before.year),
                         new=programme_id != before.programme_id)
        if _already_recommended(recommendation.talent_id, call.id, recommendation.id):
            raise DuplicateRecommendation()
    changes = audit.apply_changes(recommendation, _store_attachment(columns, attachment))
    if call is not before:
        recommendation.call = call
        changes["programme"] = [before.programme.name, call.programme.name]
        changes["year"] = [before.year, call.year]
    changes.pop("attachment_key", None)
    if not changes:
        return {}, OutcomeEffect()
    _flush_versioned()
    action = "outcome" if set(changes) <= {"outcome", "decided_on", "document_no"} else "update"
    audit.record(actor, action, recommendation, changes,
                 summary=f"{recommendation.talent.name} → {recommendation.programme.name}"
                         f"（{recommendation.year}）")
    return changes, _after_outcome(actor, recommendation, previous)


def record_outcome(actor, recommendation: Recommendation, values: Mapping, version: int | None
                   ) -> tuple[dict, OutcomeEffect]:
    return update_recommendation(actor, recommendation, {
        k: values[k] for k in ("outcome", "decided_on", "document_no")}, version)


def _after_outcome(actor, recommendation: Recommendation, previous: str) -> OutcomeEffect:
    """A new selection raises the talent's programme level (never lowers it) through the
    registry's audited update; a card holder who now qualifies for a higher tier is notified."""
    effect = OutcomeEffect()
    if recommendation.outcome != "selected" or previous == "selected":
        return effect
    talent = recommendation.talent
    level = recommendation.programme.level
    if LEVEL_RANK[level] < LEVEL_RANK.get(talent.programme_level, len(LEVEL_RANK)):
        effect.level_from, effect.level_to = talent.programme_level, level
        registry.update_talent(actor, talent, {"id_number": talent.id_number, "programme_level": level})
    upgrade = card_upgrade(talent)
    if upgrade is not None:
        card, verdict = upgrade
        effect.card_number, effect.card_tier, effect.qualifies_for = card.number, card.tier, verdict.tier_name
        effect.notified = notify_talent(
            talent.id, f"您已入选{recommendation.programme.name}，可申请VIP卡升档",
            body=f"按现行发卡规则，您已符合{verdict.tier_name}条件（现持 {card.tier}类卡 {card.number}）。"
                 "县委组织部人才办将为您办理升档。",
            link="/me", kind="programmes", key=f"programmes.upgrade.{recommendation.id}")
    return effect


def card_upgrade(talent: Talent):
    """(card, verdict) when the talent holds a valid card below the tier they now qualify for."""
    card = cards.active_card(talent)
    if card is None or card.shown_status != "active":
        return None
    verdict = cards.eligibility(talent)
    return (card, verdict) if _higher_tier(cards.current_rule_set().rules, verdict, card) else None


def _higher_tier(rules: dict, verdict, card) -> bool:
    """The holder qualifies for a tier above the one on their card."""
    rank = card_rules.tier_rank
    return verdict.eligible and rank(rules, verdict.tier) < rank(rules, card.tier)


@dataclass(frozen=True)
class Upgrade:
    talent: Talent
    card: object
    verdict: object
    selection: Recommendation


def upgradeable() -> list[Upgrade]:
    """可升档: selected talents whose valid card is below the tier they now qualify for.

    Computed, not stored: once 县委组织部 renews the card at the current rules the holder
    drops off the list by itself. One query finds the selected holders of valid cards with
    their cards; the rules in force are read once and evaluated in memory (the same
    :func:`talent.cards.rules.evaluate` that ``cards.eligibility`` applies).
    """
    rules = cards.current_rule_set().rules
    was_selected = (select(Recommendation.id).where(Recommendation.talent_id == Talent.id,
                                                    Recommendation.outcome == "selected").exists())
    holders = db.session.execute(
        select(Talent, Card).join(Card, Card.talent_id == Talent.id)
        .where(Card.status == "active", Card.expires_on >= today(), Talent.status == "active", was_selected,
               Card.tier != rules["tiers"][0]["code"])  # a top-tier card has nowhere to go
        .order_by(Talent.name, Talent.id)).all()
    found = []
    for talent, card in holders:
        verdict = card_rules.evaluate(talent, rules)
        if _higher_tier(rules, verdict, card):
            found.append((talent, card, verdict))
    if not found:
        return []
    latest = {}
    for selection in db.session.scalars(
            select(Recommendation).where(Recommendation.outcome == "selected",
                                         Recommendation.talent_id.in_([t.id for t, _c, _v in found]))
            .options(joinedload(Recommendation.call).joinedload(ProgrammeCall.programme))
            .order_by(Recommendation.decided_on.desc(), Recommendation.id.desc())):
        latest.setdefault(selection.talent_id, selection)
    return [Upgrade(talent, card, verdict, latest[talent.id]) for talent, card, verdict in found]


def upgradeable_count() -> int:
    return len(upgradeable())


# --- lists --------------------------------------------------------------------------------------

HIGH = "high"  # level filter: provincial and above


@dataclass(frozen=True)
class RecommendationQuery:
    """What a list or export asks for; parsed once from page or API arguments."""

    year: int | None = None
    programme_id: int | None = None
    level: str = ""
    outcome: str = ""
    source: str = ""
    talent_id: int | None = None
    q: str = ""

    LEVEL_FILTERS: ClassVar = {**LEVELS, HIGH: "省级及以上"}

    @classmethod
    def from_args(cls, args: Mapping) -> "RecommendationQuery":
        def number(name: str, upper: int = 2**31 - 1) -> int | None:
            raw = str(args.get(name) or "")
            return int(raw) if raw.isdigit() and 0 < int(raw) <= upper else None

        level = args.get("level") or ""
        outcome = args.get("outcome") or ""
        source = args.get("source") or ""
        return cls(year=number("year", 2100), programme_id=number("programme_id"),
                   level=level if level in cls.LEVEL_FILTERS else "",
                   outcome=outcome if outcome in OUTCOMES else "",
                   source=source if source in SOURCES else "",
                   talent_id=number("talent_id"), q=(args.get("q") or "").strip()[:50])

    def args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}

    def where(self, query: Select, call_joined: bool = False) -> Select:
        """Filters, joining only the tables a filter needs (a plain count reads one table)."""
        if not call_joined and (self.year is not None or self.programme_id is not None or self.level):
            query = query.join(Recommendation.call)
        if self.level:
            query = query.join(ProgrammeCall.programme)
        if self.q:
            query = query.join(Recommendation.talent)
        if self.year is not None:
            query = query.where(ProgrammeCall.year == self.year)
        if self.programme_id is not None:
            query = query.where(ProgrammeCall.programme_id == self.programme_id)
        if self.level == HIGH:
            query = query.where(Programme.level.in_(HIGH_LEVELS))
        elif self.level:
            query = query.where(Programme.level == self.level)
        if self.outcome:
            query = query.where(Recommendation.outcome == self.outcome)
        if self.source:
            query = query.where(Recommendation.source == self.source)
        if self.talent_id is not None:
            query = query.where(Recommendation.talent_id == self.talent_id)
        if self.q:
            query = query.where(Talent.name.contains(self.q, autoescape=True))
        return query

    def select(self, user) -> Select:
        return (self.where(visible_to(user).join(Recommendation.call), call_joined=True)
                .options(contains_eager(Recommendation.call).joinedload(ProgrammeCall.programme),
                         joinedload(Recommendation.talent))
                .order_by(ProgrammeCall.year.desc(), Recommendation.id.desc()))

    def count(self, user) -> Select:
        return self.where(visible_to(user).with_only_columns(func.count(Recommendation.id)))


def years() -> list[int]:
    return list(db.session.scalars(select(ProgrammeCall.year).distinct().order_by(ProgrammeCall.year.desc())))


def audit_export(actor, query: RecommendationQuery, rows: int) -> None:
    """An export is a record too: who took which rows."""
    target = SimpleNamespace(__tablename__="recommendations", id=0)
    filters = "，".join(f"{k}={v}" for k, v in query.args().items()) or "全部"
    audit.record(actor, "export", target, {"filters": [None, query.args()], "rows": [None, rows]},
                 summary=f"导出推荐申报表（{filters}，{rows} 条）")


# --- figures for the task tracker ---------------------------------------------------------------

def talents_recommended(year: int) -> int:
    """Distinct talents found and recommended to a programme's call of ``year`` (withdrawn ones
    excepted): item 4.1's 挖掘优秀科技人才并推荐申报."""
    return db.session.scalar(
        select(func.count(distinct(Recommendation.talent_id))).join(Recommendation.call)
        .where(ProgrammeCall.year == year, Recommendation.outcome != "withdrawn")) or 0


def talents_selected_high_level(year: int) -> int:
    """Distinct talents selected for a provincial, national or academician programme of ``year``."""
    return db.session.scalar(
        select(func.count(distinct(Recommendation.talent_id))).join(Recommendation.call)
        .join(ProgrammeCall.programme)
        .where(ProgrammeCall.year == year, Recommendation.outcome == "selected",
               Programme.level.in_(HIGH_LEVELS))) or 0


def pending_count() -> int:
    return db.session.scalar(select(func.count(Recommendation.id)).where(
        Recommendation.outcome == "pending")) or 0


# --- reference data -----------------------------------------------------------------------------

SEED_PROGRAMMES = [
    {"name": "国家级人才项目", "level": "national", "organiser": "国家有关部委",
     "description": "国家级重大人才工程各类项目，按当年申报通知推荐。"},
    {"name": "芙蓉计划（湖南省芙蓉人才行动计划）", "level": "provincial",
     "organiser": "中共湖南省委人才工作领导小组",
     "description": "湖南省芙蓉人才行动计划，含芙蓉学者、芙蓉工匠、芙蓉名医等子项目。"},
    {"name": "湖南省湖湘青年英才", "level": "provincial", "organiser": "湖南省科学技术厅",
     "description": "湖南省科技人才托举类项目，支持青年科技人才。"},
    {"name": "永州市“双百”科技人才", "level": "municipal", "organiser": "永州市科学技术局",
     "description": "永州市科技人才项目。"},
]


def seed_programmes() -> int:
    """The common programmes, once each (matched by name); returns how many were added."""
    existing = set(db.session.scalars(select(Programme.name)))
    added = 0
    for values in SEED_PROGRAMMES:
        if values["name"] not in existing:
            db.session.add(Programme(**values, active=True))
            added += 1
    if added:
        db.session.flush()
    return added


def outcome_counts(user, query: RecommendationQuery) -> dict[str, int]:
    statement = query.where(visible_to(user).with_only_columns(
        Recommendation.outcome, func.count(Recommendation.id))).group_by(Recommendation.outcome)
    counts = dict(db.session.execute(statement).all())
    return {code: counts.get(code, 0) for code in OUTCOMES}
