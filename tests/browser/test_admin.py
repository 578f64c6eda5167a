"""The administrator's forms in a real browser: a new rule version, a new unit account."""
from datetime import timedelta

import pytest

from talent.core import timeutil
from tests.browser.conftest import open_menu, sign_in

pytestmark = pytest.mark.browser


def test_admin_revises_card_rules(page):
    sign_in(page, "admin")
    open_menu(page, "系统管理", "发卡规则")
    page.get_by_role("link", name="修订规则（新版本）").click()
    start = (timeutil.today() + timedelta(days=31)).isoformat()
    page.get_by_label("生效日期").fill(start)
    page.get_by_label("修订说明").fill("C类增加大学本科学历的双牌工匠")
    c_tier = page.locator(".card", has_text="C类")
    c_tier.get_by_label("大学本科").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="保存为新版本").click()
    page.wait_for_url("**/cards/rules")
    assert page.get_by_text("已保存发卡规则第 2 版").is_visible()
    row = page.locator("tr", has_text="C类增加大学本科学历的双牌工匠")
    assert "待生效" in row.inner_text() and start in row.inner_text()


def test_admin_rule_form_rejects_a_past_date(page):
    sign_in(page, "admin")
    page.goto("/cards/rules/new")
    page.get_by_label("生效日期").fill("2020-01-01")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="保存为新版本").click()
    assert page.get_by_text("生效日期不能早于今天").is_visible()


def test_admin_creates_a_unit_account_that_can_sign_in(page, browser, live_server):
    sign_in(page, "admin")
    page.goto("/admin/users/new")
    page.get_by_label("用户名").fill("wjj.he")
    page.get_by_label("姓名").fill("何建平")
    page.get_by_label("角色").select_option(label="单位经办人")
    page.get_by_label("初始密码").fill("Wjj2026abc")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("单位经办人必须选择所属单位").is_visible()
    page.get_by_label("所属单位").select_option(label="县卫健局")
    page.get_by_label("初始密码").fill("Wjj2026abc")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/admin/users")
    assert page.locator("tr", has_text="wjj.he").is_visible()

    context = browser.new_context(base_url=live_server, locale="zh-CN")
    clerk = context.new_page()
    clerk.goto("/login")
    clerk.get_by_label("用户名").fill("wjj.he")
    clerk.get_by_label("密码").fill("Wjj2026abc")
    clerk.get_by_role("button", name="登录").click()
    # The password the admin chose is changed first (whoever typed it knows it).
    clerk.wait_for_url("**/account/password")
    assert "初始密码" in clerk.locator("#forced-change").inner_text()
    clerk.get_by_label("新密码", exact=True).fill("Wjj2026own")
    clerk.get_by_label("确认新密码").fill("Wjj2026own")
    clerk.get_by_role("button", name="保存").click()
    clerk.wait_for_url("**/")
    assert "县卫健局" in clerk.locator("nav").inner_text()
    assert clerk.get_by_role("link", name="用户管理").count() == 0
    context.close()
