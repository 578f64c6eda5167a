"""A clerk of 县委组织部 at work, in a real browser."""
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from talent.registry.spreadsheet import HEADERS
from tests.browser.conftest import open_menu, sign_in
from tests.factories import resident_id

pytestmark = pytest.mark.browser


def test_create_talent_rejecting_a_bad_id_then_find_it(page):
    sign_in(page, "zzb")
    open_menu(page, "人才库", "人才信息库")
    page.get_by_role("link", name="登记人才").click()
    page.get_by_label("姓名").fill("蒋建华")
    page.get_by_label("证件号码").fill("431123198503150012")  # wrong check digit
    page.get_by_label("联系电话").fill("13874611111")
    page.get_by_label("学历").select_option(label="博士研究生")
    page.get_by_label("工作单位").fill("双牌县虎杖生物科技有限公司")
    page.get_by_label("专业领域").select_option(label="生物医药")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("身份证号码校验位不正确，请核对").is_visible()
    page.get_by_label("证件号码").fill("431123198503150017")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/talents/*")
    assert page.get_by_text("已登记人才 蒋建华").is_visible()
    assert page.locator("dd", has_text="1985-03-15").is_visible()

    page.goto("/talents")
    for search in ("虎杖", "４３１１２３１９８５０３１５００１７"):  # a word; the whole ID, typed full-width
        page.get_by_placeholder("姓名、单位、电话或完整证件号码").fill(search)
        page.get_by_role("button", name="查询").click()
        row = page.locator("table tbody tr")
        assert row.count() == 1
        assert "蒋建华" in row.first.inner_text()


def test_import_then_export_and_open_the_file(page, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    names = ["周立新", "邓红梅", "伍卫东"]
    for name in names:
        values = {"姓名": name, "证件号码": resident_id(), "学历": "大学本科",
                  "工作单位": "湖南昇宇科技有限公司", "专业领域": "新能源新材料", "人才类别": "双牌工匠"}
        sheet.append([values.get(h, "") for h in HEADERS])
    upload = tmp_path / "双牌工匠.xlsx"
    workbook.save(upload)

    sign_in(page, "zzb")
    page.goto("/talents/import")
    page.get_by_label("导入文件").set_input_files(str(upload))
    page.get_by_role("button", name="校验并导入").click()
    page.wait_for_url("**/talents")
    assert page.get_by_text("导入成功：共 3 名人才").is_visible()

    page.get_by_label("人才类别").select_option(label="双牌工匠")
    page.get_by_role("button", name="查询").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "export.xlsx"
    download.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[0][1] == "姓名"
    assert sorted(r[1] for r in rows[1:]) == sorted(names)


def test_import_with_errors_shows_row_numbers(page, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([{"姓名": "错号码", "证件号码": "123", "学历": "大学本科", "工作单位": "双牌县林业局",
                   "专业领域": "现代农业"}.get(h, "") for h in HEADERS])
    data = BytesIO()
    workbook.save(data)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data.getvalue())
    sign_in(page, "zzb")
    page.goto("/talents/import")
    page.get_by_label("导入文件").set_input_files(str(path))
    page.get_by_role("button", name="校验并导入").click()
    report = page.locator("#import-report")
    assert "第 2 行" in report.inner_text()
    assert "身份证号码应为18位" in report.inner_text()


def test_phone_layout_has_no_sideways_scroll(phone):
    sign_in(phone, "kgxj")
    phone.goto("/talents")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    toggler = phone.get_by_role("button", name="展开菜单")
    assert toggler.is_visible()
    toggler.click()
    phone.locator(".navbar-nav .dropdown-toggle", has_text="人才库").click()
    assert phone.get_by_role("link", name="人才信息库").is_visible()
    # a unit clerk reads the database but is offered no registration
    assert phone.get_by_role("link", name="登记人才").count() == 0
    phone.screenshot(path="/tmp/talent-phone.png", full_page=True)


def test_corrections_list_keeps_the_name_on_one_line_at_1366(browser, live_server, live_app):
    from talent.extensions import db
    from talent.registry.operations import request_correction
    from tests.browser.accessibility import axe_violations
    from tests.factories import TalentFactory

    with live_app.app_context():
        talent = TalentFactory(name="欧阳湘云")
        request_correction(None, talent, "职称应为正高级（2026年9月评定），请更正；" * 6)
        handled = request_correction(None, TalentFactory(name="唐志刚"), "工作单位已变更")
        from talent.registry.operations import handle_correction

        handle_correction(None, handled, "已更正")
        db.session.commit()
        db.session.remove()
    context = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 768},
                                  locale="zh-CN")
    page = context.new_page()
    sign_in(page, "zzb")
    page.goto("/talents/corrections")
    name = page.locator("td[data-label='人才'] a", has_text="欧阳湘云")
    box = name.bounding_box()
    assert box["height"] < 30 and box["width"] > 50, box  # one line, four characters wide
    assert axe_violations(page) == []
    context.close()
