"""The portal's dynamic code on a phone: shown with a countdown, decoded from the page's own image,
opened → valid; 刷新动态码 swaps in a new code that verifies too."""
import base64
import re
from datetime import datetime
from io import BytesIO

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from talent.core import timeutil
from tests.browser.accessibility import axe_violations
from tests.browser.conftest import ensure_leader_card, sign_in

pytestmark = pytest.mark.browser


def _decode(data_uri: str) -> str:
    assert data_uri.startswith("data:image/png;base64,")
    results = zxingcpp.read_barcodes(Image.open(BytesIO(base64.b64decode(data_uri.split(",", 1)[1]))))
    # zxing-cpp now and then reports the one code twice (found at two positions): one text.
    texts = {result.text for result in results}
    assert len(texts) == 1
    return texts.pop()


def test_holder_shows_a_dynamic_code_that_verifies_on_a_phone(phone, browser, live_server, live_app):
    ensure_leader_card(live_app)
    sign_in(phone, "rencai", landing="**/me")
    code = phone.locator("#dynamic-qr")
    assert code.is_visible() and code.evaluate("img => img.naturalWidth") > 100
    assert phone.locator("#dynamic-countdown").inner_text() in ("5:00", "4:59", "4:58")
    expect(phone.locator("#dynamic-countdown")).not_to_have_text("5:00")  # the countdown runs
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    url = _decode(code.get_attribute("src"))
    assert "/cards/verify/live/" in url

    # The clerk's phone: not signed in, just a camera and a browser.
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 740},
                                  is_mobile=True, locale="zh-CN")
    scanner = context.new_page()
    scanner.goto(url)
    result = scanner.locator("#verify-result")
    assert result.get_attribute("data-status") == "active"
    assert "动态码核验通过" in result.inner_text() and "李*" in result.inner_text()
    assert scanner.evaluate("document.documentElement.scrollWidth") <= 375
    # The server's time of the check, to the second, in 双牌's zone; the code's seconds left run down.
    stamp = scanner.locator("#checked-at").inner_text()
    shown = re.search(r"核验时间：(\S+ \S+)（北京时间）", stamp).group(1)
    checked = datetime.strptime(shown, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timeutil.CHINA)
    assert abs((datetime.now(timeutil.CHINA) - checked).total_seconds()) < 60
    left = scanner.locator("#seconds-left-value")
    assert 250 < int(left.inner_text()) <= 300
    first = left.inner_text()
    expect(left).not_to_have_text(first)
    assert scanner.locator("#seconds-left").inner_text().startswith("动态码剩余")
    assert axe_violations(scanner) == []

    before = code.get_attribute("src")
    phone.wait_for_timeout(1100)  # codes are made per second: the next one must differ
    phone.get_by_role("button", name="刷新动态码").click()
    expect(code).not_to_have_attribute("src", before)
    fresh = _decode(code.get_attribute("src"))
    assert fresh != url and phone.locator("#dynamic-message").inner_text() == ""
    scanner.goto(fresh)
    assert scanner.locator("#verify-result").get_attribute("data-status") == "active"
    context.close()


def test_an_english_browser_gets_the_portal_and_the_check_in_english(browser, live_server, live_app):
    ensure_leader_card(live_app)
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 740},
                                  is_mobile=True, locale="en-GB")
    page = context.new_page()
    sign_in(page, "rencai", landing="**/me")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "My Longbo Talent VIP Card" in page.locator("#my-card").inner_text()
    assert axe_violations(page) == []
    url = _decode(page.locator("#dynamic-qr").get_attribute("src"))
    scanner = context.new_page()
    scanner.goto(url)
    assert "Dynamic code verified" in scanner.locator("#verify-result").inner_text()
    assert scanner.locator("#checked-at").inner_text().startswith("Checked at")
    assert axe_violations(scanner) == []
    # The holder prefers Chinese: the switch remembers it.
    page.get_by_role("link", name="中文").click()
    page.wait_for_url("**/me")
    assert "我的泷泊英才VIP卡" in page.locator("#my-card").inner_text()
    context.close()
