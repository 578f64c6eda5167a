"""A plan through the years, from the work plan's text: 附件3-1 runs 2023-01-01 → 2025-12-31 (1.1–1.3
are due 2025年12月底前, the others 2023年12月底前); it closes with a final evaluation; a copy
for a new period proposes every deadline for review."""
from datetime import date

import pytest
from sqlalchemy import func, select

from talent.extensions import db
from talent.notifications.models import Notification
from talent.tasks import operations
from talent.tasks.lights import Evaluator
from talent.tasks.models import LightChange, TaskItem, TaskPlan
from talent.tasks.operations import TaskRefused
from tests.factories import TalentFactory


def test_seed_plan_runs_three_years_and_items_keep_their_deadlines(plan, items):
    assert (plan.starts_on, plan.ends_on, plan.status) == (date(2023, 1, 1), date(2025, 12, 31), "active")
    assert plan.years == [2023, 2024, 2025]
    assert {items[c].deadline for c in ("1.1", "1.2", "1.3")} == {date(2025, 12, 31)}
    assert {items[c].deadline for c in ("2.1", "3.2", "4.3")} == {date(2023, 12, 31)}


def test_api_plan_has_period_and_status(client, api_token, plan):
    body = client.get("/api/v1/plans", headers=api_token("org")).get_json()["items"][0]
    assert (body["starts_on"], body["ends_on"], body["status"]) == ("2023-01-01", "2025-12-31", "active")


def test_report_for_a_month_outside_the_plan_is_422_naming_its_dates(client, api_token, items, frozen):
    frozen(date(2026, 12, 5))
    headers = api_token("unit", unit_id=items["1.1"].lead_units[0].id)
    response = client.post(f"/api/v1/tasks/{items['1.1'].id}/reports", headers=headers,
                           json={"period": "2026-11", "narrative": "进展"})
    assert response.status_code == 422
    assert "2023-01-01 至 2025-12-31" in response.get_json()["error"]["message"]
    inside = client.post(f"/api/v1/tasks/{items['1.1'].id}/reports", headers=headers,
                         json={"period": "2025-12", "narrative": "收官"})
    assert inside.status_code == 201


@pytest.mark.parametrize(("day", "lights"), [
    # before the plan: nothing is owed yet
    (date(2022, 12, 20), {"1.1": "green", "2.1": "green"}),
    # during: 1.1 (due 2025) owes 2024-02's report; 2.1 (due 2023) is overdue
    (date(2024, 3, 10), {"1.1": "red", "2.1": "red"}),
    # after the period, still open: everything overdue
    (date(2026, 12, 5), {"1.1": "red", "2.1": "red"}),
])
def test_lights_before_during_and_after_the_period(plan, items, frozen, day, lights):
    frozen(day)
    judge = operations.evaluator(plan)
    assert {code: judge.item(items[code]).light for code in lights} == lights
    if day.year == 2024:
        assert judge.item(items["1.1"]).reason == "2024-02 未报送进度"


def test_after_the_period_no_report_is_owed_for_months_past_its_end(plan, items, staff, frozen):
    frozen(date(2026, 12, 5))
    forestry = staff("县林业局")
    assert operations.send_reminders(plan) == 0  # 2026-11 is not a month of the plan
    assert not db.session.scalars(select(Notification).where(Notification.user_id == forestry.id)).all()


def test_closing_gives_final_outcomes_and_drops_the_plan_from_current_work(
        client, auth, plan, items, staff, frozen):
    frozen(date(2026, 1, 10))
    office, bank = staff("县科工信局"), staff("人民银行双牌支行")
    items["3.2"].status = "done"
    items["3.2"].done_evidence = "双牌工作站挂牌运行（佐证：县科工信局2023年12月通报）"
    with pytest.raises(operations.NotYourItem):
        operations.close_plan(bank, plan, "评估")
    with pytest.raises(TaskRefused):
        operations.close_plan(office, plan, "  ")
    proposed = operations.proposed_outcomes(plan)
    assert proposed[items["3.2"].id][0] == "done" and proposed[items["1.1"].id][0] == "missed"
    operations.close_plan(office, plan, "三年方案总体完成，专精特新企业目标未达成",
                          {items["2.3"].id: ("done", "贷款投放 1.2 亿元，见人行统计")})
    db.session.commit()
    assert plan.status == "closed" and plan.final_evaluation.startswith("三年方案")
    judge = operations.evaluator(plan)
    assert judge.item(items["3.2"]).light == "done" and judge.item(items["2.3"]).light == "done"
    missed = judge.item(items["1.1"])
    assert missed.light == "missed" and "逾期" in missed.reason
    # history: no new light rows, no reminders, no reports
    before = db.session.scalar(select(func.count()).select_from(LightChange))
    frozen(date(2026, 3, 3))
    assert operations.sweep() == {"reminders": 0, "lights": 0, "escalations": 0}
    assert db.session.scalar(select(func.count()).select_from(LightChange)) == before
    with pytest.raises(TaskRefused) as refused:
        operations.submit_report(office, items["1.1"], office.unit, "2025-12", "补报", {})
    assert "已结束" in refused.value.message
    with pytest.raises(TaskRefused):
        operations.close_plan(office, plan, "再次结束")
    # the home page has no 报送 prompt for a closed plan's items
    auth.login_as("unit", unit_id=office.unit_id)
    home = client.get("/").get_data(as_text=True)
    assert "报送 2026-02" not in home
    page = client.get(f"/tasks/plans/{plan.id}").get_data(as_text=True)
    assert "已结束" in page and "三年方案总体完成" in page and "未完成" in page
    # history stays readable: the 调度 view and its exports of a closed plan
    for path in ("dashboard", "dashboard.json", "report.docx", "report.xlsx", "missing"):
        assert client.get(f"/tasks/plans/{plan.id}/{path}").status_code == 200, path
    missing = client.get(f"/tasks/plans/{plan.id}/missing").get_data(as_text=True)
    assert 'id="plan-closed"' in missing and "/remind" not in missing and 'id="missing-list"' not in missing
    item_page = client.get(f"/tasks/items/{items['3.2'].id}").get_data(as_text=True)
    assert 'data-light="done"' in item_page and "方案已结束" in item_page


def test_api_items_of_a_closed_plan_carry_done_or_missed(client, api_token, plan, items, staff, frozen):
    frozen(date(2026, 1, 10))
    operations.close_plan(staff("县科工信局"), plan, "总体评估")
    db.session.commit()
    body = client.get(f"/api/v1/tasks?plan_id={plan.id}&per_page=50", headers=api_token("org")).get_json()
    assert {t["light"] for t in body["items"]} == {"missed"}
    assert body["items"][0]["outcome"] == "missed" and body["items"][0]["outcome_note"]
    plans = client.get("/api/v1/plans", headers=api_token("org")).get_json()
    assert plans["items"][0]["status"] == "closed"


def test_computed_indicator_counts_per_year_of_the_plan(client, api_token, plan, items, frozen):
    """外国人才 introduced in 2024 counts for the 2024 column of the 2023–2025 plan (cumulative
    from the plan's start: the target ≥ 1人 is for the plan)."""
    frozen(date(2025, 3, 1))
    TalentFactory(nationality="DE", source="introduced", introduced_on=date(2024, 5, 6))
    db.session.commit()
    foreign = next(i for i in items["4.1"].indicators if i.name == "引进外国人才")
    assert foreign.cumulative
    by_year = {year: Evaluator(plan, date(2025, 3, 1), year=year).figure(foreign).value
               for year in plan.years}
    assert by_year == {2023: 0, 2024: 1, 2025: 1}
    assert operations.evaluator(plan).year == 2025  # the latest year of the period so far
    headers = api_token("org")
    assert client.get(f"/api/v1/indicators/{foreign.id}?year=2023", headers=headers).get_json()["actual"] == 0
    assert client.get(f"/api/v1/indicators/{foreign.id}?year=2024", headers=headers).get_json()["actual"] == 1
    outside = client.get(f"/api/v1/indicators/{foreign.id}?year=2026", headers=headers)
    assert outside.status_code == 422 and "2023–2025" in str(outside.get_json())
    cards = next(i for i in items["4.3"].indicators if "VIP卡" in i.name)
    assert not cards.cumulative  # a monitored yearly count


def test_copy_proposes_deadlines_never_past_the_new_end(plan, items, staff):
    office = staff("县科工信局")
    proposed = operations.proposed_deadlines(plan, date(2026, 1, 1), date(2026, 12, 31))
    # 1.1's 2025-12-31 moved by 2026 − 2023 = 3 years would be 2028-12-31: capped at the end
    assert proposed[items["1.1"].id] == date(2026, 12, 31)
    assert proposed[items["4.3"].id] == date(2026, 12, 31)
    with pytest.raises(TaskRefused) as refused:
        operations.copy_plan(office, plan, "2026年方案", 2026, date(2026, 1, 1), date(2026, 12, 31),
                             {items["2.1"].id: date(2027, 3, 31)})
    assert refused.value.status == 422 and "2.1" in refused.value.message
    copy = operations.copy_plan(office, plan, "双牌县打好科技创新攻坚仗工作方案（2026年）", 2026,
                                date(2026, 1, 1), date(2026, 12, 31), {items["2.1"].id: date(2026, 6, 30)})
    deadlines = {i.code: i.deadline for i in db.session.scalars(
        select(TaskItem).where(TaskItem.action.has(plan_id=copy.id)))}
    assert deadlines["2.1"] == date(2026, 6, 30) and deadlines["1.1"] == date(2026, 12, 31)
    assert (copy.starts_on, copy.ends_on, copy.status) == (date(2026, 1, 1), date(2026, 12, 31), "active")
    assert db.session.scalar(select(func.count()).select_from(TaskPlan)) == 2


def test_copy_page_shows_every_deadline_before_saving(client, auth, plan, items):
    auth.login_as("unit", unit_id=items["1.1"].lead_units[0].id)
    form = {"name": "双牌县打好科技创新攻坚仗工作方案（2026年）", "year": "2026",
            "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    review = client.post(f"/tasks/plans/{plan.id}/copy", data=form)
    page = review.get_data(as_text=True)
    assert review.status_code == 200 and "2025-12-31" in page and 'value="2026-12-31"' in page
    assert db.session.scalar(select(func.count()).select_from(TaskPlan)) == 1  # nothing saved yet
    deadlines = {f"deadline_{item.id}": "2026-12-31" for item in plan.items}
    deadlines[f"deadline_{items['4.3'].id}"] = "2026-09-30"
    saved = client.post(f"/tasks/plans/{plan.id}/copy", data={**form, **deadlines, "reviewed": "1"})
    assert saved.status_code == 302
    copy = db.session.scalar(select(TaskPlan).where(TaskPlan.id != plan.id))
    assert {i.code: i.deadline for i in copy.items}["4.3"] == date(2026, 9, 30)


def test_plan_page_shows_computed_figures_for_the_year_asked(client, auth, plan, items, frozen):
    frozen(date(2025, 3, 1))
    auth.login_as("org")
    for asked, chosen in (("2023", 2023), ("2024", 2024), ("", 2025), ("1999", 2025)):
        page = client.get(f"/tasks/plans/{plan.id}?year={asked}").get_data(as_text=True)
        assert f'fw-bold" href="/tasks/plans/{plan.id}?year={chosen}"' in page, asked
        assert f"系统数据指标按 {chosen} 年计" in page
    item_page = client.get(f"/tasks/items/{items['4.1'].id}").get_data(as_text=True)
    assert "引进外国人才" in item_page and "2023–2025 年累计" in item_page
