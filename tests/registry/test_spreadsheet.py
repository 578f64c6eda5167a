"""Real .xlsx files in both directions, read back with openpyxl."""
from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from talent.extensions import db
from talent.registry.models import Talent
from talent.registry.spreadsheet import HEADERS
from tests.factories import TalentFactory, resident_id


def _row(**values) -> list:
    defaults = {"姓名": "李明", "证件类型": "居民身份证", "证件号码": resident_id(), "国籍": "中国",
                "学历": "硕士研究生", "职称等级": "副高级", "工作单位": "湖南双牌竹木科技有限公司",
                "专业领域": "农林产品(竹木)精深加工", "人才类别": "卓越工程师", "人才来源": "本土培养",
                "在县内工作": "是", "荣誉称号": "湖南省技术能手；永州市五一劳动奖章", "状态": "在县工作"}
    defaults.update(values)
    return [defaults.get(h, "") for h in HEADERS]


def _upload(client, rows: list[list], headers: list[str] = HEADERS, name="人才.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    data = BytesIO()
    workbook.save(data)
    data.seek(0)
    return client.post("/talents/import", data={"file": (data, name)},
                       content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(select(func.count(Talent.id)))


def test_template_downloads_with_chinese_headers(client, auth):
    auth.login_as("org")
    response = client.get("/talents/import/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.data))
    assert [c.value for c in workbook["人才信息"][1]] == HEADERS
    assert "填写说明" in workbook.sheetnames


def test_import_all_rows(client, auth):
    auth.login_as("org")
    rows = [_row(姓名="唐志刚"), _row(姓名="Anna Müller", 证件类型="护照", 证件号码="X1234567",
                                     国籍="德国", 性别="女", 人才来源="引进", 引进时间="2024-05-01")]
    response = _upload(client, rows)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _count() == 2
    anna = db.session.scalar(select(Talent).where(Talent.id_type == "passport"))
    assert (anna.nationality, anna.gender, anna.source) == ("DE", "female", "introduced")
    tang = db.session.scalar(select(Talent).where(Talent.name == "唐志刚"))
    assert tang.honors == ["湖南省技术能手", "永州市五一劳动奖章"]


def test_one_bad_row_imports_nothing_and_reports_each(client, auth):
    auth.login_as("org")
    existing = TalentFactory()
    db.session.commit()
    same = resident_id()
    rows = [_row(), _row(证件号码="431123198503150012"), _row(证件号码=same), _row(证件号码=same),
            _row(证件号码=existing.id_number), _row(学历="留学", 联系电话="123")]
    body = _upload(client, rows).get_data(as_text=True)
    assert _count() == 1
    assert "第 3 行" in body and "校验位不正确" in body
    assert "第 5 行" in body and "与第4行重复" in body
    assert "第 6 行" in body and "已登记" in body
    assert "第 7 行" in body and "学历" in body and "联系电话" in body
    assert "第 2 行" not in body


def test_rejects_non_xlsx_and_wrong_headers(client, auth):
    auth.login_as("org")
    csv = client.post("/talents/import", data={"file": (BytesIO(b"a,b"), "x.csv")},
                      content_type="multipart/form-data")
    assert "只支持 .xlsx" in csv.get_data(as_text=True)
    fake = client.post("/talents/import", data={"file": (BytesIO(b"not a zip"), "x.xlsx")},
                       content_type="multipart/form-data")
    assert "无法读取文件" in fake.get_data(as_text=True)
    wrong = _upload(client, [["a", "b"]], headers=["名字", "单位"])
    assert "缺少列" in wrong.get_data(as_text=True)
    empty = _upload(client, [])
    assert "没有数据行" in empty.get_data(as_text=True)
    nothing = client.post("/talents/import", data={}, content_type="multipart/form-data")
    assert "请选择" in nothing.get_data(as_text=True)
    assert _count() == 0


def test_export_filtered_list_and_masking(client, auth):
    hospital = TalentFactory(name="何建平", employer="双牌县人民医院", field="healthcare",
                             honors=["湖南省青年岗位能手"])
    TalentFactory(name="唐志刚", field="new_energy_materials")
    db.session.commit()
    auth.login_as("unit")
    response = client.get("/talents/export.xlsx?field=healthcare")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("人才编号", "姓名", "证件类型")
    assert len(rows) == 2
    assert rows[1][1] == "何建平" and rows[1][13] == "医疗卫生"
    assert rows[1][3] != hospital.id_number and "*" in rows[1][3]
    assert "湖南省青年岗位能手" in rows[1]
    client.post("/logout")
    auth.login_as("org")
    full = load_workbook(BytesIO(client.get("/talents/export.xlsx?field=healthcare").data)).active
    assert list(full.iter_rows(values_only=True))[1][3] == hospital.id_number


def test_exported_file_imports_back_after_removing_the_id_column(client, auth):
    """The export and the template share columns, so a 台账 can move between systems."""
    TalentFactory(name="欧阳湘云")
    db.session.commit()
    auth.login_as("org")
    exported = load_workbook(BytesIO(client.get("/talents/export.xlsx").data)).active
    rows = [list(r)[1:-2] for r in exported.iter_rows(min_row=2, values_only=True)]
    db.session.execute(db.delete(Talent))
    db.session.commit()
    assert _upload(client, rows).status_code == 302
    assert db.session.scalar(select(Talent.name)) == "欧阳湘云"


def test_import_errors_say_what_was_given_and_what_is_allowed(client, auth):
    auth.login_as("org")
    body = _upload(client, [_row(人才来源="外星", 引进时间="去年三月")]).get_data(as_text=True)
    assert "“外星”不是有效的人才来源，可选：引进、本土培养" in body
    assert "日期格式应为 年-月-日，如 2024-05-01" in body
    assert _count() == 0


def test_a_row_with_two_errors_reports_both(client, auth):
    auth.login_as("org")
    existing = TalentFactory()
    db.session.commit()
    body = _upload(client, [_row(学历="学士后", 证件号码=existing.id_number)]).get_data(as_text=True)
    assert "“学士后”不是有效的学历" in body and "已登记" in body
    assert _count() == 1


def test_obvious_synonyms_are_accepted(client, auth):
    auth.login_as("org")
    _upload(client, [_row(人才来源="本地", 学历="硕士", 职称等级="副高")])
    talent = db.session.scalar(select(Talent))
    assert (talent.source, talent.education, talent.title_level) == ("local", "master", "vice_senior")


def test_template_formats_the_id_column_as_text(client, auth):
    auth.login_as("org")
    workbook = load_workbook(BytesIO(client.get("/talents/import/template.xlsx").data))
    sheet = workbook["人才信息"]
    letter = sheet.cell(row=1, column=HEADERS.index("证件号码") + 1).column_letter
    assert sheet.column_dimensions[letter].number_format == "@"
    assert sheet.column_dimensions["A"].number_format == "General"


def test_an_id_number_excel_stored_as_a_number_is_named_as_such(client, auth):
    auth.login_as("org")
    good = resident_id()
    # What Excel keeps of 431123198503150017 typed into a "General" cell: 15 significant digits.
    mangled = float(f"{int(good[:17] + '0'):.14e}")  # (a check "X" could not be typed as a number)
    response = _upload(client, [_row(证件号码=mangled), _row(姓名="唐志刚", 证件号码=4311231985031)])
    body = response.get_data(as_text=True)
    assert "第 2 行" in body and "该单元格被 Excel 存成了数字，末几位已丢失，请将列设为文本后重新填写" in body
    assert "校验位不正确" not in body  # said instead of the misleading check-digit error
    # A short number is an ordinary mistake, not Excel's doing.
    assert "第 3 行" in body and "Excel 存成了数字" not in body.split("第 3 行", 1)[1]
    assert _count() == 0
