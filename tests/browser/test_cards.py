"""The VIP card in a real browser: issue and print, the talent's portal, scanning the QR."""
import re

import pytest
import zxingcpp
from PIL import Image

from talent.extensions import db
from tests.browser.accessibility import axe_violations
from tests.browser.conftest import ensure_leader_card, sign_in
from tests.factories import TalentFactory

pytestmark = pytest.mark.browser


def _talent(live_app, **values) -> int:
    with live_app.app_context():
        talent = TalentFactory(**values)
        db.session.commit()
        talent_id = talent.id
        db.session.remove()
    return talent_id


def _page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    """Page sizes from the PDF's /MediaBox entries (points → mm)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [((float(x2) - float(x1)) * 25.4 / 72, (float(y2) - float(y1)) * 25.4 / 72)
            for x1, y1, x2, y2 in boxes]


def test_org_issues_a_card_and_prints_it(page, live_app):
    talent_id = _talent(live_app, name="蒋丽华", education="master", employer="双牌县人民医院")
    sign_in(page, "zzb")
    page.goto(f"/cards/talents/{talent_id}")
    assert page.locator("#eligibility-summary").inner_text().strip().startswith("符合")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发放 C类（骨干人才） VIP卡").click()
    page.wait_for_url("**/cards/*")
    assert page.get_by_text("已向 蒋丽华 发放").is_visible()
    number = page.locator("h1 .font-monospace").inner_text()
    assert number.startswith("LBYC-")

    with page.context.expect_page() as popup:
        page.get_by_role("link", name="打印（卡片尺寸）").click()
    printable = popup.value
    printable.wait_for_load_state()
    assert number in printable.locator(".front").inner_text()
    assert printable.locator(".back img.qr").evaluate("img => img.naturalWidth") > 0
    # The toolbar is styled like the rest of the system: bordered buttons, the current size marked.
    print_button = printable.get_by_role("button", name="打印")
    assert print_button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(10, 88, 202)"
    current = printable.locator(".toolbar [aria-current=page]")
    assert current.inner_text() == "卡片尺寸（CR80）"
    # "A4" (Latin) and "卡片尺寸（CR80）" (CJK, a taller line) sit on one line in the switch.
    middles = printable.locator(".toolbar .tool-group .tool").evaluate_all(
        "tools => tools.map(t => { const r = document.createRange(); r.selectNodeContents(t);"
        " const box = r.getBoundingClientRect(); return Math.round(box.top + box.height / 2); })")
    assert max(middles) - min(middles) <= 1, middles
    back = printable.get_by_role("link", name="返回")
    assert back.evaluate("a => getComputedStyle(a).textDecorationLine") == "none"
    assert axe_violations(printable) == []
    printable.emulate_media(media="print")
    assert printable.locator(".toolbar").is_hidden()
    box = printable.locator(".front").bounding_box()
    # CR80 is 85.6 mm × 53.98 mm: 323.5 × 204.0 CSS px at 96 dpi
    assert abs(box["width"] - 323.5) < 2 and abs(box["height"] - 204.0) < 2
    assert printable.locator(".front .photo").count() == 0  # no empty photo box
    # Print-to-PDF honours the sheet's @page: two card-size pages (front, back), not A4.
    pdf = printable.pdf(prefer_css_page_size=True)
    sizes = _page_sizes_mm(pdf)
    assert len(sizes) == 2, sizes
    assert all(abs(w - 85.6) < 0.5 and abs(h - 53.98) < 0.5 for w, h in sizes), sizes


def test_talent_sees_qr_and_benefits(page, live_app):
    ensure_leader_card(live_app)
    sign_in(page, "rencai", landing="**/me")
    card = page.locator("#my-card")
    assert "A类（顶尖人才）" in card.inner_text()
    assert "住房保障" in card.inner_text() and "子女教育" in card.inner_text()
    assert page.locator("#my-qr").evaluate("img => img.naturalWidth") > 100


def test_scan_the_qr_then_see_it_revoked(page, phone, tmp_path, live_app):
    talent_id = _talent(live_app, name="欧阳湘云", education="doctorate")
    sign_in(page, "zzb")
    page.goto(f"/cards/talents/{talent_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发放 B类（领军人才） VIP卡").click()
    page.wait_for_url("**/cards/*")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载二维码").click()
    png = tmp_path / "qr.png"
    download_info.value.save_as(png)
    decoded = zxingcpp.read_barcodes(Image.open(png))
    url = decoded[0].text
    assert "/cards/verify/" in url

    phone.goto(url)
    result = phone.locator("#verify-result")
    assert result.get_attribute("data-status") == "active"
    assert "有效" in result.inner_text() and "欧**云" in result.inner_text()
    assert "欧阳湘云" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_placeholder("注销原因（必填）").fill("本人调离双牌县")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="注销").click()
    assert page.get_by_text("已注销").first.is_visible()

    phone.reload()
    assert phone.locator("#verify-result").get_attribute("data-status") == "revoked"
    assert "已注销" in phone.locator("#verify-result").inner_text()


def test_org_upgrades_a_card_after_reading_what_changes(page, live_app):
    from talent.cards import operations as cards

    with live_app.app_context():
        talent = TalentFactory(name="蒋志平", education="doctorate", title_level="vice_senior")
        card = cards.issue_card(None, talent)
        talent.title_level = "senior"  # promoted since: now meets A (正高级 and 博士)
        db.session.commit()
        card_id, number, expires_on = card.id, card.number, card.expires_on.isoformat()
        db.session.remove()
    sign_in(page, "zzb")
    page.goto(f"/cards/{card_id}")
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.get_by_role("button", name="升为A类（顶尖人才）").click()
    page.wait_for_url(re.compile(rf"/cards/(?!{card_id}$)\d+$"))
    assert "由B类（领军人才）升为A类（顶尖人才）" in asked[0] and "第1版" in asked[0]
    assert f"有效期不变，仍至 {expires_on}" in asked[0]
    flash = page.locator(".alert-success").inner_text()
    assert "已升档" in flash and number in flash and f"有效期至 {expires_on}" in flash
    assert page.locator("dl").get_by_text("A类（顶尖人才）").is_visible()
