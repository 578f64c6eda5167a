"""Every default rule of DESIGN.md, the highest-tier choice, and SQL agreeing with Python."""
import itertools

import pytest
from sqlalchemy import select

from talent.cards.rules import DEFAULT_RULES, eligible_condition, evaluate, tier_case, validate_rules
from talent.extensions import db
from talent.registry.models import Talent
from tests.factories import TalentFactory

BASE = {"programme_level": "none", "title_level": "none", "education": "bachelor", "category": "none",
        "nationality": "CN", "source": "local", "status": "active", "works_in_county": True}


def talent(**overrides):
    return Talent(**{**BASE, **overrides})


@pytest.mark.parametrize(("overrides", "tier"), [
    ({"programme_level": "academician"}, "A"),
    ({"programme_level": "national"}, "A"),
    ({"title_level": "senior", "education": "doctorate"}, "A"),
    ({"programme_level": "provincial"}, "B"),
    ({"title_level": "senior"}, "B"),
    ({"education": "doctorate"}, "B"),
    ({"category": "leading"}, "B"),
    ({"programme_level": "municipal"}, "C"),
    ({"title_level": "vice_senior"}, "C"),
    ({"education": "master"}, "C"),
    ({"category": "young"}, "C"),
    ({"category": "engineer"}, "C"),
    ({"category": "craftsman"}, "C"),
    ({"category": "innovator"}, "C"),
    ({"nationality": "DE", "source": "introduced"}, "C"),
    ({}, None),
    ({"title_level": "intermediate", "education": "college"}, None),
    ({"nationality": "DE", "source": "local"}, None),  # foreign but not introduced
    ({"nationality": "CN", "source": "introduced"}, None),  # introduced but not foreign
])
def test_default_tiers(overrides, tier):
    assert evaluate(talent(**overrides), DEFAULT_RULES).tier == tier


def test_highest_tier_wins_when_several_fit():
    verdict = evaluate(talent(programme_level="national", education="master", category="leading"),
                       DEFAULT_RULES)
    assert verdict.tier == "A"
    assert [t.met for t in verdict.tiers] == [True, True, True]


@pytest.mark.parametrize("overrides", [{"status": "left"}, {"works_in_county": False}])
def test_shared_requirements_block_every_tier(overrides):
    verdict = evaluate(talent(programme_level="academician", **overrides), DEFAULT_RULES)
    assert verdict.tier is None
    assert verdict.tiers[0].met  # the tier itself is met; the shared requirement is not
    assert verdict.unmet_requirements
    assert "暂不符合" in verdict.summary()


def test_explanations_are_plain_chinese():
    verdict = evaluate(talent(title_level="vice_senior"), DEFAULT_RULES)
    c_checks = {c.text: c for c in verdict.tiers[2].checks}
    assert c_checks["职称等级为副高级"].met
    assert c_checks["职称等级为副高级"].detail == "职称等级：副高级"
    a_combo = next(c for c in verdict.tiers[0].checks if "且" in c.text)
    assert a_combo.text == "具有正高级职称且学历为博士研究生" and not a_combo.met
    assert verdict.as_dict()["tier"] == "C"


def test_sql_condition_and_tier_agree_with_evaluate(app):
    values = {"programme_level": ["national", "provincial", "none"], "title_level": ["senior", "none"],
              "education": ["doctorate", "master", "bachelor"], "category": ["leading", "none"],
              "nationality": ["CN", "US"], "source": ["introduced", "local"],
              "status": ["active", "left"], "works_in_county": [True, False]}
    keys = list(values)
    for index, combo in enumerate(itertools.product(*values.values())):
        fields = dict(zip(keys, combo, strict=True))
        if fields["nationality"] != "CN":
            TalentFactory(**fields, id_type="passport", id_number=f"P{index:07d}", gender="male")
        else:
            TalentFactory(**fields)
    db.session.flush()
    chosen = set(db.session.scalars(select(Talent.id).where(eligible_condition(DEFAULT_RULES))))
    expected = {t.id for t in db.session.scalars(select(Talent)) if evaluate(t, DEFAULT_RULES).eligible}
    assert len(expected) > 50
    assert chosen == expected
    # and the tier the worker's batches compute in SQL is the one evaluate gives
    tiers = dict(db.session.execute(select(Talent.id, tier_case(DEFAULT_RULES))).all())
    assert tiers == {t.id: evaluate(t, DEFAULT_RULES).tier for t in db.session.scalars(select(Talent))}


def test_rule_validation():
    assert validate_rules(DEFAULT_RULES) == []
    assert "至少需要一个类别" in validate_rules({"tiers": []})
    bad = {"tiers": [{"code": "A", "name": "", "educations": ["phd"]}]}
    problems = validate_rules(bad)
    assert any("需要名称" in p for p in problems)
    assert any("取值无效" in p for p in problems)


def test_ineligible_summary_states_the_facts_not_the_rules():
    verdict = evaluate(talent(status="left"), DEFAULT_RULES)
    assert verdict.summary() == "暂不符合：已离开双牌"
    assert not verdict.requirements_met
    outside = evaluate(talent(works_in_county=False), DEFAULT_RULES)
    assert outside.summary() == "暂不符合：不在县内工作"


def test_staff_page_speaks_of_the_person_and_tiers_read_not_applicable(client, auth):
    from talent.extensions import db
    from tests.factories import TalentFactory

    auth.login_as("org")
    person = TalentFactory(programme_level="national", status="left")
    db.session.commit()
    page = client.get(f"/cards/talents/{person.id}").get_data(as_text=True)
    assert "您的" not in page and "暂不符合：已离开双牌" in page
    assert "不适用（基本条件未满足）" in page


def test_an_education_criterion_means_that_degree_or_higher(app):
    from talent.cards.rules import DEFAULT_RULES, eligible_condition, evaluate
    from talent.extensions import db
    from talent.registry.models import Talent
    from tests.factories import TalentFactory

    doctor = TalentFactory(education="doctorate", title_level="none", category="none")
    bachelor = TalentFactory(education="bachelor", title_level="none", category="none")
    c_tier = next(t for t in evaluate(doctor, DEFAULT_RULES).tiers if t.code == "C")
    education = next(c for c in c_tier.checks if c.text.startswith("学历"))
    assert education.text == "学历为硕士研究生及以上" and education.met
    bachelor_c = next(t for t in evaluate(bachelor, DEFAULT_RULES).tiers if t.code == "C")
    assert not next(c for c in bachelor_c.checks if c.text.startswith("学历")).met
    b_tier = next(t for t in evaluate(doctor, DEFAULT_RULES).tiers if t.code == "B")
    assert any(c.text == "学历为博士研究生" for c in b_tier.checks)  # the top degree: no 及以上
    rules = {**DEFAULT_RULES, "tiers": [{"code": "C", "name": "C类", "educations": ["master"]}]}
    matched = set(db.session.scalars(db.select(Talent.id).where(eligible_condition(rules))))
    assert doctor.id in matched and bachelor.id not in matched
