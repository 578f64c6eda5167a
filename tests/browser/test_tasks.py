"""督查督办 in a real browser: a 县林业局 clerk reports on a phone, the 县科工信局 lead confirms,
the office opens the 调度 view, issues a 督办单 and downloads the 调度 report."""
from datetime import date, timedelta

import pytest
from docx import Document
from sqlalchemy import select

from talent.auth.models import Unit
from talent.core import timeutil
from talent.extensions import db
from talent.tasks import operations
from talent.tasks.lights import last_complete_period
from talent.tasks.models import TaskPlan
from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def _unit(name):
    return db.session.scalar(select(Unit).where(Unit.name == name))


@pytest.fixture(scope="module")
def current_plan(live_app):
    """A plan running now, copied from the seed plan: from the January of last month's year (so
    last month is always inside it) to the end of this year. Item code → id, and the plan's id."""
    with live_app.app_context():
        seed = operations.load_plan(db.session.scalar(select(TaskPlan.id).order_by(TaskPlan.id)))
        admin = UserFactory(role="admin")
        today = timeutil.today()
        starts = date(int(last_complete_period(today)[:4]), 1, 1)
        plan = operations.copy_plan(admin, seed, f"浏览器测试方案（{today.year}年）", today.year, starts,
                                    date(today.year, 12, 31))
        UserFactory(username="lyj", role="unit", unit_id=_unit("县林业局").id, display_name="林业局 邓竹青")
        UserFactory(username="lbz", role="unit", unit_id=_unit("泷泊镇").id, display_name="泷泊镇 欧阳秀英")
        ids = {item.code: item.id for item in operations.load_plan(plan.id).items}
        ids["plan"] = plan.id
        db.session.commit()
        db.session.remove()
    return ids


@pytest.fixture(scope="module")
def forestry_clerk(current_plan):
    return current_plan["1.1"]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 376


def test_report_confirm_directive_and_docx(phone, page, forestry_clerk, current_plan, tmp_path):
    item_id = forestry_clerk
    period = last_complete_period(timeutil.today())

    # a 县林业局 clerk, on a phone, reports on 1.1 from the 工作台
    sign_in(phone, "lyj")
    panel = phone.locator("#my-task-items")
    assert "1.1 农林产品加工领域" in panel.inner_text()
    panel.locator(f"a[href^='/tasks/items/{item_id}/report']").click()
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
    page.goto(f"/tasks/plans/{current_plan['plan']}")
    page.get_by_role("link", name="调度视图").click()
    page.wait_for_selector("#dashboard-data[data-drawn='1']", state="attached")
    assert page.locator("#flagged-red li").count() >= 1

    # issues a 督办单 to 1.1's lead unit
    page.goto(f"/tasks/items/{item_id}")
    form = page.locator("#directive-form")
    form.get_by_label("督办单位（牵头或责任单位）").select_option(label="县林业局")
    form.get_by_label("督办等级").select_option("yellow")
    form.get_by_label("回复期限").fill((timeutil.today() + timedelta(days=7)).isoformat())
    form.get_by_label("督办事项").fill("请说明集聚区用地指标落实计划")
    form.get_by_role("button", name="发出督办单").click()
    page.wait_for_url(f"**/tasks/items/{item_id}")
    directive = page.locator("#directives li").first
    assert directive.get_attribute("data-status") == "open"
    assert "请说明集聚区用地指标落实计划" in directive.inner_text()

    # and downloads the 调度 report
    page.goto(f"/tasks/plans/{current_plan['plan']}/dashboard")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="调度报告 .docx").click()
    path = tmp_path / "report.docx"
    download_info.value.save_as(path)
    document = Document(str(path))
    rows = {row.cells[0].text: [c.text for c in row.cells] for t in document.tables for row in t.rows}
    assert "集聚区用地指标尚未落实" in rows["1.1"][4]
    assert "督办 县林业局" in rows["1.1"][4] and "待回复" in rows["1.1"][4]


def test_dashboard_fits_a_phone(phone, current_plan):
    sign_in(phone, "kgxj")
    phone.goto(f"/tasks/plans/{current_plan['plan']}/dashboard")
    phone.wait_for_selector("#dashboard-data[data-drawn='1']", state="attached")
    assert _fits(phone)
    assert phone.locator("#chart-indicators").bounding_box()["width"] <= 375


def test_town_clerk_reports_its_part_of_4_1_and_the_dashboard_shows_the_sum(phone, page, live_app,
                                                                           current_plan):
    """各乡镇(管理局) is 12 units: 泷泊镇's clerk reports its own part of a `sum` indicator of 4.1 on a
    phone; the office confirms; the 调度 view shows 江村镇's part plus 泷泊镇's."""
    item_id, period = current_plan["4.1"], last_complete_period(timeutil.today())
    indicator_name = "在市级科技项目中挖掘优秀科技人才"
    with live_app.app_context():
        item = operations.load_plan(current_plan["plan"]).items
        four_one = next(i for i in item if i.id == item_id)
        indicator = next(i for i in four_one.indicators if i.name == indicator_name)
        clerk = UserFactory(role="unit", unit_id=_unit("江村镇").id)
        office = UserFactory(role="unit", unit_id=_unit("县科工信局").id)
        report = operations.submit_report(clerk, four_one, clerk.unit, period, "江村镇走访企业",
                                          {indicator.id: 2})
        operations.review_report(office, report, True)
        indicator_id = indicator.id
        db.session.commit()
        db.session.remove()

    sign_in(phone, "lbz")
    phone.goto(f"/tasks/items/{item_id}/report?period={period}")
    assert _fits(phone)
    phone.get_by_label(f"{indicator_name}（累计，名）").fill("1")
    phone.get_by_label("本月工作进展").fill("走访辖区3家企业，挖掘1名科技人才")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url(f"**/tasks/items/{item_id}")
    assert _fits(phone)
    cards = phone.locator(f".indicator-table tr[data-indicator='{indicator_id}']")
    assert cards.bounding_box()["width"] <= 375  # an indicator card, nothing cut off

    sign_in(page, "kgxj")
    page.goto(f"/tasks/items/{item_id}")
    mine = page.locator("#reports li", has_text="泷泊镇").first
    mine.get_by_role("button", name="确认").click()
    page.wait_for_url(f"**/tasks/items/{item_id}")
    shares = page.locator(f".contributions[data-indicator='{indicator_id}']").inner_text()
    assert "江村镇" in shares and "泷泊镇" in shares
    page.goto(f"/tasks/plans/{current_plan['plan']}/dashboard")
    assert page.get_by_text(f"4.1 {indicator_name}：3 /").is_visible()
