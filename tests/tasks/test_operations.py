"""Reports, confirmation, reminders, 督办单 and plan copies, through the operations."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.notifications.models import Notification
from talent.tasks import operations
from talent.tasks.models import IndicatorFigure, TaskIndicator, TaskItem, TaskPlan
from talent.tasks.operations import NotYourItem, TaskRefused


def _notes(user) -> list[str]:
    return list(db.session.scalars(select(Notification.title).where(Notification.user_id == user.id)))


def test_responsible_unit_reports_and_lead_confirms(items, staff, frozen):
    frozen(date(2023, 7, 3))
    clerk, lead = staff("县林业局"), staff("县科工信局")
    item = items["2.1"]
    contract = next(i for i in item.indicators if i.name == "技术合同交易额")
    report = operations.submit_report(clerk, item, clerk.unit, "2023-06", "组织技术合同登记培训",
                                      {contract.id: 0.8}, "企业登记意愿不强")
    assert (report.status, item.status) == ("submitted", "in_progress")
    assert any("县林业局 报送了 2.1" in t for t in _notes(lead))
    with pytest.raises(NotYourItem):
        operations.review_report(clerk, report, True)  # a responsible unit does not confirm
    operations.review_report(lead, report, True)
    assert report.status == "confirmed"
    # 技术合同交易额 is one county figure (single): 县林业局's part is a contribution, not the total
    assert (contract.actual, contract.actual_period) == (None, None)
    assert [(c.unit.name, c.value, c.status) for c in operations.contributions(contract)] == [
        ("县林业局", 0.8, "confirmed")]
    actions = list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "task_reports", AuditEntry.object_id == report.id)))
    assert actions == ["create", "confirm"]
    with pytest.raises(TaskRefused):
        operations.submit_report(clerk, item, clerk.unit, "2023-06", "改", {})  # confirmed: closed


def test_return_needs_a_comment_and_allows_refiling(items, staff, frozen):
    frozen(date(2023, 7, 3))
    clerk, lead = staff("县林业局"), staff("县科工信局")
    item = items["1.1"]
    report = operations.submit_report(clerk, item, clerk.unit, "2023-06", "选址", {})
    with pytest.raises(TaskRefused) as refused:
        operations.review_report(lead, report, False, "  ")
    assert refused.value.status == 422
    operations.review_report(lead, report, False, "请补充集聚区用地进展")
    assert report.status == "returned" and any("被退回" in t for t in _notes(clerk))
    again = operations.submit_report(clerk, item, clerk.unit, "2023-06", "选址及用地报批", {})
    assert again.id == report.id and again.status == "submitted" and again.review_comment == ""
    with pytest.raises(TaskRefused):
        operations.review_report(lead, report, True, version=report.version - 1)  # stale page


def test_only_the_items_units_report(items, staff, frozen):
    frozen(date(2023, 7, 3))
    housing = staff("县住建局")
    with pytest.raises(NotYourItem):
        operations.submit_report(housing, items["1.1"], housing.unit, "2023-06", "x", {})
    assert operations.reporting_units(housing, items["1.1"]) == []


@pytest.mark.parametrize(("period", "message"), [
    ("2023-13", "YYYY-MM"), ("23-06", "YYYY-MM"), ("2023-08", "未来"),
    ("2022-12", "不在双牌县打好科技创新攻坚仗工作方案的实施期内（2023-01-01 至 2025-12-31）")])
def test_periods_are_checked(items, staff, frozen, period, message):
    frozen(date(2023, 7, 3))
    clerk = staff("县林业局")
    with pytest.raises(TaskRefused) as refused:
        operations.submit_report(clerk, items["1.1"], clerk.unit, period, "x", {})
    assert message in refused.value.message and refused.value.status == 422


def test_foreign_or_computed_indicator_values_are_refused(items, staff, frozen):
    frozen(date(2023, 7, 3))
    clerk = staff("县科工信局")
    foreign = next(i for i in items["4.1"].indicators if i.name == "引进外国人才")
    other = items["2.1"].indicators[0]
    for bad in ({foreign.id: 3}, {other.id: 1}):
        with pytest.raises(TaskRefused):
            operations.submit_report(clerk, items["4.1"], clerk.unit, "2023-06", "x", bad)


def test_sum_indicator_counts_each_units_part_once(items, staff, frozen):
    """科技型中小企业 is counted unit by unit (aggregation sum): the county figure is the sum of each
    unit's latest confirmed figure, and one unit's later report changes only its own part."""
    frozen(date(2023, 8, 3))
    lead, colleague, forestry = staff("县科工信局"), staff("县科工信局"), staff("县林业局")
    item = items["2.1"]
    firms = next(i for i in item.indicators if "科技型中小企业" in i.name)
    assert firms.aggregation == "sum"
    own = operations.submit_report(lead, item, lead.unit, "2023-06", "入库", {firms.id: 33})
    operations.review_report(colleague, own, True)  # the office's own report: another office account
    part = operations.submit_report(forestry, item, forestry.unit, "2023-06", "林业企业", {firms.id: 2})
    operations.review_report(lead, part, True)
    assert firms.actual == 35  # 33 + 2, not overwritten by 县林业局's 2
    later = operations.submit_report(forestry, item, forestry.unit, "2023-07", "林业企业", {firms.id: 4})
    operations.review_report(lead, later, True)
    assert (firms.actual, firms.actual_period) == (37, "2023-07")  # 33 + 4
    figures = sorted((f.unit.name, f.period, f.value) for f in db.session.scalars(
        select(IndicatorFigure).where(IndicatorFigure.indicator_id == firms.id)))
    assert figures == [("县林业局", "2023-06", 2), ("县林业局", "2023-07", 4), ("县科工信局", "2023-06", 33)]
    shares = {c.unit.name: c.value for c in operations.contributions(firms)}
    assert shares == {"县科工信局": 33, "县林业局": 4}


def test_single_indicator_is_not_overwritten_by_a_responsible_unit(items, staff, frozen):
    """技术合同交易额 has one official figure (lead unit or office): 县林业局's partial figure is
    shown as a contribution but does not replace it."""
    frozen(date(2023, 8, 3))
    lead, colleague, forestry = staff("县科工信局"), staff("县科工信局"), staff("县林业局")
    item = items["2.1"]
    contract = next(i for i in item.indicators if i.name == "技术合同交易额")
    assert contract.aggregation == "single"
    own = operations.submit_report(lead, item, lead.unit, "2023-06", "全县", {contract.id: 1.4})
    operations.review_report(colleague, own, True)
    part = operations.submit_report(forestry, item, forestry.unit, "2023-07", "林业", {contract.id: 0.15})
    operations.review_report(lead, part, True)
    assert contract.actual == 1.4
    assert {c.unit.name: c.value for c in operations.contributions(contract)} == {
        "县科工信局": 1.4, "县林业局": 0.15}


def test_reminders_once_per_unit_item_and_month(plan, items, staff, frozen):
    frozen(date(2023, 7, 3))
    forestry, kgxj = staff("县林业局"), staff("县科工信局")
    operations.submit_report(kgxj, items["1.1"], kgxj.unit, "2023-06", "x", {})
    missing = {m.unit.name: [i.code for i in m.items] for m in operations.missing_reports(plan, "2023-06")}
    assert "1.1" not in missing["县科工信局"] and "1.2" in missing["县科工信局"]
    assert missing["县林业局"] == ["1.1", "2.1", "2.2"]
    assert missing["泷泊镇"] == ["4.1", "4.2", "4.3"] and "各乡镇(管理局)" not in missing
    sent = operations.send_reminders(plan)
    assert sent > 0
    assert sorted(t for t in _notes(forestry)) == sorted(
        f"请报送 {c} {items[c].title} 2023-06 工作进度" for c in ("1.1", "2.1", "2.2"))
    assert operations.send_reminders(plan) == 0  # idempotent
    frozen(date(2023, 1, 10))
    assert operations.send_reminders(plan) == 0  # nothing owed before the plan's first month


def test_directive_issue_reply_and_overdue(items, staff, frozen):
    frozen(date(2023, 7, 3))
    office, bank, forestry = staff("县科工信局"), staff("人民银行双牌支行"), staff("县林业局")
    item = items["2.3"]
    with pytest.raises(NotYourItem):
        operations.issue_directive(forestry, item, item.lead_units[0], "x", date(2023, 7, 10))
    with pytest.raises(TaskRefused):  # only to a unit of the item
        operations.issue_directive(office, item, staff("县住建局").unit, "x", date(2023, 7, 10))
    with pytest.raises(TaskRefused):
        operations.issue_directive(office, item, item.lead_units[0], "x", date(2023, 7, 1))
    directive = operations.issue_directive(office, item, item.lead_units[0],
                                           "纯信用贷款进度滞后，请说明", date(2023, 7, 10))
    assert any("督办〔2023〕1号" in t and "2.3" in t for t in _notes(bank))
    assert not directive.overdue(date(2023, 7, 10)) and directive.overdue(date(2023, 7, 11))
    with pytest.raises(NotYourItem):
        operations.reply_directive(forestry, directive, "无关单位")
    operations.acknowledge_directive(bank, directive)
    operations.reply_directive(bank, directive, "已召开银企对接会，7月底前投放")
    assert directive.status == "replied" and not directive.overdue(date(2023, 8, 1))
    with pytest.raises(TaskRefused):
        operations.reply_directive(bank, directive, "再次回复")
    operations.close_directive(office, directive)
    assert directive.status == "closed"


def test_org_account_acts_for_the_organisation_department(items, make_user, frozen):
    frozen(date(2023, 7, 3))
    org = make_user("org")
    assert [u.name for u in operations.reporting_units(org, items["4.1"])] == ["县委组织部"]
    assert operations.is_lead(org, items["4.1"]) and not operations.is_lead(org, items["3.1"])
    assert operations.reporting_units(org, items["1.1"]) == []


def test_copy_plan_with_new_deadlines(plan, staff, make_user):
    office = staff("县科工信局")
    with pytest.raises(NotYourItem):
        operations.copy_plan(staff("县林业局"), plan, "2024年方案", 2024)
    copy = operations.copy_plan(office, plan, "双牌县打好科技创新攻坚仗工作方案（2024年）", 2024)
    assert copy.year == 2024 and copy.copied_from_id == plan.id
    new_items = db.session.scalars(select(TaskItem).join(TaskItem.action).where(
        TaskItem.action.has(plan_id=copy.id))).all()
    assert len(new_items) == 11
    deadlines = {i.code: i.deadline for i in new_items}
    assert deadlines["1.1"] == date(2026, 12, 31) and deadlines["4.3"] == date(2024, 12, 31)
    assert [u.name for u in next(i for i in new_items if i.code == "4.1").lead_units] == [
        "县委组织部", "县科工信局"]
    count = db.session.scalar(select(func.count()).select_from(TaskIndicator).where(
        TaskIndicator.plan_id == copy.id))
    assert count == len(plan.indicators)
    growth = db.session.scalar(select(TaskIndicator).where(
        TaskIndicator.plan_id == copy.id, TaskIndicator.baseline_year.is_not(None)))
    assert growth.baseline_year == 2023
    with pytest.raises(TaskRefused):
        operations.copy_plan(office, plan, copy.name, 2024)
    assert db.session.scalar(select(func.count()).select_from(TaskPlan)) == 2


def test_reporting_discipline_ranks_units(plan, items, staff, frozen):
    frozen(date(2023, 3, 3))
    lead = staff("县科工信局")
    january = operations.submit_report(lead, items["2.1"], lead.unit, "2023-01", "x", {})
    february = operations.submit_report(lead, items["2.1"], lead.unit, "2023-02", "x", {})
    january.submitted_at = datetime(2023, 2, 3, 2)  # by the 5th of the next month: on time
    february.submitted_at = datetime(2023, 3, 8, 2)  # late
    ranking = operations.reporting_discipline(plan)
    kgxj = next(d for d in ranking if d.unit.name == "县科工信局")
    forestry = next(d for d in ranking if d.unit.name == "县林业局")
    assert (kgxj.owed, kgxj.on_time, kgxj.late) == (2 * 11, 1, 1)  # 县科工信局 is on 11 items
    assert forestry.on_time == 0 and forestry.missing == forestry.owed == 2 * 3
    assert ranking.index(kgxj) < ranking.index(forestry)


def test_daily_sweep_command_is_idempotent(runner, items, staff, frozen):
    frozen(date(2023, 7, 3))
    forestry = staff("县林业局")
    db.session.commit()
    first = runner.invoke(args=["sweep"])
    assert first.exit_code == 0 and "催报提醒" in first.output
    assert len(_notes(forestry)) == 3
    second = runner.invoke(args=["sweep"])
    assert "催报提醒 0，灯色变化 0" in second.output
    assert len(_notes(forestry)) == 3
