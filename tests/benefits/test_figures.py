"""待遇兑现统计 from maintained per-year counters: equal to the grouping over every redemption after
repeats, a year end, a correction and a deletion; rebuilt by ``flask rebuild-summaries``."""
from datetime import date

from talent.auth.units import unit_named
from talent.benefits import figures, operations
from talent.benefits.models import BenefitFigure, Redemption
from talent.cards import operations as cards
from talent.core.features import metric
from talent.extensions import db
from tests.factories import TalentFactory


def test_maintained_redemption_figures_equal_the_grouping(app, make_user, freeze_today, runner):
    freeze_today(date(2027, 1, 4))
    clerk = make_user("unit", unit=unit_named("县卫健局"))
    first, second = (cards.issue_card(None, TalentFactory(education="doctorate"), on=date(2026, 3, 1))
                     for _ in range(2))
    for card, day in ((first, date(2026, 5, 1)), (first, date(2026, 6, 1)), (second, date(2026, 12, 31)),
                      (first, date(2027, 1, 4)), (second, date(2027, 1, 4))):
        operations.redeem(clerk, card, "medical", day, repeat_reason="复诊")
    db.session.commit()
    assert operations.counts(2026) == [{"unit": "县卫健局", "kind": "医疗服务", "times": 3, "people": 2}]
    moved = db.session.scalar(db.select(Redemption).where(Redemption.redeemed_on == date(2026, 12, 31)))
    moved.unit_id = unit_named("县住建局").id  # a correction made around the operations
    repeat = db.session.scalar(db.select(Redemption).where(Redemption.redeemed_on == date(2026, 6, 1)))
    db.session.delete(repeat)
    db.session.commit()
    maintained = figures.counted()
    assert maintained == figures.grouped()
    for year in (2026, 2027, 2025):
        assert operations.counts(year) == operations.counts(year, grouped=True)
    assert {(r["unit"], r["times"], r["people"]) for r in operations.counts(2026)} == {
        ("县住建局", 1, 1), ("县卫健局", 1, 1)}
    assert metric("benefits.redemptions").compute(2027) == 2
    db.session.execute(BenefitFigure.__table__.update().values(times=9))
    db.session.commit()
    result = runner.invoke(args=["rebuild-summaries"])
    assert result.exit_code == 0 and "benefits.benefit_figures: 3" in result.output
    assert figures.counted() == maintained
