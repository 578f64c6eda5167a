"""The VIP card applied for online: a talent applies on a 375 px phone with a PDF, the employer's
HR account confirms, 组织部 approves, and the card appears on the talent's phone."""
import re

import pytest

from talent.extensions import db
from tests.browser.accessibility import axe_violations
from tests.browser.conftest import _watched, sign_in
from tests.factories import EmployerFactory, TalentFactory, UserFactory

pytestmark = pytest.mark.browser


def _people(live_app) -> None:
    from talent.auth.models import User
    from talent.employers.operations import set_employment

    with live_app.app_context():
        if db.session.scalar(db.select(User).where(User.username == "xiaozhou")) is None:
            employer = EmployerFactory(name="湖南永双竹业有限公司")
            talent = TalentFactory(name="周晓", education="master", title_level="intermediate",
                                   category="none")
            UserFactory(username="xiaozhou", role="talent", talent_id=talent.id, display_name="周晓")
            UserFactory(username="ysrs", role="employer", employer_id=employer.id, display_name="永双人事部")
            set_employment(None, talent, employer)
        db.session.commit()
        db.session.remove()


def test_apply_on_a_phone_confirm_approve(browser, live_server, live_app, phone, page):
    _people(live_app)
    sign_in(phone, "xiaozhou", landing="**/me")
    phone.locator("#apply-card").click()
    phone.wait_for_url("**/me/card-application")
    assert "C类（骨干人才）" in phone.locator("#apply-form").inner_text()
    assert axe_violations(phone) == []
    assert phone.get_by_label("用人单位").locator("option:checked").inner_text() == "湖南永双竹业有限公司"
    phone.get_by_label("申请说明").fill("2024年硕士毕业引进，申请C类卡。")
    phone.locator("#files").set_input_files(
        files=[{"name": "硕士学位证书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
    phone.get_by_role("button", name="提交申请").click()
    phone.wait_for_url(re.compile(r".*/card-applications/\d+$"))
    assert phone.get_by_text("申请已提交，等待用人单位确认").is_visible()
    assert "硕士学位证书.pdf" in phone.locator("#materials").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(phone) == []
    application_path = phone.url[phone.url.index("/card-applications/"):]

    sign_in(page, "ysrs")
    page.goto("/card-applications")
    page.get_by_role("link", name=re.compile(r"\d{4}-\d{2}-\d{2}")).first.click()
    page.wait_for_url(f"**{application_path}")
    assert axe_violations(page) == []
    page.get_by_role("button", name="确认为本单位人员").click()
    assert page.get_by_text("已办理：待组织部审核").is_visible()

    org_context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = _watched(org_context)
    sign_in(page, "zzb")
    page.goto("/card-applications?status=confirmed")
    page.locator("#applications tbody tr", has_text="周晓").get_by_role("link").click()
    page.get_by_role("button", name="批准发卡").click()
    assert page.get_by_text("已办理：已批准发卡").is_visible()
    number = page.locator("#issued-card").inner_text().strip()
    assert re.fullmatch(r"LBYC-\d{4}-\d{6}", number)

    assert page.console_errors == []
    org_context.close()

    phone.goto("/me")
    assert number in phone.locator("#my-card").inner_text()
