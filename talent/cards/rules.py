"""VIP-card eligibility as data: a rule set is plain JSON, evaluated here into a verdict with reasons.

A rule set has the requirements every tier shares and an ordered list of tiers,
highest first. A tier is met when *any one* of its criteria is met; a combined
criterion (e.g. 正高级职称 *and* 博士) needs all of its parts. The same rule set
also compiles to a SQL condition, so a list of eligible talents is one query
instead of 100,000 evaluations.
"""
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, false, null, or_, true

from talent.registry import choices
from talent.registry.models import Talent

# The criteria a tier may use: the talent column, its Chinese name, its label table.
LIST_CRITERIA = {
    "programme_levels": ("programme_level", "入选人才计划", choices.PROGRAMME_LEVELS),
    "title_levels": ("title_level", "职称等级", choices.TITLE_LEVELS),
    "educations": ("education", "学历", choices.EDUCATIONS),
    "categories": ("category", "人才类别", choices.CATEGORIES),
}
TIER_CODES = ("A", "B", "C")

DEFAULT_RULES: dict[str, Any] = {
    "require_active": True,
    "require_in_county": True,
    "tiers": [
        {"code": "A", "name": "A类（顶尖人才）", "programme_levels": ["academician", "national"],
         "title_levels": [], "educations": [], "categories": [], "foreign_introduced": False,
         "combined": [{"title_level": "senior", "education": "doctorate"}]},
        {"code": "B", "name": "B类（领军人才）", "programme_levels": ["provincial"],
         "title_levels": ["senior"], "educations": ["doctorate"], "categories": ["leading"],
         "foreign_introduced": False, "combined": []},
        {"code": "C", "name": "C类（骨干人才）", "programme_levels": ["municipal"],
         "title_levels": ["vice_senior"], "educations": ["master"],
         "categories": ["young", "engineer", "craftsman", "innovator"],
         "foreign_introduced": True, "combined": []},
    ],
}


@dataclass(frozen=True)
class Check:
    text: str  # what the rule asks, in plain Chinese
    met: bool
    detail: str  # what the talent has


@dataclass
class TierVerdict:
    code: str
    name: str
    met: bool
    checks: list[Check] = field(default_factory=list)


@dataclass
class Eligibility:
    tier: str | None
    tier_name: str
    requirements: list[Check]
    tiers: list[TierVerdict]

    @property
    def eligible(self) -> bool:
        return self.tier is not None

    @property
    def unmet_requirements(self) -> list[Check]:
        return [c for c in self.requirements if not c.met]

    @property
    def requirements_met(self) -> bool:
        """When a shared requirement fails, no tier applies, whatever its own criteria say."""
        return not self.unmet_requirements

    def reasons(self) -> list[str]:
        """The person's own values that earned the tier ("学历：硕士研究生"), for lists and exports."""
        granted = next((t for t in self.tiers if t.code == self.tier), None)
        return [c.detail for c in granted.checks if c.met] if granted else []

    def summary(self) -> str:
        """One line in the third person, naming the facts that failed, not the rules restated."""
        if self.eligible:
            return f"符合 {self.tier_name} 条件"
        if self.unmet_requirements:
            return "暂不符合：" + "；".join(c.detail for c in self.unmet_requirements)
        return "暂不符合任一类别的发卡条件"

    def as_dict(self) -> dict:
        def check(c: Check) -> dict:
            return {"criterion": c.text, "met": c.met, "detail": c.detail}

        return {
            "eligible": self.eligible,
            "tier": self.tier,
            "tier_name": self.tier_name,
            "summary": self.summary(),
            "requirements": [check(c) for c in self.requirements],
            "tiers": [{"tier": t.code, "name": t.name, "met": t.met,
                       "criteria": [check(c) for c in t.checks]} for t in self.tiers],
        }


def _names(values: dict, codes: list[str]) -> str:
    return "或".join(values.get(c, c) for c in codes)


# Degrees from the highest down; "other" ranks nowhere.
_DEGREES = [code for code in choices.EDUCATIONS if code != "other"]


def _at_least(codes: list[str]) -> list[str]:
    """An education criterion means that degree or a higher one (硕士研究生及以上): a 博士 meets
    a tier that asks for a 硕士."""
    ranked = [_DEGREES.index(c) for c in codes if c in _DEGREES]
    if not ranked:
        return list(codes)
    return list(dict.fromkeys([*_DEGREES[:max(ranked) + 1], *codes]))


def _criterion(key: str, codes: list[str], values: dict) -> tuple[list[str], str]:
    """The codes a list criterion accepts and how it reads."""
    if key != "educations":
        return codes, _names(values, codes)
    accepted = _at_least(codes)
    lowest = max((c for c in codes if c in _DEGREES), key=_DEGREES.index, default=None)
    if lowest is None or lowest == _DEGREES[0]:
        return accepted, _names(values, codes)
    others = [c for c in codes if c not in _DEGREES]
    return accepted, "或".join([f"{values[lowest]}及以上", *(values.get(c, c) for c in others)])


def _label(column: str, talent) -> str:
    return choices.label(column, getattr(talent, column))


def _tier_checks(tier: dict, talent) -> list[Check]:
    checks = []
    for key, (column, title, values) in LIST_CRITERIA.items():
        codes = tier.get(key) or []
        if codes:
            accepted, wording = _criterion(key, codes, values)
            checks.append(Check(f"{title}为{wording}",
                                getattr(talent, column) in accepted,
                                f"{title}：{_label(column, talent)}"))
    for combo in tier.get("combined") or []:
        text = "且".join(_PHRASES[column].format(choices.label(column, value))
                        for column, value in combo.items())
        met = all(getattr(talent, column) == value for column, value in combo.items())
        detail = "、".join(f"{_TITLES[column]}：{_label(column, talent)}" for column in combo)
        checks.append(Check(text, met, detail))
    if tier.get("foreign_introduced"):
        met = talent.nationality != "CN" and talent.source == "introduced"
        checks.append(Check("引进的外籍人才", met,
                            f"国籍：{_label('nationality', talent)}，来源：{_label('source', talent)}"))
    return checks


_PHRASES = {"title_level": "具有{}职称", "education": "学历为{}", "programme_level": "入选{}",
            "category": "属于{}"}
_TITLES = {"title_level": "职称等级", "education": "学历", "programme_level": "入选人才计划",
           "category": "人才类别"}


def evaluate(talent, rules: dict) -> Eligibility:
    """The verdict for one talent: the highest tier met, and every check with its reason."""
    requirements = []
    if rules.get("require_active", True):
        requirements.append(Check("人才档案状态为在县工作", talent.status == "active",
                                  "在县工作" if talent.status == "active" else "已离开双牌"))
    if rules.get("require_in_county", True):
        requirements.append(Check("目前在双牌县内工作", bool(talent.works_in_county),
                                  "在县内工作" if talent.works_in_county else "不在县内工作"))
    verdicts = []
    for tier in rules["tiers"]:
        checks = _tier_checks(tier, talent)
        verdicts.append(TierVerdict(tier["code"], tier["name"], any(c.met for c in checks), checks))
    shared_ok = all(c.met for c in requirements)
    best = next((v for v in verdicts if v.met), None) if shared_ok else None
    return Eligibility(tier=best.code if best else None, tier_name=best.name if best else "",
                       requirements=requirements, tiers=verdicts)


def tier_name(rules: dict, code: str) -> str:
    return next((t["name"] for t in rules["tiers"] if t["code"] == code), code)


def tier_rank(rules: dict, code: str | None) -> int:
    """0 for the highest tier; larger is lower; no tier ranks last."""
    codes = [t["code"] for t in rules["tiers"]]
    return codes.index(code) if code in codes else len(codes)


def _tier_condition(tier: dict):
    parts = []
    for key, (column, _title, values) in LIST_CRITERIA.items():
        if tier.get(key):
            parts.append(getattr(Talent, column).in_(_criterion(key, tier[key], values)[0]))
    for combo in tier.get("combined") or []:
        parts.append(and_(*(getattr(Talent, column) == value for column, value in combo.items())))
    if tier.get("foreign_introduced"):
        parts.append(and_(Talent.nationality != "CN", Talent.source == "introduced"))
    return or_(*parts) if parts else false()


def eligible_condition(rules: dict):
    """SQL for "meets some tier and every shared requirement" — the same logic as :func:`evaluate`."""
    tiers = or_(*(_tier_condition(t) for t in rules["tiers"])) if rules["tiers"] else false()
    return and_(_shared_condition(rules), tiers)


def _shared_condition(rules: dict):
    shared = [Talent.status == "active"] if rules.get("require_active", True) else []
    if rules.get("require_in_county", True):
        shared.append(Talent.works_in_county.is_(True))
    return and_(true(), *shared)


def tier_case(rules: dict):
    """SQL for the tier :func:`evaluate` gives (``NULL``: none): the highest tier met, when every
    shared requirement is — for recomputing many talents without building their verdicts."""
    shared = _shared_condition(rules)
    whens = [(and_(shared, _tier_condition(t)), t["code"]) for t in rules["tiers"]]
    return case(*whens, else_=null()) if whens else null()


def validate_rules(rules: dict) -> list[str]:
    """Problems with a rule set an admin submitted; empty when it is usable."""
    problems = []
    codes = [t.get("code") for t in rules.get("tiers", [])]
    if not codes:
        problems.append("至少需要一个类别")
    if len(set(codes)) != len(codes):
        problems.append("类别代码不能重复")
    for tier in rules.get("tiers", []):
        if not (tier.get("name") or "").strip():
            problems.append(f"{tier.get('code')}类需要名称")
        has_any = any(tier.get(k) for k in LIST_CRITERIA) or tier.get("combined") \
            or tier.get("foreign_introduced")
        if not has_any:
            problems.append(f"{tier.get('code')}类至少需要一条条件")
        for key, (_column, title, values) in LIST_CRITERIA.items():
            bad = [v for v in tier.get(key) or [] if v not in values]
            if bad:
                problems.append(f"{tier.get('code')}类的{title}取值无效：{'、'.join(bad)}")
    return problems
