"""考核 by published rules: each selection round holds its scoring rules as data, versioned.

Points, from a commissioner's confirmed logs of the year:
  distinct service days × ``per_day`` (at most ``max_day_points``)
  + training sessions × ``per_training`` + trainees × ``per_trainee`` (at most ``max_training_points``)
  + distinct technologies × ``per_technology`` (at most ``max_technology_points``)
  + projects won × ``per_project`` (at most ``max_project_points``)
  + ``rating_weight`` × (average target rating − 3), when rated.
Suggested grade: 不合格 below ``min_days`` service days whatever the points, else the highest
threshold reached (``excellent`` ≥ ``pass`` ≥ ``basic_pass`` points), else 不合格.
A round without rules of its own is assessed by ``DEFAULT_RULES`` (version 0).
"""
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from talent.commissioners.assessment_models import ScoringRules
from talent.commissioners.models import SelectionRound
from talent.commissioners.operations.base import RuleBroken
from talent.core import audit
from talent.extensions import db

# (key, label, upper bound): every rule is a number ≥ 0 and at most the bound.
RULE_FIELDS = (
    ("per_day", "每个服务日积分", 100), ("max_day_points", "服务日积分上限", 1000),
    ("per_training", "每次培训授课积分", 100), ("per_trainee", "每名培训人员积分", 10),
    ("max_training_points", "培训积分上限", 1000),
    ("per_technology", "每项推广技术积分", 100), ("max_technology_points", "推广技术积分上限", 1000),
    ("per_project", "每个科技项目积分", 100), ("max_project_points", "科技项目积分上限", 1000),
    ("min_days", "最少服务天数", 366), ("rating_weight", "服务对象评价权重", 100),
    ("excellent", "优秀线（积分）", 10000), ("pass", "合格线（积分）", 10000),
    ("basic_pass", "基本合格线（积分）", 10000),
)
RULE_LABELS = dict((key, label) for key, label, _bound in RULE_FIELDS)
# 广西's 1 service day = 0.6 points, with caps and thresholds a county may change.
DEFAULT_RULES = {
    "per_day": 0.6, "max_day_points": 60, "per_training": 1, "per_trainee": 0.02,
    "max_training_points": 20, "per_technology": 2, "max_technology_points": 10,
    "per_project": 5, "max_project_points": 10, "min_days": 30, "rating_weight": 2,
    "excellent": 60, "pass": 40, "basic_pass": 30,
}


@dataclass(frozen=True)
class RulesInForce:
    """The rules a row was (or is) scored by: the stored version, or the defaults (id None)."""

    id: int | None
    version: int
    rules: Mapping

    @property
    def label(self) -> str:
        return f"第 {self.version} 版" if self.id else "默认规则（第 0 版）"


DEFAULT = RulesInForce(None, 0, DEFAULT_RULES)


def clean_rules(data) -> dict:
    """The rules from a form or JSON: every key, each a number in bounds, thresholds in order."""
    if not isinstance(data, Mapping):
        raise RuleBroken("积分规则应为对象", fields={"scoring_rules": ["积分规则应为对象"]})
    rules, errors = {}, {}
    for key, label, bound in RULE_FIELDS:
        value = data.get(key, DEFAULT_RULES[key])
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value \
                or not 0 <= value <= bound:
            errors[key] = [f"{label}应为 0 至 {bound} 之间的数"]
            continue
        rules[key] = round(float(value), 4) if isinstance(value, float) else value
    if not errors and not rules["excellent"] >= rules["pass"] >= rules["basic_pass"]:
        errors["excellent"] = ["应满足：优秀线 ≥ 合格线 ≥ 基本合格线"]
    if errors:
        raise RuleBroken("积分规则有误：" + "；".join(m for ms in errors.values() for m in ms),
                         fields=errors)
    return rules


def rules_of_round(round_id: int | None) -> RulesInForce:
    if round_id is None:
        return DEFAULT
    latest = db.session.scalar(select(ScoringRules).where(ScoringRules.round_id == round_id)
                               .order_by(ScoringRules.version.desc()).limit(1))
    return RulesInForce(latest.id, latest.version, latest.rules) if latest else DEFAULT


def rules_history(round_id: int) -> list[ScoringRules]:
    return list(db.session.scalars(select(ScoringRules).where(ScoringRules.round_id == round_id)
                                   .order_by(ScoringRules.version.desc())))


def set_rules(actor, selection_round: SelectionRound, data) -> ScoringRules | None:
    """Publish rules for a round: a new version when they differ from the ones in force (None
    when nothing changed). Assessments already graded keep the version they were graded by."""
    rules = clean_rules(data)
    current = rules_of_round(selection_round.id)
    if current.id is not None and dict(current.rules) == rules:
        return None
    version = ScoringRules(round_id=selection_round.id, version=current.version + 1, rules=rules,
                           created_by_id=getattr(actor, "id", None))
    db.session.add(version)
    db.session.flush()
    changes = {key: [current.rules.get(key), value] for key, value in rules.items()
               if current.rules.get(key) != value}
    audit.record(actor, "update", selection_round, {"scoring_rules_version": [current.version,
                                                                                version.version],
                                                     **changes},
                 summary=f"{selection_round.name} 积分规则第 {version.version} 版")
    return version


def points(figures, rules: Mapping) -> float:
    day = min(figures.days * rules["per_day"], rules["max_day_points"])
    training = min(figures.trainings * rules["per_training"] + figures.trained * rules["per_trainee"],
                   rules["max_training_points"])
    technology = min(figures.technology_count * rules["per_technology"],
                     rules["max_technology_points"])
    project = min(figures.projects * rules["per_project"], rules["max_project_points"])
    rating = rules["rating_weight"] * (figures.rating_average - 3) if figures.rating_count else 0
    return round(day + training + technology + project + rating, 2)


def suggested_grade(figures, total: float, rules: Mapping) -> str:
    if figures.days < rules["min_days"]:
        return "fail"
    for grade in ("excellent", "pass", "basic_pass"):
        if total >= rules[grade]:
            return grade
    return "fail"


def score(figures, rules: Mapping) -> tuple[float, str]:
    total = points(figures, rules)
    return total, suggested_grade(figures, total, rules)
