"""待遇兑现 in a real browser: a hospital window clerk scans a card (opens its verify link), continues
to the window page, records the benefit; the holder sees it in the portal."""
import pytest
from playwright.sync_api import expect

from talent.auth.units import unit_named
from talent.cards import operations as cards
from talent.cards.verification import make_token
from talent.extensions import db
from tests.browser.conftest import sign_in
from tests.factories import TalentFactory, UserFactory

pytestmark = pytest.mark.browser


def _holder_and_clerk(live_app) -> tuple[str, str]:
    with live_app.app_context():
        holder = TalentFactory(name="欧阳湘云", education="doctorate", employer="双牌县人民医院")
        cards.issue_card(None, holder)
        token = make_token(cards.active_card(holder))
        UserFactory(username="rencai2", role="talent", talent_id=holder.id, display_name="欧阳湘云")
        UserFactory(username="hospital", role="unit", unit=unit_named("县卫健局"), display_name="何建平")
        db.session.commit()
        db.session.remove()
    return token, "hospital"


def test_window_clerk_records_a_benefit_the_holder_then_sees(page, phone, live_app):
    token, clerk = _holder_and_clerk(live_app)
    sign_in(page, clerk)
    page.goto(f"/cards/verify/{token}")
    page.get_by_role("link", name="工作人员：核对本人并兑现待遇").click()
    page.wait_for_url(f"**/window/{token}")
    assert page.locator("#holder-name").inner_text() == "欧阳湘云"
    assert "住房保障" not in page.locator("main").inner_text()  # not this unit's benefit
    page.get_by_label("说明").fill("专家门诊绿色通道")
    page.get_by_role("button", name="记录已兑现").click()
    assert page.get_by_text("本次待遇兑现").is_visible()
    assert "专家门诊绿色通道" in page.locator("#redemption-history").inner_text()

    sign_in(phone, "rencai2", landing="**/me")
    assert "专家门诊绿色通道" in phone.locator("#my-redemptions").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_desk_scanner_types_the_code_and_enter_then_a_repeat_needs_a_reason(page, live_app, live_server):
    from tests.browser.accessibility import axe_violations

    with live_app.app_context():
        holder = TalentFactory(name="蒋秀兰", education="doctorate")
        card = cards.issue_card(None, holder)
        token, number = make_token(card), card.number
        UserFactory(username="scanner", role="unit", unit=unit_named("县卫健局"), display_name="唐秀梅")
        db.session.commit()
        db.session.remove()
    sign_in(page, "scanner")
    page.get_by_role("link", name="窗口核验").click()
    page.wait_for_url("**/window")
    assert page.evaluate("document.activeElement.id") == "scan-code"  # ready for the scanner
    assert axe_violations(page) == []
    # A USB scanner is a keyboard: it types the QR's address, then Enter.
    page.keyboard.type(f"{live_server}/cards/verify/{token}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/window/{token}")
    assert page.locator("#holder-name").inner_text() == "蒋秀兰"
    page.get_by_label("说明").fill("年度免费健康体检")
    page.get_by_role("button", name="记录已兑现").click()
    expect(page.get_by_text("本次待遇兑现")).to_be_visible()
    # The next scan, by card number typed at the window page's own box: the same person again.
    page.get_by_label("扫码/输入卡号").fill(number.lower())
    page.get_by_label("扫码/输入卡号").press("Enter")
    page.wait_for_url(f"**/window/{token}")
    page.get_by_role("button", name="记录已兑现").click()
    warning = page.locator("#repeat-warning")
    assert "每年兑现一次" in warning.inner_text() and "县卫健局" in warning.inner_text()
    assert axe_violations(page) == []
    page.get_by_label("再次兑现的原因").fill("首次误录日期，重新登记")
    page.get_by_role("button", name="仍然记录（已填原因）").click()
    expect(page.get_by_text("本次待遇兑现")).to_be_visible()
    assert "再次兑现：首次误录日期，重新登记" in page.locator("#redemption-history").inner_text()
