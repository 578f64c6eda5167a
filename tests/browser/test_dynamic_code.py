"""The portal's dynamic code on a phone: shown with a countdown, decoded from the page's own image,
opened → valid; 刷新动态码 swaps in a new code that verifies too."""
import base64
from io import BytesIO

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import ensure_leader_card, sign_in

pytestmark = pytest.mark.browser


def _decode(data_uri: str) -> str:
    assert data_uri.startswith("data:image/png;base64,")
    results = zxingcpp.read_barcodes(Image.open(BytesIO(base64.b64decode(data_uri.split(",", 1)[1]))))
    assert len(results) == 1
    return results[0].text


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

    before = code.get_attribute("src")
    phone.wait_for_timeout(1100)  # codes are made per second: the next one must differ
    phone.get_by_role("button", name="刷新动态码").click()
    expect(code).not_to_have_attribute("src", before)
    fresh = _decode(code.get_attribute("src"))
    assert fresh != url and phone.locator("#dynamic-message").inner_text() == ""
    scanner.goto(fresh)
    assert scanner.locator("#verify-result").get_attribute("data-status") == "active"
    context.close()
