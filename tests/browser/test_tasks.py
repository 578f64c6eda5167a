"""督查督办 in a real browser: a 县林业局 clerk reports on a phone, the 县科工信局 lead confirms,
the office opens the 调度 view, issues a 督办单 and downloads the 调度 report."""
from datetime import date, timedelta

import pytest
from docx import Document
from sqlalchemy import select

from talent.auth.models import Unit
from talent.extensions import db
from talent.tasks.lights import last_complete_period
from talent.tasks.models import TaskItem
from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def forestry_clerk(live_app):
    with live_app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.name == "县林业局"))
        UserFactory(username="lyj", role="unit", unit_id=unit.id, display_name="林业局 邓竹青")
        item_id = db.session.scalar(select(TaskItem.id).where(TaskItem.code == "1.1"))
        db.session.commit()
        db.session.remove()
    return item_id


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 376


def test_report_confirm_directive_and_docx(phone, page, forestry_clerk, tmp_path):
    item_id = forestry_clerk
    period = last_complete_period(date.today())

    # a 县林业局 clerk, on a phone, reports on 1.1 from the 工作台
    sign_in(phone, "lyj")
    panel = phone.locator("#my-task-items")
    assert "1.1 农林产品加工领域" in panel.inner_text()
    panel.get_by_role("link", name=f"报送 {period}").first.click()
    phone.wait_for_url(f"**/tasks/items/{item_id}/report*")
    assert _fits(phone)
    assert phone.get_by_label("报告期（月）").input_value() == period
    phone.get_by_label("本月工作进展").fill("完成竹木初加工集聚区选址论证，组织3家企业开展技术对接")
    phone.get_by_label("存在问题及下步打算").fill("集聚区用地指标尚未落实")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url(f"**/tasks/items/{item_id}")
    assert phone.get_by_text(f"已报送 1.1 {period} 进度").is_visible()
    report = phone.locator("#reports li").first
    assert report.get_attribute("data-status") == "submitted"
    assert "县林业局" in report.inner_text()
    assert _fits(phone)

    # the 县科工信局 lead confirms it
    sign_in(page, "kgxj")
    page.goto(f"/tasks/items/{item_id}")
    page.locator("#reports li").first.get_by_role("button", name="确认").click()
    page.wait_for_url(f"**/tasks/items/{item_id}")
    assert page.locator("#reports li").first.get_attribute("data-status") == "confirmed"

    # the office opens the 调度 view: charts drawn from the JSON endpoint, no CSP errors
    page.goto("/tasks")
    page.get_by_role("link", name="调度视图").click()
    page.wait_for_selector("#dashboard-data[data-drawn='1']", state="attached")
    assert page.locator("#flagged-red li").count() >= 1

    # issues a 督办单 to 1.1's lead unit
    page.goto(f"/tasks/items/{item_id}")
    form = page.locator("#directive-form")
    form.get_by_label("督办单位（牵头单位）").select_option(label="县科工信局")
    form.get_by_label("回复期限").fill((date.today() + timedelta(days=7)).isoformat())
    form.get_by_label("督办事项").fill("请说明集聚区用地指标落实计划")
    form.get_by_role("button", name="发出督办单").click()
    page.wait_for_url(f"**/tasks/items/{item_id}")
    directive = page.locator("#directives li").first
    assert directive.get_attribute("data-status") == "open"
    assert "请说明集聚区用地指标落实计划" in directive.inner_text()

    # and downloads the 调度 report
    page.goto("/tasks")
    page.get_by_role("link", name="调度视图").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="调度报告 .docx").click()
    path = tmp_path / "report.docx"
    download_info.value.save_as(path)
    document = Document(str(path))
    rows = {row.cells[0].text: [c.text for c in row.cells] for t in document.tables for row in t.rows}
    assert "集聚区用地指标尚未落实" in rows["1.1"][6]
    assert "请说明" not in rows["1.1"][7] and "待回复" in rows["1.1"][7]


def test_dashboard_fits_a_phone(phone, forestry_clerk):
    sign_in(phone, "kgxj")
    phone.goto("/tasks")
    phone.get_by_role("link", name="调度视图").click()
    phone.wait_for_selector("#dashboard-data[data-drawn='1']", state="attached")
    assert _fits(phone)
    assert phone.locator("#chart-indicators").bounding_box()["width"] <= 375
