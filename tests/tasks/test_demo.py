"""The task-plan part of the demo, placed relative to today: tried on several days."""
from datetime import date

import pytest
from sqlalchemy import select

from talent.core.features import DemoContext
from talent.extensions import db
from talent.tasks import operations
from talent.tasks.demo import load
from talent.tasks.models import ProgressReport, TaskPlan
from tests.factories import UserFactory
from tests.tasks.conftest import unit_id


@pytest.mark.parametrize("day", [date(2026, 12, 5), date(2027, 1, 20), date(2028, 7, 31)])
def test_demo_closes_the_2023_plan_and_runs_this_years(app, frozen, day):
    frozen(day)
    ctx = DemoContext(rng=None, accounts={"admin": UserFactory(role="admin"),
                                          "kgxj": UserFactory(role="unit", unit_id=unit_id("县科工信局"))})
    load(ctx)
    plans = {p.name: p for p in db.session.scalars(select(TaskPlan))}
    seed = plans["双牌县打好科技创新攻坚仗工作方案"]
    assert seed.status == "closed" and "三年方案期内" in seed.final_evaluation
    outcomes = {item.code: item.outcome for item in seed.items}
    assert outcomes["3.2"] == "done" and outcomes["1.1"] == "missed"
    current = plans[f"双牌县打好科技创新攻坚仗工作方案（{day.year}年）"]
    assert (current.starts_on, current.ends_on, current.status) == (
        date(day.year, 1, 1), date(day.year, 12, 31), "active")
    assert current.copied_from_id == seed.id
    periods = set(db.session.scalars(select(ProgressReport.period).join(ProgressReport.item).where(
        ProgressReport.item_id.in_([i.id for i in current.items]))))
    months_so_far = day.month - 1
    assert len(periods) == months_so_far
    assert all(p.startswith(str(day.year)) for p in periods)
    if months_so_far:
        judge = operations.evaluator(operations.load_plan(current.id))
        assert judge.item(next(i for i in current.items if i.code == "2.1")).light != "red"
        growth = next(i for i in current.indicators if i.name == "全社会研发经费投入增长")
        assert growth.actual == 5650.0  # 县统计局, named on the growth rates, reported it
        office = next(d for d in operations.reporting_discipline(current, day) if d.unit.name == "县科工信局")
        assert office.on_time > 0 and office.late == 0  # demo reports arrive by the 5th, not at load time
