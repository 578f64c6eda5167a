"""Card operations: rules and their versions, eligibility, issue/renew/revoke/re-issue.

Verification (tokens, the public check, the scan log) is in :mod:`talent.cards.verification`."""
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import exists, func, select

from talent.cards import rules as card_rules
from talent.cards.models import (
    BENEFIT_FREQUENCIES,
    BENEFIT_KINDS,
    DEFAULT_FREQUENCIES,
    Card,
    CardCounter,
    CardRuleSet,
    EligibilityRun,
    TalentEligibility,
    TierBenefit,
)
from talent.core import audit, timeutil
from talent.core.db import guarded_flush, next_in_year
from talent.core.errors import Refused, StaleEdit
from talent.extensions import db
from talent.notifications.operations import notify_talent
from talent.registry.models import Talent


class CardError(Refused):
    """A card action that cannot be done (409); the message is shown as it is."""


class NotEligible(CardError):
    """The talent does not meet the rules (422), with the unmet requirements by field."""

    status = 422
    code = "not_eligible"

    def __init__(self, verdict: card_rules.Eligibility):
        unmet = [c.text for c in verdict.unmet_requirements] or ["不符合任一类别的发卡条件"]
        super().__init__("不能发卡：" + "；".join(unmet), fields={"talent_id": unmet})
        self.verdict = verdict


class NotUpgradable(CardError):
    """The holder does not meet the higher tier asked for (422)."""

    status = 422
    code = "not_eligible"

    def __init__(self, tier_name: str, verdict: card_rules.Eligibility):
        shown = verdict.tier_name or "不符合任一类别"
        super().__init__(f"不能升为{tier_name}：按现行规则只符合{shown}",
                         fields={"tier": [f"持卡人按现行规则只符合{shown}"]})
        self.verdict = verdict


# --- rules --------------------------------------------------------------------------------------

def current_rule_set(on: date | None = None) -> CardRuleSet:
    """The version in force on a day: the newest one whose effective date has come."""
    on = on or timeutil.today()
    query = (select(CardRuleSet).where(CardRuleSet.effective_on <= on)
             .order_by(CardRuleSet.effective_on.desc(), CardRuleSet.version.desc()).limit(1))
    rule_set = db.session.scalar(query)
    if rule_set is None:
        raise CardError("尚未设置发卡规则，请管理员先运行 flask seed")
    return rule_set


def rule_versions() -> list[CardRuleSet]:
    return list(db.session.scalars(select(CardRuleSet).order_by(CardRuleSet.version.desc())))


def newest_rule_version() -> int:
    return db.session.scalar(select(func.max(CardRuleSet.version))) or 0


def create_rule_version(actor, rules: dict, effective_on: date, note: str = "",
                        based_on: int | None = None) -> CardRuleSet:
    """A new version; ``based_on`` is the newest version the admin's form started from — if
    another admin saved one since, ``StaleEdit`` (their version would be silently superseded)."""
    problems = card_rules.validate_rules(rules)
    if problems:
        raise CardError("；".join(problems))
    newest = newest_rule_version()
    if based_on is not None and based_on != newest:
        raise StaleEdit(newest)
    version = newest + 1
    rule_set = CardRuleSet(version=version, effective_on=effective_on, rules=rules, note=note.strip(),
                           created_by_id=getattr(actor, "id", None))
    # Two admins saving in the same instant both compute the same number: the unique index decides.
    with guarded_flush(lambda: StaleEdit(version)):
        db.session.add(rule_set)
    audit.record(actor, "create", rule_set, {"version": [None, version],
                                             "effective_on": [None, effective_on.isoformat()]},
                 summary=f"发卡规则第{version}版 {note}".strip())
    return rule_set


def seed_default_rules() -> bool:
    """Version 1 and the default benefits, once; returns whether anything was added."""
    added = False
    if db.session.scalar(select(func.count(CardRuleSet.id))) == 0:
        db.session.add(CardRuleSet(version=1, effective_on=date(2023, 1, 1),
                                   rules=card_rules.DEFAULT_RULES, note="默认规则"))
        if db.session.scalar(select(func.count(Talent.id))) == 0:
            # nobody to recompute: the stored eligibility of version 1 is complete as it is
            db.session.add(EligibilityRun(rule_version=1, finished_at=timeutil.utcnow()))
        added = True
    existing = {(b.tier, b.kind) for b in db.session.scalars(select(TierBenefit))}
    for tier, kinds in DEFAULT_BENEFITS.items():
        for kind, text in kinds.items():
            if (tier, kind) not in existing:
                db.session.add(TierBenefit(tier=tier, kind=kind, text=text,
                                           frequency=DEFAULT_FREQUENCIES.get(kind, "unlimited")))
                added = True
    db.session.flush()
    return added


DEFAULT_BENEFITS = {
    "A": {"housing": "免租入住县人才公寓（不少于120平方米）或按规定享受购房补贴；",
          "medical": "县人民医院、县中医医院专家门诊绿色通道，每年一次免费健康体检，指定保健医生；",
          "education": "子女在县内就读义务教育阶段学校，按本人意愿优先安排；",
          "other": "县委、县政府主要领导联系服务；享受人才新政“三十六条”A类津贴。"},
    "B": {"housing": "优先入住县人才公寓，或按规定享受租房补贴；",
          "medical": "县级公立医院就医绿色通道，每年一次免费健康体检；",
          "education": "子女入学由县教育局统筹，优先安排；",
          "other": "享受人才新政“三十六条”B类津贴。"},
    "C": {"housing": "符合条件的可申请人才公寓或租房补贴；",
          "medical": "县级公立医院就医绿色通道；",
          "education": "子女入学按规定给予照顾；",
          "other": "享受人才新政“三十六条”相关待遇。"},
}


def benefits_by_tier() -> dict[str, list[TierBenefit]]:
    order = list(BENEFIT_KINDS)
    grouped: dict[str, list[TierBenefit]] = {}
    for benefit in db.session.scalars(select(TierBenefit).order_by(TierBenefit.tier)):
        grouped.setdefault(benefit.tier, []).append(benefit)
    for items in grouped.values():
        items.sort(key=lambda b: order.index(b.kind) if b.kind in order else len(order))
    return grouped


def benefit_versions(benefits: list[TierBenefit]) -> str:
    """What the benefits form carries hidden: "id:version,…" of the rows it shows."""
    return ",".join(f"{b.id}:{b.version}" for b in sorted(benefits, key=lambda b: b.id))


def changed_benefits(seen: dict[int, int]) -> list[TierBenefit]:
    """The benefits saved by someone else since the form read ``seen`` (new ones included)."""
    return [b for b in db.session.scalars(select(TierBenefit).order_by(TierBenefit.id))
            if seen.get(b.id) != b.version]


def update_benefits(actor, texts: dict[tuple[str, str], str],
                    seen: dict[int, int] | None = None,
                    frequencies: dict[tuple[str, str], str] | None = None) -> int:
    """Save the texts (and how often each may be given); ``seen`` are the versions the form
    showed (stale: ``StaleEdit``)."""
    frequencies = frequencies or {}
    if seen is not None and changed_benefits(seen):
        raise StaleEdit()
    changed = 0
    current = {(b.tier, b.kind): b for b in db.session.scalars(select(TierBenefit))}
    for key, text in texts.items():
        benefit = current.get(key) or TierBenefit(tier=key[0], kind=key[1], text="",
                                                  frequency=DEFAULT_FREQUENCIES.get(key[1], "unlimited"))
        if benefit.id is None:
            db.session.add(benefit)
            db.session.flush()
        values = {"text": text.strip()}
        if frequencies.get(key) in BENEFIT_FREQUENCIES:
            values["frequency"] = frequencies[key]
        changes = audit.apply_changes(benefit, values)
        if changes:
            db.session.flush()
            audit.record(actor, "update", benefit, changes, summary=f"{key[0]}类{BENEFIT_KINDS[key[1]]}")
            changed += 1
    return changed


# --- eligibility --------------------------------------------------------------------------------

def eligibility(talent: Talent, on: date | None = None) -> card_rules.Eligibility:
    return card_rules.evaluate(talent, current_rule_set(on).rules)


def recommended_query(on: date | None = None):
    """Talents who qualify but hold no card: the 推荐发放名单, read from the stored eligibility
    of the version in force (cards/eligibility.py) — a row of an older version is never listed."""
    version = current_rule_set(on).version
    has_card = exists().where(Card.talent_id == Talent.id, Card.status == "active")
    return (select(Talent).join(TalentEligibility, TalentEligibility.talent_id == Talent.id)
            .where(TalentEligibility.rule_version == version, TalentEligibility.tier.is_not(None),
                   ~has_card)
            .order_by(TalentEligibility.talent_id))


def rule_version(version: int) -> CardRuleSet | None:
    return db.session.scalar(select(CardRuleSet).where(CardRuleSet.version == version))


def stale_cards(on: date | None = None, rule_set: CardRuleSet | None = None
                ) -> list[tuple[Card, card_rules.Eligibility]]:
    """Valid cards whose holders no longer qualify for their tier under the rules in force —
    or, given ``rule_set``, under a version still to come, to see its effect before it applies."""
    rules = (rule_set or current_rule_set(on)).rules
    day = on or timeutil.today()
    cards = db.session.scalars(select(Card).where(Card.status == "active", Card.expires_on >= day)
                               .order_by(Card.number))
    stale = []
    for card in cards:
        verdict = card_rules.evaluate(card.talent, rules)
        lower = card_rules.tier_rank(rules, verdict.tier) > card_rules.tier_rank(rules, card.tier)
        if not verdict.eligible or lower:
            stale.append((card, verdict))
    return stale


# --- life cycle ---------------------------------------------------------------------------------

def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end(start: date) -> date:
    """The last day of a full term starting on ``start``."""
    return _add_years(start, current_app.config["CARD_VALID_YEARS"])


def next_number(year: int) -> str:
    """LBYC-<year>-<6 digits>, from the year's counter: two clerks never get the same number."""
    return f"LBYC-{year}-{next_in_year(CardCounter, year):06d}"


def active_card(talent: Talent) -> Card | None:
    return db.session.scalar(select(Card).where(Card.talent_id == talent.id, Card.status == "active"))


def cards_of(talent: Talent) -> list[Card]:
    return list(db.session.scalars(select(Card).where(Card.talent_id == talent.id)
                                   .order_by(Card.created_at.desc(), Card.id.desc())))


def issue_card(actor, talent: Talent, on: date | None = None) -> Card:
    day = on or timeutil.today()
    existing = active_card(talent)
    if existing is not None:
        if existing.status_on(day) == "expired":
            raise CardError(f"{talent.name} 的卡 {existing.number} 已过期，请办理续期")
        raise CardError(f"{talent.name} 已持有有效卡 {existing.number}")
    rule_set = current_rule_set(day)
    verdict = card_rules.evaluate(talent, rule_set.rules)
    if not verdict.eligible:
        raise NotEligible(verdict)
    card = Card(number=next_number(day.year), talent_id=talent.id, tier=verdict.tier, issued_on=day,
                expires_on=_add_years(day, current_app.config["CARD_VALID_YEARS"]),
                status="active", rule_set_id=rule_set.id)
    # The one-active-card index settles two clerks issuing to the same talent at once.
    with guarded_flush(lambda: CardError(f"{talent.name} 刚刚已由他人发卡，请刷新页面查看")):
        db.session.add(card)
    audit.record(actor, "issue", card, audit.snapshot(
        {"number": card.number, "talent_id": talent.id, "tier": card.tier,
         "expires_on": card.expires_on, "rule_version": rule_set.version}), summary=talent.name)
    return card


def _require_active(card: Card) -> None:
    if card.status != "active":
        raise CardError(f"卡 {card.number} 状态为“{card.status_label}”，不能办理此业务")


def renew_card(actor, card: Card, on: date | None = None) -> Card:
    """Same number, a new three-year term, the tier the current rules give."""
    _require_active(card)
    day = on or timeutil.today()
    rule_set = current_rule_set(day)
    verdict = card_rules.evaluate(card.talent, rule_set.rules)
    if not verdict.eligible:
        raise NotEligible(verdict)
    start = max(day, card.expires_on)
    changes = audit.apply_changes(card, {
        "expires_on": _add_years(start, current_app.config["CARD_VALID_YEARS"]),
        "tier": verdict.tier, "rule_set_id": rule_set.id})
    db.session.flush()
    audit.record(actor, "renew", card, changes, summary=card.number)
    return card


def revoke_card(actor, card: Card, reason: str, on: date | None = None) -> Card:
    reason = (reason or "").strip()
    if not reason:
        raise CardError("注销必须填写原因")
    if card.status == "revoked":
        raise CardError(f"卡 {card.number} 已注销")
    _require_active(card)
    changes = audit.apply_changes(card, {"status": "revoked", "revoked_on": on or timeutil.today(),
                                         "revoke_reason": reason[:200]})
    db.session.flush()
    audit.record(actor, "revoke", card, changes, summary=card.number)
    return card


def reissue_card(actor, card: Card, on: date | None = None) -> Card:
    """A lost card: the old number stops verifying; a new number keeps tier and expiry."""
    _require_active(card)
    day = on or timeutil.today()
    if card.status_on(day) == "expired":
        raise CardError("卡已过期，请办理续期而不是补办")
    card.status = "replaced"
    db.session.flush()  # free the one-active-card slot before the new card takes it
    new = Card(number=next_number(day.year), talent_id=card.talent_id, tier=card.tier, issued_on=day,
               expires_on=card.expires_on, status="active", rule_set_id=card.rule_set_id,
               replaces_id=card.id)
    db.session.add(new)
    db.session.flush()
    audit.record(actor, "replace", card, {"status": ["active", "replaced"]}, summary=card.number)
    audit.record(actor, "reissue", new, audit.snapshot({"number": new.number, "replaces": card.number}),
                 summary=card.talent.name)
    return new


def upgrade_card(actor, card: Card, tier: str, rule_version: int | None = None,
                 new_term: bool = False, on: date | None = None) -> Card:
    """升档: a higher tier on a new card number (the old QR stops verifying, as on a re-issue),
    keeping the old expiry unless ``new_term`` starts a new full term. ``rule_version`` is the
    version the clerk was shown; if the rules changed since, ``StaleEdit``."""
    _require_active(card)
    day = on or timeutil.today()
    if card.status_on(day) == "expired":
        raise CardError("卡已过期，请办理续期")
    rule_set = current_rule_set(day)
    if rule_version is not None and rule_version != rule_set.version:
        raise StaleEdit(rule_set.version, f"发卡规则已更新为第{rule_set.version}版，请核对后重新办理升档")
    rules = rule_set.rules
    codes = [t["code"] for t in rules["tiers"]]
    if tier not in codes:
        raise CardError(f"没有“{tier}”这个类别", fields={"tier": ["类别无效"]}, status=422)
    if card_rules.tier_rank(rules, tier) >= card_rules.tier_rank(rules, card.tier):
        raise CardError(f"{card_rules.tier_name(rules, tier)}不高于现持{card.tier}类，不是升档",
                        fields={"tier": ["只能升到更高的类别"]}, status=422)
    verdict = card_rules.evaluate(card.talent, rules)
    if card_rules.tier_rank(rules, verdict.tier) > card_rules.tier_rank(rules, tier):
        raise NotUpgradable(card_rules.tier_name(rules, tier), verdict)
    expires_on = term_end(day) if new_term else card.expires_on
    old_tier = card.tier
    card.status = "replaced"
    db.session.flush()  # free the one-active-card slot before the new card takes it
    new = Card(number=next_number(day.year), talent_id=card.talent_id, tier=tier, issued_on=day,
               expires_on=expires_on, status="active", rule_set_id=rule_set.id, replaces_id=card.id)
    db.session.add(new)
    db.session.flush()
    audit.record(actor, "supersede", card, {"status": ["active", "replaced"]}, summary=card.number)
    changes = audit.snapshot({"number": new.number, "replaces": card.number,
                              "rule_version": rule_set.version})
    changes["tier"] = [old_tier, tier]
    changes["expires_on"] = [card.expires_on.isoformat(), new.expires_on.isoformat()]
    audit.record(actor, "upgrade", new, changes, summary=card.talent.name)
    notify_talent(card.talent_id, f"您的泷泊英才VIP卡已升为{card_rules.tier_name(rules, tier)}",
                  body=f"新卡号 {new.number}，有效期至 {new.expires_on}；原卡 {card.number} 的二维码已失效。",
                  link="/me", kind="card_upgrade", key=f"card-upgrade:{new.id}")
    return new


def cards_issued(year: int) -> int:
    """泷泊英才VIP卡 issued in ``year`` (first issues and re-issues: cards handed out)."""
    return db.session.scalar(select(func.count(Card.id)).where(
        Card.issued_on.between(date(year, 1, 1), date(year, 12, 31)))) or 0


# --- expiry reminders -----------------------------------------------------------------------------

EXPIRY_NOTICE_DAYS = 60


def expiring_query(on: date | None = None, within_days: int = EXPIRY_NOTICE_DAYS):
    """Active cards that expire within ``within_days`` of ``on`` (not yet expired), soonest first."""
    day = on or timeutil.today()
    return (select(Card).where(Card.status == "active", Card.expires_on >= day,
                               Card.expires_on <= day + timedelta(days=within_days))
            .order_by(Card.expires_on, Card.id))


def remind_expiring(on: date | None = None) -> dict[str, int]:
    """Tell each holder whose card expires within 60 days, once per card and expiry date."""
    sent = 0
    for card in db.session.scalars(expiring_query(on)):
        sent += notify_talent(
            card.talent_id, f"您的泷泊英才VIP卡将于 {card.expires_on} 到期",
            body="请在到期前联系县委组织部人才办办理续期。", link="/me", kind="card_expiry",
            key=f"card-expiry:{card.id}:{card.expires_on.isoformat()}")
    return {"到期提醒": sent}
