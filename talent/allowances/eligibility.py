"""Who a policy is for, evaluated with the card rule engine's pieces: each criterion a ``Check``
(what the policy asks, met or not, what the talent has), all of them required."""

from datetime import date

from talent.cards import operations as cards
from talent.cards.rules import LIST_CRITERIA, Check
from talent.registry import choices

CRITERIA = {"categories": "category", "educations": "education"}


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def checks(eligibility: dict, talent, on: date) -> list[Check]:
    result = []
    if talent.status != "active":
        result.append(Check("人才档案状态为在县工作", False, "已离开双牌"))
    tiers = eligibility.get("tiers") or []
    if tiers:
        card = cards.active_card(talent)
        held = card.tier if card is not None and card.status_on(on) == "active" else None
        result.append(
            Check(
                f"持有泷泊英才VIP卡（{'、'.join(t + '类' for t in tiers)}）",
                held in tiers,
                f"持卡：{held + '类' if held else '无有效卡'}",
            )
        )
    for key, column in CRITERIA.items():
        codes = eligibility.get(key) or []
        if codes:
            _column, title, labels = LIST_CRITERIA[key]
            result.append(
                Check(
                    f"{title}为{'或'.join(labels.get(c, c) for c in codes)}",
                    getattr(talent, column) in codes,
                    f"{title}：{choices.label(column, getattr(talent, column))}",
                )
            )
    years = eligibility.get("introduced_within_years")
    if years:
        introduced = talent.source == "introduced" and talent.introduced_on is not None
        within = introduced and talent.introduced_on >= _years_before(on, int(years))
        result.append(
            Check(f"{years}年内引进的人才", bool(within), f"引进时间：{talent.introduced_on or '非引进人才'}")
        )
    return result


def eligible(eligibility: dict, talent, on: date) -> tuple[bool, list[Check]]:
    found = checks(eligibility, talent, on)
    return all(c.met for c in found), found


def validate(eligibility: dict) -> list[str]:
    problems = []
    for tier in eligibility.get("tiers") or []:
        if tier not in ("A", "B", "C"):
            problems.append(f"卡档次无效：{tier}")
    for key in CRITERIA:
        valid = LIST_CRITERIA[key][2]
        bad = [c for c in eligibility.get(key) or [] if c not in valid]
        if bad:
            problems.append(f"{LIST_CRITERIA[key][1]}取值无效：{'、'.join(bad)}")
    years = eligibility.get("introduced_within_years")
    if years is not None and (not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 30):
        problems.append("引进年限应为 1–30 的整数")
    return problems
