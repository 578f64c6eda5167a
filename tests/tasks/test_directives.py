"""Graded 督办 (三色督办) with the county's day frozen: to any unit of the item, every account of the
unit told, 签收 within one working day, escalation when the reply is late."""
from datetime import date

import pytest
from sqlalchemy import select

from talent.extensions import db
from talent.notifications.models import Notification
from talent.tasks import operations
from talent.tasks.operations import TaskRefused
from tests.factories import TEST_PASSWORD, UserFactory
from tests.tasks.conftest import unit_id


def _titles(user) -> list[str]:
    return list(db.session.scalars(select(Notification.title).where(Notification.user_id == user.id)))


def test_directive_to_a_responsible_unit_reaches_its_org_account(items, staff, frozen):
    """1.1 is led by the office itself; the lagging unit is a responsible one (县林业局) — and a
    督办单 to 县委组织部 (responsible on 2.2) reaches its org-role accounts too."""
    frozen(date(2026, 3, 2))  # a Monday
    office = staff("县科工信局")
    org = UserFactory(role="org", unit_id=unit_id("县委组织部"))
    other_org = UserFactory(role="org", unit_id=unit_id("县委组织部"))
    disabled = UserFactory(role="unit", unit_id=unit_id("县委组织部"), active=False)
    first = operations.issue_directive(office, items["1.1"], next(
        u for u in items["1.1"].responsible_units if u.name == "县林业局"), "竹木集聚区用地滞后",
        date(2026, 3, 13), "blue")
    second = operations.issue_directive(office, items["2.2"], next(
        u for u in items["2.2"].responsible_units if u.name == "县委组织部"), "人才项目申报滞后",
        date(2026, 3, 13), "red", "组织部人才办 李科长")
    assert (first.number, second.number) == ("督办〔2026〕1号", "督办〔2026〕2号")
    for account in (org, other_org):
        assert any(t.startswith("督办〔2026〕2号（红色督办（逾期））") for t in _titles(account))
    assert _titles(disabled) == []
    with pytest.raises(TaskRefused):
        operations.issue_directive(office, items["1.1"], org.unit, "x", date(2026, 3, 13), "purple")


def test_acknowledge_within_one_working_day_and_escalation_when_late(items, staff, frozen):
    frozen(date(2026, 4, 30))  # Thursday before the 5-1 holiday (chinesecalendar knows 2026)
    office, bank = staff("县科工信局"), staff("人民银行双牌支行")
    item = items["2.3"]
    directive = operations.issue_directive(office, item, item.lead_units[0], "知识产权质押融资滞后",
                                           date(2026, 5, 12), "blue")
    assert directive.acknowledge_by == date(2026, 5, 6)  # 5-1…5-5 is the holiday
    assert not directive.unacknowledged_late(date(2026, 5, 6))
    assert directive.unacknowledged_late(date(2026, 5, 7))
    with pytest.raises(TaskRefused):  # 签收 first, then reply
        operations.reply_directive(bank, directive, "答复")
    frozen(date(2026, 5, 13))
    assert operations.escalate_late_directives() == 1
    assert (directive.grade, directive.escalated_on) == ("yellow", date(2026, 5, 13))
    assert any("已升级为黄色督办" in t for t in _titles(bank))
    assert operations.escalate_late_directives() == 0  # once
    counts = operations.directive_counts([directive], date(2026, 5, 13))
    assert counts == {"open": 1, "unacknowledged": 1, "overdue": 1}
    operations.acknowledge_directive(bank, directive)
    with pytest.raises(TaskRefused):
        operations.acknowledge_directive(bank, directive)
    operations.reply_directive(bank, directive, "已组织银企对接会")
    assert operations.directive_counts([directive], date(2026, 5, 13)) == {
        "open": 0, "unacknowledged": 0, "overdue": 0}


def test_directives_through_the_api(client, items, staff, frozen):
    frozen(date(2026, 3, 2))
    office, forestry = staff("县科工信局"), staff("县林业局")
    db.session.commit()

    def token(user):
        body = client.post("/api/v1/auth/token", json={"username": user.username, "password": TEST_PASSWORD})
        return {"Authorization": f"Bearer {body.get_json()['token']}"}

    item = items["1.1"]
    created = client.post(f"/api/v1/tasks/{item.id}/directives", headers=token(office), json={
        "unit_id": unit_id("县林业局"), "grade": "yellow", "request": "请说明集聚区进度",
        "reply_by": "2026-03-10", "responsible_person": "邓竹青"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["number"] == "督办〔2026〕1号" and body["acknowledge_by"] == "2026-03-03"
    assert client.post(f"/api/v1/tasks/{item.id}/directives", headers=token(forestry), json={
        "unit_id": unit_id("县林业局"), "grade": "yellow", "request": "x", "reply_by": "2026-03-10"}
    ).status_code == 403
    bad = client.post(f"/api/v1/tasks/{item.id}/directives", headers=token(office), json={
        "unit_id": unit_id("县住建局"), "grade": "yellow", "request": "x", "reply_by": "2026-03-10"})
    assert bad.status_code == 422
    assert client.post(f"/api/v1/directives/{body['id']}/receipt", headers=token(office)).status_code == 403
    headers = token(forestry)
    early = client.post(f"/api/v1/directives/{body['id']}/reply", headers=headers, json={"text": "答复"})
    assert early.status_code == 409
    receipt = client.post(f"/api/v1/directives/{body['id']}/receipt", headers=headers)
    assert receipt.status_code == 200 and receipt.get_json()["acknowledged_at"]
    reply = client.post(f"/api/v1/directives/{body['id']}/reply", headers=headers,
                        json={"text": "已完成选址论证"})
    assert reply.status_code == 200 and reply.get_json()["status"] == "replied"


def test_reminders_three_working_days_before_an_items_deadline(plan, items, staff, frozen):
    forestry = staff("县林业局")
    frozen(date(2025, 12, 23))  # Tuesday: 12-31 is 6 working days away
    assert operations.send_deadline_reminders(plan) == 0
    frozen(date(2025, 12, 26))  # Friday: 29, 30, 31 are the last three working days
    assert operations.send_deadline_reminders(plan) > 0
    assert any("1.1" in t and "将于 2025-12-31 到期" in t for t in _titles(forestry))
    assert operations.send_deadline_reminders(plan) == 0  # once per deadline


def test_a_months_report_is_asked_for_three_working_days_before_the_month_ends(plan, items, staff, frozen):
    forestry = staff("县林业局")
    frozen(date(2024, 6, 24))  # Monday: 25–28 June are four working days before the 30th (a Sunday)
    assert operations.send_report_due_reminders(plan) == 0
    frozen(date(2024, 6, 25))
    assert operations.send_report_due_reminders(plan) > 0
    assert any("1.1" in t and "2024-06 工作进度请于 2024-06-30 前报送" in t for t in _titles(forestry))
    assert operations.send_report_due_reminders(plan) == 0  # once per unit, item and month
    frozen(date(2026, 6, 25))  # past the plan's period: nothing is owed
    assert operations.send_report_due_reminders(plan) == 0
