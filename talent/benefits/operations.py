"""Benefits at the window: what a clerk's unit may give on a card, recording it, and the figures."""
from collections.abc import Mapping
from datetime import date

from sqlalchemy import Select, func, select

from talent.auth.models import Unit
from talent.auth.units import unit_named
from talent.benefits.models import BenefitFigure, BenefitProvider, Redemption
from talent.cards import operations as cards
from talent.cards.models import BENEFIT_KINDS, Card, TierBenefit
from talent.core import audit, timeutil
from talent.core.errors import Refused
from talent.core.permissions import Permission
from talent.extensions import db
from talent.notifications import operations as inbox

# Until the county says otherwise: the unit that runs each kind of benefit. 组织部 (the 人才办)
# gives what no other unit does.
DEFAULT_PROVIDERS = {"housing": "县住建局", "medical": "县卫健局", "education": "县教育局",
                     "other": "县委组织部"}


class RedemptionRefused(Refused):
    status = 422


class RepeatRedemption(Refused):
    """The benefit was already given within its period: the clerk must say why to go on (409)."""

    code = "repeat_redemption"

    def __init__(self, message: str, earlier: list[Redemption]):
        super().__init__(message, fields={"repeat_reason": [message]})
        self.earlier = earlier


def earlier_in_period(card: Card, kind: str, day: date, frequency: str) -> list[Redemption]:
    """Redemptions of the same benefit to the same person (any of their cards: an upgrade or a
    re-issue does not restart the count) that a new one on ``day`` would repeat: ever for a
    once-only benefit, in the same calendar year for a yearly one, and — against a double
    entry — on the same day for an unlimited one."""
    query = select(Redemption).where(Redemption.talent_id == card.talent_id, Redemption.kind == kind)
    if frequency == "yearly":
        query = query.where(Redemption.redeemed_on.between(date(day.year, 1, 1), date(day.year, 12, 31)))
    elif frequency != "once":
        query = query.where(Redemption.redeemed_on == day)
    return list(db.session.scalars(query.order_by(Redemption.redeemed_on.desc(), Redemption.id.desc())))


def repeat_warning(benefit: TierBenefit, earlier: list[Redemption]) -> str:
    last = earlier[0]
    rule = {"once": "此项待遇限兑现一次", "yearly": "此项待遇每年兑现一次"}.get(
        benefit.frequency, "同一天已记录过")
    times = f"（共 {len(earlier)} 次）" if len(earlier) > 1 else ""
    return (f"{benefit.kind_label}已于 {last.redeemed_on} 由{last.unit.name}兑现{times}，{rule}。"
            "如确需再次兑现，请填写原因")


def seed_providers() -> int:
    existing = set(db.session.scalars(select(BenefitProvider.kind)))
    added = 0
    for kind, unit_name in DEFAULT_PROVIDERS.items():
        unit = unit_named(unit_name)
        if kind not in existing and unit is not None:
            db.session.add(BenefitProvider(kind=kind, unit_id=unit.id))
            added += 1
    db.session.flush()
    return added


def providers() -> dict[str, Unit]:
    return {p.kind: p.unit for p in db.session.scalars(select(BenefitProvider))}


def kinds_for(user) -> list[str]:
    """The benefit kinds a clerk may record: their unit's; 组织部 and the admin any."""
    if user.can(Permission.BENEFITS_REPORT):
        return list(BENEFIT_KINDS)
    return [kind for kind, unit in providers().items() if unit.id == user.unit_id]


def window_benefits(card: Card, user) -> list[TierBenefit]:
    """The card's tier benefits this clerk's unit provides (with their text), in the usual order."""
    allowed = set(kinds_for(user))
    return [b for b in cards.benefits_by_tier().get(card.tier, []) if b.kind in allowed and b.text]


def redeem(actor, card: Card, kind: str, redeemed_on: date, note: str = "",
           repeat_reason: str = "") -> Redemption:
    """Record a benefit given; a repeat within the benefit's period needs ``repeat_reason``."""
    if card.shown_status != "active":
        raise RedemptionRefused(f"此卡{card.status_label}，不能兑现待遇")
    if kind not in kinds_for(actor):
        raise RedemptionRefused("本单位不提供此项待遇")
    benefit = next((b for b in window_benefits(card, actor) if b.kind == kind), None)
    if benefit is None:
        raise RedemptionRefused(f"{card.tier}类卡没有“{BENEFIT_KINDS.get(kind, kind)}”待遇")
    if redeemed_on > timeutil.today():
        raise RedemptionRefused("兑现日期不能晚于今天")
    if redeemed_on < card.issued_on:
        raise RedemptionRefused(f"兑现日期不能早于发卡日期（{card.issued_on.isoformat()}）")
    repeat_reason = (repeat_reason or "").strip()[:200]
    earlier = earlier_in_period(card, kind, redeemed_on, benefit.frequency)
    if earlier and not repeat_reason:
        raise RepeatRedemption(repeat_warning(benefit, earlier), earlier)
    if not earlier:
        repeat_reason = ""
    unit_id = actor.unit_id if actor.unit_id is not None else providers()[kind].id
    redemption = Redemption(card_id=card.id, talent_id=card.talent_id, kind=kind, unit_id=unit_id,
                            clerk_id=actor.id, redeemed_on=redeemed_on, note=note.strip()[:200],
                            repeat_reason=repeat_reason)
    db.session.add(redemption)
    db.session.flush()
    audit.record(actor, "redeem", redemption, audit.snapshot(
        {"kind": kind, "redeemed_on": redeemed_on, "note": redemption.note, "card_id": card.id,
         "repeat_reason": repeat_reason}),
        summary=f"{card.number} {BENEFIT_KINDS.get(kind, kind)}")
    # Which benefit (a medical one says something of health) is in the body, which never leaves
    # the system; the title, which may go by SMS, says only that one was recorded.
    inbox.notify_talent(card.talent_id, f"您的泷泊英才VIP卡于 {redeemed_on:%m月%d日} 登记兑现了一项待遇",
                        body=f"{BENEFIT_KINDS.get(kind, kind)}（{db.session.get(Unit, unit_id).name}）",
                        link=inbox.link("portal.home"), kind="benefit_redeemed")
    return redemption


def visible_to(user) -> Select:
    """A talent sees their own; a unit clerk their unit's; 组织部 and the admin all."""
    query = select(Redemption)
    if user.can(Permission.BENEFITS_REPORT):
        return query
    if user.can(Permission.BENEFITS_REDEEM):
        return query.where(Redemption.unit_id == user.unit_id)
    return query.where(Redemption.talent_id == (user.talent_id or -1))


def history(user, card: Card | None = None, limit: int = 20) -> list[Redemption]:
    query = visible_to(user)
    if card is not None:
        query = query.where(Redemption.card_id == card.id)
    return list(db.session.scalars(query.order_by(Redemption.redeemed_on.desc(),
                                                  Redemption.id.desc()).limit(limit)))


def counts(year: int, *, grouped: bool = False) -> list[Mapping]:
    """Redemptions per unit and benefit kind in a year, for 组织部 (item 4.3's 精细服务): read from
    the maintained ``benefit_figures`` (``grouped=True``: grouped over the redemptions instead,
    the reference the tests hold the counters to)."""
    if grouped:
        first, last = date(year, 1, 1), date(year, 12, 31)
        query = (select(Unit.name, Redemption.kind, func.count(Redemption.id),
                        func.count(Redemption.talent_id.distinct()))
                 .join(Unit, Unit.id == Redemption.unit_id)
                 .where(Redemption.redeemed_on.between(first, last))
                 .group_by(Unit.name, Redemption.kind))
    else:
        f = BenefitFigure
        query = (select(Unit.name, f.kind, f.times, f.people).join(Unit, Unit.id == f.unit_id)
                 .where(f.year == year, f.times > 0))
    rows = db.session.execute(query.order_by(Unit.name, query.selected_columns[1]))
    return [{"unit": unit, "kind": BENEFIT_KINDS.get(kind, kind), "times": times, "people": people}
            for unit, kind, times, people in rows]


def redemptions_in(year: int) -> int:
    return db.session.scalar(select(func.sum(BenefitFigure.times)).where(BenefitFigure.year == year)) or 0


def load_demo(ctx) -> int:
    """李明 (rencai) used his card at the hospital window twice this year."""
    clerk = ctx.accounts.get("wjj")
    holder = ctx.accounts.get("rencai")
    if clerk is None or holder is None or holder.talent_id is None:
        return 0
    card = db.session.scalar(select(Card).where(Card.talent_id == holder.talent_id, Card.status == "active"))
    if card is None:
        return 0
    day = timeutil.today()
    # Not before the card was issued (the demo issues it today): the first of the month at the earliest.
    redeem(clerk, card, "medical", max(day.replace(day=1), card.issued_on), "年度免费健康体检")
    redeem(clerk, card, "medical", day, "专家门诊绿色通道",
           repeat_reason="体检之外的专家门诊，不占年度体检次数")
    return 2
