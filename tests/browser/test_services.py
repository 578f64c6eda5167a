"""A housing request in real browsers: a talent on a 375 px phone files it with a photo, the 住建局
clerk accepts and asks for materials, the talent supplies them, the clerk completes, the talent
rates it and reads the timeline; a second clerk holding the stale page is told to refresh."""
import re

import pytest

from talent.auth.units import unit_named
from talent.extensions import db
from tests.browser.conftest import _watched, sign_in
from tests.factories import UserFactory
from tests.services.conftest import png_bytes

pytestmark = pytest.mark.browser


def _clerks(live_app) -> None:
    from talent.auth.models import User

    with live_app.app_context():
        for username, name in (("zjj", "住建局 蒋丽华"), ("zjj2", "住建局 何伟")):
            if db.session.scalar(db.select(User).where(User.username == username)) is None:
                UserFactory(username=username, role="unit", unit_id=unit_named("县住建局").id,
                            display_name=name)
        db.session.commit()
        db.session.remove()


def test_housing_request_from_phone_to_rating(browser, live_server, live_app, phone, page):
    _clerks(live_app)
    sign_in(phone, "rencai", landing="**/me")
    phone.get_by_role("button", name="展开菜单").click()
    phone.get_by_role("link", name="我的申请").click()
    phone.get_by_role("link", name="提出申请").first.click()
    phone.get_by_label("服务事项").select_option(label="住房保障")
    phone.get_by_label("标题").fill("申请入住县人才公寓")
    phone.get_by_label("具体需求").fill("2023年引进，现租房居住，申请入住人才公寓，家属两人随迁。")
    phone.locator("#attachments").set_input_files(
        files=[{"name": "身份证.png", "mimeType": "image/png", "buffer": png_bytes()}])
    phone.get_by_role("button", name="提交申请").click()
    phone.wait_for_url(re.compile(r".*/me/services/\d+$"))
    assert phone.get_by_text("已提交，编号 FW-").is_visible()
    assert "提交申请，由县住建局办理" in phone.locator("#timeline").inner_text()
    assert "身份证.png" in phone.locator("#attachments").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    request_id = phone.url.rsplit("/", 1)[1]

    # Two clerks open the request; the first accepts, the second's page is now stale.
    stale_context = browser.new_context(base_url=live_server, locale="zh-CN")
    stale = _watched(stale_context)
    sign_in(stale, "zjj2")
    stale.goto(f"/services/{request_id}")
    sign_in(page, "zjj")
    page.goto("/services")
    page.get_by_role("link", name=re.compile("FW-")).first.click()
    page.wait_for_url(f"**/services/{request_id}")
    page.get_by_role("button", name="受理", exact=True).click()
    assert page.get_by_text("已记录“受理”").is_visible()
    stale.get_by_role("button", name="受理", exact=True).click()
    assert stale.get_by_text("已被他人处理，请刷新").is_visible()
    assert stale.console_errors == []
    stale_context.close()

    page.get_by_label("需要补充的材料").fill("请补充家属户口簿复印件")
    page.get_by_role("button", name="要求补件").click()
    assert page.locator("[data-status]").first.inner_text() == "待补件"

    phone.reload()
    assert phone.locator("#materials-needed").is_visible()
    assert "请补充家属户口簿复印件" in phone.locator("#timeline").inner_text()
    phone.get_by_label("补充说明（可不填）").fill("已上传户口簿")
    phone.locator("#attachments-supply").set_input_files(
        files=[{"name": "户口簿.png", "mimeType": "image/png", "buffer": png_bytes("blue")}])
    phone.get_by_role("button", name="已补充材料").click()
    assert phone.get_by_text("已补充材料：已提交").is_visible()

    page.reload()
    assert "户口簿.png" in page.locator("#attachments").inner_text()
    page.get_by_label("办理结果").fill("已安排入住县人才公寓3栋502室，请携身份证到住建局领钥匙")
    page.get_by_role("button", name="办结").click()
    assert page.locator("[data-status]").first.inner_text() == "已办结"

    phone.reload()
    phone.get_by_text("4 星").click()
    phone.get_by_label("评价（可不填）").fill("办得很快，谢谢")
    phone.get_by_role("button", name="提交评价").click()
    assert phone.get_by_text("感谢您的评价").is_visible()
    timeline = phone.locator("#timeline").inner_text()
    steps = ("提交申请", "已受理", "需要补充材料", "已补充材料", "已办结", "评价", "★★★★☆ 办得很快，谢谢")
    for step in steps:
        assert step in timeline, step
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
