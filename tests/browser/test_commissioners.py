"""科技特派员 in a real browser: staff set up a round, a commissioner and an assignment; the
commissioner logs a service with a photo on a 375 px phone; staff confirm it and export the
annual assessment."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from talent.commissioners.models import Assignment, Commissioner, ServiceLog
from talent.core.timeutil import today
from talent.extensions import db
from tests.browser.conftest import logs_with, open_menu, sign_in
from tests.commissioners.world import make_log, make_target
from tests.factories import resident_id

pytestmark = pytest.mark.browser


def _photo() -> bytes:
    output = BytesIO()
    Image.new("RGB", (1200, 900), (60, 140, 80)).save(output, format="JPEG")
    return output.getvalue()


def test_staff_create_round_commissioner_and_assignment(page, live_app):
    with live_app.app_context():
        make_target("双牌县五里牌镇野生茶专业合作社", town="五里牌镇")
        db.session.commit()
        db.session.remove()
    year = today().year
    sign_in(page, "kgxj")
    open_menu(page, "科技特派员", "科技特派员")
    page.get_by_role("link", name="选派批次").click()
    page.get_by_role("link", name="新建批次").click()
    page.get_by_label("年度").fill(str(year))
    page.get_by_label("层级").select_option(label="县派")
    page.get_by_label("批次名称").fill(f"{year}年度县派科技特派员（浏览器）")
    page.get_by_label("服务开始").fill(f"{year}-03-01")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text(f"已保存选派批次 {year}年度县派科技特派员（浏览器）").is_visible()

    page.goto("/commissioners/new")
    page.get_by_label("姓名").fill("何秀英")
    page.get_by_label("身份证号码").fill(resident_id(male=False))
    page.get_by_label("派出单位").fill("双牌县茶叶产业发展中心")
    page.get_by_label("专业领域").select_option(label="现代农业")
    page.get_by_label("选派层级").select_option(label="县派")
    page.get_by_label("选派批次").select_option(label=f"{year}年度县派科技特派员（浏览器）")
    page.get_by_label("同时创建登录账户").check()
    page.get_by_label("用户名").fill("hexiuying")
    page.get_by_label("初始密码").fill("Field2026x")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/commissioners/*")
    assert page.get_by_text("已保存科技特派员 何秀英").is_visible()
    assert page.locator("dd", has_text="hexiuying").is_visible()

    page.get_by_role("link", name="新增派驻").click()
    page.get_by_label("服务对象").select_option(label="双牌县五里牌镇野生茶专业合作社")
    page.get_by_label("开始日期").fill(f"{year}-03-01")
    page.get_by_label("技术需求").fill("野生茶采摘标准与红茶发酵工艺")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("派驻已保存").is_visible()
    assert page.get_by_role("link", name="双牌县五里牌镇野生茶专业合作社").is_visible()


def test_commissioner_logs_on_a_phone_and_staff_confirm(phone, page, live_app, field_commissioner,
                                                        tmp_path):
    commissioner_id, target_name, username = field_commissioner
    sign_in(phone, username)
    assert phone.viewport_size["width"] == 375
    phone.get_by_role("link", name="记录服务").first.click()
    phone.wait_for_url("**/field/log")
    # Date defaults to today; the only active assignment is preselected.
    assert phone.get_by_label("服务日期").input_value() == today().isoformat()
    assert phone.get_by_label("服务对象").locator("option:checked").inner_text() == target_name
    phone.get_by_label("服务类型").select_option(label="培训授课")
    phone.get_by_label("服务时长（小时）").fill("4")
    phone.get_by_label("培训人数").fill("32")
    phone.get_by_label("服务内容").fill("举办稻田综合种养技术培训班")
    phone.get_by_label("推广技术/品种（每行一项）").fill("稻田综合种养\n生猪粪污资源化")
    phone.locator("#photos").set_input_files(
        files=[{"name": "IMG_2031.jpg", "mimeType": "image/jpeg", "buffer": _photo()}])
    # The whole form fits the phone's width: nothing scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url("**/field/logs")
    card = phone.locator(".card", has_text="举办稻田综合种养技术培训班").first
    assert "待确认" in card.inner_text() and "1 张照片" in card.inner_text()
    assert card.locator("img").evaluate("img => img.naturalWidth") > 0

    with live_app.app_context():
        log = db.session.scalar(select(ServiceLog).where(
            ServiceLog.commissioner_id == commissioner_id))
        log_id = log.id
        assert log.trained_count == 32 and log.technologies == ["稻田综合种养", "生猪粪污资源化"]
        db.session.remove()

    sign_in(page, "kgxj")
    page.goto(f"/commissioners/logs?commissioner_id={commissioner_id}&confirmed=no")
    row = page.locator(f"#log-{log_id}")
    assert row.locator("img").evaluate("img => img.naturalWidth") > 0
    row.get_by_role("button", name="确认").click()
    assert page.get_by_text("已确认该服务日志").is_visible()
    page.goto(f"/commissioners/logs/{log_id}")
    assert page.locator("#log-status").inner_text() == "已确认"

    page.goto(f"/commissioners/assessments?year={today().year}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出考核表").click()
    saved = tmp_path / "assessment.xlsx"
    download_info.value.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    row = next(r for r in rows[1:] if r[1] == "蒋国平" and r[7] == 1)
    assert row[6:11] == (1, 1, 4, 32, 2)  # days, logs, hours, trained, technologies

    phone.reload()
    assert "已确认" in phone.locator(".card", has_text="举办稻田综合种养技术培训班").first.inner_text()
    with live_app.app_context():
        assert db.session.get(Commissioner, commissioner_id).status == "active"
        db.session.remove()


def _fill_log(phone, content: str) -> None:
    phone.get_by_label("服务类型").select_option(label="技术指导")
    phone.get_by_label("服务时长（小时）").fill("3")
    phone.get_by_label("服务内容").fill(content)


def test_offline_log_is_queued_then_uploaded_once(phone, live_app, field_commissioner):
    sign_in(phone, field_commissioner[2])
    phone.goto("/field/log")
    assert phone.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    phone.context.set_offline(True)
    # With no signal the cached form still opens (served by the service worker).
    phone.reload()
    assert phone.get_by_label("服务内容").is_visible()
    _fill_log(phone, "离线记录：指导稻田开沟")
    phone.get_by_label("服务内容").press("Tab")
    phone.get_by_role("button", name="保存").click()
    queue = phone.locator("#offline-queue")
    queue.get_by_text("待上传 1 条").wait_for()
    assert "离线记录：指导稻田开沟" in queue.inner_text()
    assert logs_with(live_app, "离线记录：指导稻田开沟") == 0

    phone.context.set_offline(False)
    queue.wait_for(state="hidden")
    assert logs_with(live_app, "离线记录：指导稻田开沟") == 1


def test_upload_retried_after_a_dropped_response_makes_one_log(phone, live_app,
                                                               field_commissioner):
    sign_in(phone, field_commissioner[2])
    phone.goto("/field/log")
    phone.evaluate("navigator.serviceWorker.ready")
    phone.context.set_offline(True)
    _fill_log(phone, "离线记录：响应丢失后重传")
    phone.get_by_role("button", name="保存").click()
    phone.locator("#offline-queue").get_by_text("待上传 1 条").wait_for()

    dropped = []

    def drop_first_answer(route):
        if route.request.method == "POST" and not dropped:
            route.fetch()  # the server receives and saves the log …
            dropped.append(True)
            route.abort("connectionreset")  # … but its answer never reaches the phone
        else:
            route.continue_()

    phone.context.route("**/field/log", drop_first_answer)
    phone.context.set_offline(False)
    for _ in range(100):
        if dropped:
            break
        phone.wait_for_timeout(100)
    assert dropped and logs_with(live_app, "离线记录：响应丢失后重传") == 1
    phone.wait_for_timeout(300)
    assert "待上传 1 条" in phone.locator("#offline-queue").inner_text()
    # Still queued (the phone never saw an answer): the next connection sends it again.
    for _ in range(50):
        if phone.locator("#offline-queue").is_hidden():
            break
        phone.evaluate("window.dispatchEvent(new Event('online'))")
        phone.wait_for_timeout(200)
    assert phone.locator("#offline-queue").is_hidden()
    assert logs_with(live_app, "离线记录：响应丢失后重传") == 1
    # The one console error is the reset this test caused.
    assert [e for e in phone.console_errors if "ERR_CONNECTION_RESET" in e]
    phone.console_errors[:] = [e for e in phone.console_errors if "ERR_CONNECTION_RESET" not in e]


def test_clerk_on_a_phone_sees_every_tab_and_confirms_a_batch(phone, live_app,
                                                              field_commissioner):
    commissioner_id, _target, _username = field_commissioner

    with live_app.app_context():
        assignment = db.session.scalar(select(Assignment).where(
            Assignment.commissioner_id == commissioner_id))
        ids = [make_log(assignment, content=f"批量确认第{n}条").id for n in (1, 2)]
        db.session.commit()
        db.session.remove()
    sign_in(phone, "kgxj")
    phone.goto(f"/commissioners/logs?commissioner_id={commissioner_id}&confirmed=no")
    tabs = phone.locator(".commissioner-tabs .nav-link")
    assert tabs.count() == 8  # 技术需求 joined the seven
    for index in range(8):
        box = tabs.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, tabs.nth(index).inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_label("全选本页待确认").check()
    phone.get_by_role("button", name="确认所选").click()
    assert phone.get_by_text("已确认 2 条服务日志").is_visible()
    with live_app.app_context():
        assert [db.session.get(ServiceLog, i).status for i in ids] == ["confirmed", "confirmed"]
        db.session.remove()
