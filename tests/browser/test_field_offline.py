"""The 科技特派员's field section on a 375 px phone with no signal, a weak one, and after sign-out."""
import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError

from talent.extensions import db
from tests.browser.conftest import logs_with, sign_in

pytestmark = pytest.mark.browser

@pytest.fixture
def commissioner(field_commissioner):
    """(username, target name, the target's contact phone)."""
    return field_commissioner[2], field_commissioner[1], "13800000000"


def _visit_online(phone, path: str) -> None:
    """One online visit: the page, its service worker, and the copies of every field page."""
    phone.goto(path)
    assert phone.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    phone.wait_for_function("""async () => {
        const keys = await caches.keys();
        const mine = keys.filter(k => k.startsWith('field-personal-'));
        if (mine.length !== 1) return false;
        return (await (await caches.open(mine[0])).keys()).length === 4;
    }""")


def _settled_content(phone) -> str:
    for _ in range(50):
        try:
            return phone.content()
        except PlaywrightError:  # still showing the browser's error page
            phone.wait_for_timeout(100)
    raise AssertionError("the page never settled")


def _in_view(phone, selector: str) -> bool:
    return phone.evaluate("""selector => {
        const box = document.querySelector(selector).getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight;
    }""", selector)


def _need_matched_elsewhere(live_app, commissioner_id: int) -> str:
    """A need at a target the commissioner is not assigned to, matched to them by the clerk."""
    from talent.commissioners.need_models import TargetNeed
    from tests.commissioners.world import make_target

    with live_app.app_context():
        target = make_target(town="茶林镇")
        db.session.add(TargetNeed(target_id=target.id, title="茶园病虫害绿色防控",
                                  field="modern_agriculture", description="", urgency="normal",
                                  status="matched", commissioner_id=commissioner_id,
                                  posted_via="clerk"))
        db.session.commit()
        name = target.name
        db.session.remove()
    return name


def test_home_and_assignment_pages_open_offline_after_one_visit(phone, live_app, commissioner,
                                                                 field_commissioner):
    username, target, contact_phone = commissioner
    elsewhere = _need_matched_elsewhere(live_app, field_commissioner[0])
    sign_in(phone, username)
    _visit_online(phone, "/field")
    phone.context.set_offline(True)
    # The landing page after sign-in, and 我的派驻 with the target's needs and contact.
    for path in ("/", "/field"):
        phone.goto(path)
        assert phone.get_by_role("heading", name="我的派驻").is_visible()
        text = phone.locator("main").inner_text()
        assert target in text and "脐橙黄龙病防控" in text and contact_phone in text
        # A need matched at a target not assigned to them, with that target's contact.
        matched = phone.locator("#matched-elsewhere").inner_text()
        assert elsewhere in matched and "茶园病虫害绿色防控" in matched and contact_phone in matched
        assert phone.locator("#offline-flag").is_visible()
        assert "内容更新于" in phone.locator("#refreshed-at").inner_text()
    phone.goto("/field/year")
    assert phone.locator("#my-year").is_visible()
    phone.goto("/field/logs")
    assert phone.get_by_role("heading", name="我的日志").is_visible()
    phone.goto("/field/log")
    assert phone.get_by_label("服务内容").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.context.set_offline(False)


def test_weak_signal_queues_the_log_and_says_so_where_the_eye_is(phone, live_app, commissioner):
    live_app.config["FIELD_SAVE_TIMEOUT_MS"] = 1500
    try:
        sign_in(phone, commissioner[0])
        _visit_online(phone, "/field/log")
        held = []
        # The phone says online, but the upload never gets an answer in time.
        phone.context.route("**/field/log", lambda route: held.append(route)
                            if route.request.method == "POST" else route.continue_())
        phone.get_by_label("服务类型").select_option(label="技术指导")
        phone.get_by_label("服务内容").fill("弱信号：茶园修剪指导\n第二行说明")
        phone.get_by_role("button", name="保存").click()
        note = phone.locator("#save-note")
        note.get_by_text("待上传 1 条").wait_for()
        assert "已保存在本机" in note.inner_text() and "信号弱" in note.inner_text()
        assert _in_view(phone, "#save-note")
        assert phone.evaluate("document.activeElement.id") == "save-note"
        queue = phone.locator("#offline-queue")
        assert "待上传 1 条" in queue.inner_text() and "弱信号：茶园修剪指导" in queue.inner_text()
        assert held and logs_with(live_app, "弱信号：茶园修剪指导\n第二行说明") == 0
        # The form is ready for the next service.
        assert phone.get_by_label("服务内容").input_value() == ""

        phone.context.unroute("**/field/log")
        phone.evaluate("window.dispatchEvent(new Event('online'))")
        queue.wait_for(state="hidden")
        assert logs_with(live_app, "弱信号：茶园修剪指导\n第二行说明") == 1
    finally:
        live_app.config.pop("FIELD_SAVE_TIMEOUT_MS", None)


def test_refused_upload_says_why_and_can_be_discarded(phone, live_app, commissioner):
    sign_in(phone, commissioner[0])
    _visit_online(phone, "/field/log")
    phone.context.set_offline(True)
    phone.get_by_label("服务类型").select_option(label="技术指导")
    phone.get_by_label("服务时长（小时）").fill("30")  # the server refuses more than 24
    phone.get_by_label("服务内容").fill("离线记录：时长填错")
    phone.get_by_role("button", name="保存").click()
    phone.locator("#save-note").get_by_text("待上传 1 条").wait_for()
    queue = phone.locator("#offline-queue")
    assert "待上传 · " in queue.inner_text()

    phone.context.set_offline(False)
    queue.locator(".queued-log[data-state=failed]").wait_for()
    assert "服务时长" in queue.locator(".queued-error").inner_text()
    assert queue.get_by_role("button", name="重试").is_visible()
    phone.on("dialog", lambda dialog: dialog.accept())
    queue.get_by_role("button", name="放弃").click()
    queue.wait_for(state="hidden")
    assert logs_with(live_app, "离线记录：时长填错") == 0
    phone.console_errors[:] = [e for e in phone.console_errors if "422" not in e]


def test_after_sign_out_nothing_of_the_commissioner_shows_offline(phone, live_app, commissioner):
    username, target, contact_phone = commissioner
    sign_in(phone, username)
    _visit_online(phone, "/field/log")
    phone.context.set_offline(True)
    phone.get_by_label("服务类型").select_option(label="技术指导")
    phone.get_by_label("服务内容").fill("离线记录：退出前未上传")
    phone.get_by_role("button", name="保存").click()
    phone.locator("#save-note").get_by_text("待上传 1 条").wait_for()
    # Back online, but the upload is held: the entry is still unsent at sign-out.
    phone.context.route("**/field/log", lambda route: None if route.request.method == "POST"
                        else route.continue_())
    phone.context.set_offline(False)

    warnings = []
    phone.on("dialog", lambda dialog: (warnings.append(dialog.message), dialog.accept()))
    phone.locator("#signed-in-as").click()
    phone.get_by_role("button", name="退出").click()
    phone.wait_for_url("**/login")
    assert warnings and "1 条服务日志没有上传" in warnings[0]
    assert phone.evaluate("caches.keys()") == []
    assert phone.evaluate("indexedDB.databases().then(list => list.map(d => d.name))") == []
    assert phone.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    phone.context.unroute("**/field/log")

    phone.context.set_offline(True)
    for path in ("/", "/field", "/field/logs", "/field/log"):
        with contextlib.suppress(PlaywrightError):  # the browser's "no internet" page
            phone.goto(path)
        text = _settled_content(phone)
        assert target not in text and contact_phone not in text and "离线记录" not in text
    phone.context.set_offline(False)
    phone.console_errors[:] = [e for e in phone.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]
    assert logs_with(live_app, "离线记录：退出前未上传") == 0


def test_a_targets_need_offline_then_a_log_that_settles_it_with_a_captioned_photo(
        phone, live_app, commissioner):
    from io import BytesIO

    from PIL import Image

    from talent.commissioners import operations
    from talent.commissioners.models import ServiceLog, ServiceTarget
    from tests.factories import UserFactory

    username, target_name, _phone_number = commissioner
    with live_app.app_context():
        target = db.session.scalar(db.select(ServiceTarget).where(ServiceTarget.name == target_name))
        operations.create_need(UserFactory(role="admin"), target, {
            "title": "稻田养鱼鱼苗死亡", "field": "modern_agriculture", "urgency": "high",
            "description": "投放一周后鱼苗大量死亡", "status": "open", "commissioner_id": None})
        db.session.commit()
        db.session.remove()
    sign_in(phone, username)
    _visit_online(phone, "/field")
    phone.context.set_offline(True)
    phone.goto("/field")
    assert "稻田养鱼鱼苗死亡" in phone.locator("main").inner_text()
    assert "投放一周后鱼苗大量死亡" in phone.locator("main").inner_text()
    phone.context.set_offline(False)

    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": 25.8712, "longitude": 111.7033, "accuracy": 18})
    phone.goto("/field/log")
    phone.evaluate("localStorage.setItem('field-checkin-consent', 'yes')")
    phone.get_by_label("服务类型").select_option(label="技术指导")
    phone.get_by_label("服务内容").fill("检查水质，调整投苗密度")
    phone.get_by_label("回应的技术需求（可选）").select_option(label=f"稻田养鱼鱼苗死亡（{target_name}）")
    phone.get_by_label("该需求已解决（日志确认后关闭需求）").check()
    picture = BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(picture, format="JPEG")
    phone.locator("#photos").set_input_files(
        {"name": "pond.jpg", "mimeType": "image/jpeg", "buffer": picture.getvalue()})
    phone.locator("#photo-meta-status").get_by_text("已记录拍摄时间和地点").wait_for()
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url("**/field/logs")
    with live_app.app_context():
        log = db.session.scalar(db.select(ServiceLog).where(
            ServiceLog.content == "检查水质，调整投苗密度"))
        assert log.need is not None and log.need.title == "稻田养鱼鱼苗死亡" and log.need_done
        photo = log.photos[0]
        assert (photo.lat, photo.lng, photo.accuracy_m) == (25.8712, 111.7033, 18)
        assert photo.caption.startswith("拍摄于 ") and "25.8712, 111.7033（±18 m）" in photo.caption
        log_id = log.id
        db.session.remove()
    phone.goto(f"/field/logs/{log_id}/edit")
    assert "25.8712, 111.7033（±18 m）" in phone.locator("#log-photos").inner_text()
