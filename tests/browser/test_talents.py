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
