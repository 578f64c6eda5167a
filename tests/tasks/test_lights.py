"""The light rule on the seed plan, with the county's day frozen at several dates."""
from datetime import date

from sqlalchemy import select

from talent.extensions import db
from talent.tasks import operations
from talent.tasks.lights import elapsed_share, last_complete_period, periods_between
from talent.tasks.models import LightChange
from tests.factories import TalentFactory, TeamFactory, UserFactory


def _report(items, code, unit_name, period, values=None, confirm=True, admin=None):
    item = items[code]
    unit = next(u for u in item.all_units if u.name == unit_name)
    report = operations.submit_report(admin, item, unit, period, "进展", values or {})
    if confirm:  # four eyes: another account confirms
        operations.review_report(_second_admin(), report, True, on=date.fromisoformat(period + "-28"))
    return report


def _second_admin():
    return UserFactory(role="admin")


def _indicator(item, words):
    return next(i for i in item.indicators if words in i.name)


def test_periods_and_elapsed_share():
    assert last_complete_period(date(2023, 1, 5)) == "2022-12"
    assert last_complete_period(date(2023, 7, 31)) == "2023-06"
    assert periods_between("2022-11", "2023-02") == ("2022-11", "2022-12", "2023-01", "2023-02")
    assert elapsed_share(date(2023, 1, 1), date(2023, 12, 31), date(2023, 7, 2)) == 182 / 364
    assert elapsed_share(date(2023, 1, 1), date(2023, 12, 31), date(2022, 5, 1)) == 0.0
    assert elapsed_share(date(2023, 1, 1), date(2023, 12, 31), date(2024, 5, 1)) == 1.0


def test_today_every_seed_item_is_overdue(plan, frozen):
    frozen(date(2026, 11, 26))
    judge = operations.evaluator(plan)
    verdicts = {item.code: judge.item(item) for item in plan.items}
    assert {v.light for v in verdicts.values()} == {"red"}
    assert "逾期：完成时限 2025-12-31" in verdicts["1.1"].reason
    assert "逾期：完成时限 2023-12-31" in verdicts["4.3"].reason


def test_first_month_is_green_then_missing_report_is_red(plan, items, frozen):
    frozen(date(2023, 1, 20))  # the month before the plan started is not owed
    judge = operations.evaluator(plan)
    assert judge.item(items["2.1"]).light == "green"
    frozen(date(2023, 3, 10))
    verdict = operations.evaluator(plan).item(items["2.1"])
    assert (verdict.light, verdict.reason) == ("red", "2023-02 未报送进度")


def test_behind_time_share_is_yellow_and_catching_up_is_green(plan, items, frozen, make_user):
    admin = make_user("admin")
    frozen(date(2023, 7, 3))
    item = items["2.1"]
    figures = {i.id: 0.0 for i in item.indicators}
    _report(items, "2.1", "县科工信局", "2023-06", figures, admin=admin)
    verdict = operations.evaluator(plan).item(item)
    assert verdict.light == "yellow" and "技术合同交易额" in verdict.reason
    contract = _indicator(item, "技术合同交易额")
    assert operations.evaluator(plan).indicator(contract).light == "yellow"
    # at half the year, 45% done is within the 10-point tolerance; 35% is not
    figures = {i.id: i.target * 0.45 for i in item.indicators}
    report = operations.submit_report(admin, item, item.lead_units[0], "2023-07", "进展", figures)
    operations.review_report(_second_admin(), report, True)
    judge = operations.evaluator(plan)
    assert judge.indicator(contract).light == "green"
    assert judge.item(item).light == "green"
    assert judge.indicator(contract).progress == 0.45


def test_tolerance_set_by_the_office_changes_the_verdict(plan, items, frozen, make_user):
    admin = make_user("admin")
    frozen(date(2023, 8, 2))
    item = items["2.3"]
    loans = _indicator(item, "投放贷款")
    report = operations.submit_report(admin, item, item.lead_units[0], "2023-07", "进展",
                                      {loans.id: 0.45})
    operations.review_report(_second_admin(), report, True)
    assert operations.evaluator(plan).indicator(loans).light == "yellow"  # 45% < 58% - 10
    operations.update_settings(admin, plan, 20, {})
    assert operations.evaluator(plan).indicator(loans).light == "green"  # 45% ≥ 58% - 20


def test_indicator_red_after_deadline_unless_met(plan, items, frozen, make_user):
    admin = make_user("admin")
    frozen(date(2024, 1, 15))
    item = items["2.3"]
    credit = _indicator(item, "纯信用贷款")
    ip = _indicator(item, "知识产权质押融资")
    report = operations.submit_report(admin, item, item.lead_units[0], "2023-12", "全年",
                                      {credit.id: 3200, ip.id: 900})
    operations.review_report(_second_admin(), report, True)
    judge = operations.evaluator(plan)
    assert judge.indicator(credit).light == "green"
    assert judge.indicator(ip).light == "red" and "未达目标" in judge.indicator(ip).reason


def test_computed_indicators_read_the_registry_or_say_not_connected(plan, items, frozen):
    frozen(date(2023, 6, 15))
    item = items["4.1"]
    foreign = _indicator(item, "外国人才")
    teams = _indicator(item, "人才团队")
    recommended = next(i for i in item.indicators if i.metric_key == "programmes.recommended")
    TalentFactory(nationality="DE", id_type="passport", id_number="C01X00001", source="introduced",
                  introduced_on=date(2023, 5, 1))
    TalentFactory(nationality="US", id_type="passport", id_number="C01X00002", source="introduced",
                  introduced_on=date(2022, 5, 1))  # another year
    TeamFactory(introduced_on=date(2023, 2, 1))
    judge = operations.evaluator(plan)
    figure = judge.figure(foreign)
    assert figure.connected and figure.value == 1 and "系统数据" in figure.source_note
    assert judge.indicator(foreign).light == "green"
    assert judge.figure(teams).value == 1
    assert judge.figure(recommended).connected  # the programmes feature is installed
    # A metric whose feature is not installed reads "not connected", and units type it instead.
    recommended.metric_key = "uninstalled.feature_metric"
    judge = operations.evaluator(plan)
    missing = judge.figure(recommended)
    assert not missing.connected and "数据来源未接入" in missing.source_note
    assert judge.indicator(recommended).light is None  # monitored, no target
    assert recommended in operations.reportable_indicators(item)
    assert foreign not in operations.reportable_indicators(item)


def test_growth_target_reads_the_baseline(plan, frozen, make_user):
    admin = make_user("admin")
    frozen(date(2023, 12, 20))
    rnd = next(i for i in plan.indicators if i.scope == "goal" and "研发经费" in i.name)
    judge = operations.evaluator(plan)
    assert judge.figure(rnd).value is None
    rnd.actual = 11_400.0
    operations.update_settings(admin, plan, plan.tolerance, {rnd.id: 10_000.0})
    judge = operations.evaluator(plan)
    assert round(judge.figure(rnd).value, 6) == 14.0
    assert judge.indicator(rnd).light == "green"  # 14% ≥ 13%


def test_light_changes_are_recorded_once_with_reasons(plan, items, frozen, make_user):
    admin = make_user("admin")
    frozen(date(2023, 3, 10))
    first = operations.refresh_lights(plan)
    assert first > 0
    assert operations.refresh_lights(plan) == 0  # nothing changed, nothing recorded
    item = items["1.1"]
    history = operations.light_history(item)
    assert [(h.light, h.reason) for h in history] == [("red", "2023-02 未报送进度")]
    frozen(date(2023, 3, 20))
    operations.submit_report(admin, item, item.responsible_units[0], "2023-02", "补报", {})
    operations.refresh_lights(plan)
    history = operations.light_history(item)
    assert [(h.on, h.previous, h.light) for h in history][-1] == (date(2023, 3, 20), "red", "green")
    assert history[-1].reason == "按序时进度推进"


def test_done_needs_evidence_and_the_office(plan, items, frozen, staff):
    frozen(date(2023, 11, 2))
    item = items["3.2"]
    lead = staff("县科工信局")
    operations.request_completion(lead, item, "双牌工作站已挂牌；两个省级平台已认定（附文件号）")
    assert item.status != "done"
    assert operations.evaluator(plan).item(item).light != "done"
    operations.accept_completion(lead, item, True)  # 县科工信局 is also the office
    assert item.status == "done"
    assert operations.evaluator(plan).item(item).light == "done"
    last = db.session.scalar(select(LightChange).where(LightChange.item_id == item.id)
                             .order_by(LightChange.id.desc()))
    assert last.light == "done" and "验收" in last.reason
    frozen(date(2026, 11, 26))
    assert operations.evaluator(plan).item(item).light == "done"  # never 逾期 once done
