"""忘记密码 in a real browser: a talent finds whom to ask, 组织部 gives a one-time password, and on a
phone (375 px) the talent signs in with it, is held on 设置新密码 until done, then carries on."""
import pytest
from playwright.sync_api import expect

from talent.extensions import db
from tests.browser.conftest import sign_in
from tests.factories import TalentFactory, UserFactory

pytestmark = pytest.mark.browser


def test_forgotten_password_to_own_new_password_on_a_phone(page, phone, live_app):
    with live_app.app_context():
        talent = TalentFactory(name="蒋文博", education="master")
        UserFactory(username="jiangwb", role="talent", talent_id=talent.id, display_name="蒋文博")
        db.session.commit()
        db.session.remove()

    phone.goto("/login")
    phone.get_by_role("link", name="忘记密码？").click()
    phone.wait_for_url("**/password/forgot")
    assert "县委组织部 人才工作股" in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    sign_in(page, "zzb")
    page.goto("/accounts?q=jiangwb")
    page.locator("tr", has_text="jiangwb").get_by_role("link", name="重置密码").click()
    page.get_by_role("button", name="生成一次性密码").click()
    one_time = page.locator("#one-time-password").inner_text().strip()
    assert len(one_time.replace("-", "")) >= 12

    phone.goto("/login")
    phone.get_by_label("用户名").fill("jiangwb")
    phone.get_by_label("密码").fill(one_time)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url("**/account/password")
    assert phone.locator("#forced-change").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.goto("/me")  # nowhere else until the new password is set
    phone.wait_for_url("**/account/password")

    phone.get_by_label("新密码", exact=True).fill("Jwb2026new")
    phone.get_by_label("确认新密码").fill("Jwb2026nex")
    phone.get_by_role("button", name="保存").click()
    # The answer comes back to the same address: wait for it rather than read the old page.
    expect(phone.get_by_text("两次输入的新密码不一致")).to_be_visible()
    phone.get_by_label("新密码", exact=True).fill("Jwb2026new")
    phone.get_by_label("确认新密码").fill("Jwb2026new")
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url("**/me")
    assert phone.get_by_text("新密码已设置").is_visible()
    assert "蒋文博" in phone.locator("h1").inner_text()
