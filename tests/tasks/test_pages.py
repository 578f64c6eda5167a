"""The tracker's pages: plan, item, report form, review, 督办, 调度 view, exports."""
from datetime import date, timedelta
from io import BytesIO

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.tasks import operations
from talent.tasks.models import Directive, ProgressReport
from tests.tasks.conftest import unit_id


def _login(auth, unit_name: str | None = None, role: str = "unit"):
    if unit_name is None:
        return auth.login_as(role)
    return auth.login_as(role, unit_id=unit_id(unit_name))


def test_plan_page_shows_items_lights_working_group(client, auth, plan):
    _login(auth, "县林业局")
    page = client.get(f"/tasks/plans/{plan.id}").get_data(as_text=True)
    for code in ("1.1", "2.3", "4.3"):
        assert f'data-item="{code}"' in page
    assert "逾期" in page  # the seed deadlines are past: shown honestly
    assert "县政府分管副县长" in page and "国家税务局双牌分局" in page
    assert "2.强化科技投入" in page and "研发经费投入增长" in page
    assert "复制为新年度方案" not in page  # not the office


def test_plan_list_redirects_to_the_only_plan(client, auth, plan):
    _login(auth, role="org")
    response = client.get("/tasks")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tasks/plans/{plan.id}")


def test_forestry_clerk_reports_on_1_1(client, auth, items, frozen):
    frozen(date(2023, 7, 3))
    clerk = _login(auth, "县林业局")
    item = items["1.1"]
    form = client.get(f"/tasks/items/{item.id}/report").get_data(as_text=True)
    assert "报送单位：县林业局" in form
    bad = client.post(f"/tasks/items/{item.id}/report", data={"period": "2023-6", "narrative": ""})
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "报告期应为 YYYY-MM" in text and "请填写本月工作进展" in text
    done = client.post(f"/tasks/items/{item.id}/report", data={
        "period": "2023-06", "narrative": "完成集聚区选址论证", "problems": "用地指标未落实"})
    assert done.status_code == 302
    report = db.session.scalar(select(ProgressReport).where(ProgressReport.item_id == item.id))
    assert (report.unit.name, report.submitted_by_id) == ("县林业局", clerk.id)
    assert report.problems == "用地指标未落实"


def test_other_units_get_403_on_the_report_form(client, auth, items):
    _login(auth, "县住建局")
    assert client.get(f"/tasks/items/{items['1.1'].id}/report").status_code == 403
    assert client.post(f"/tasks/items/{items['1.1'].id}/report",
                       data={"period": "2023-06", "narrative": "x"}).status_code == 403


def test_lead_confirms_and_responsible_cannot(client, auth, items, staff, frozen):
    frozen(date(2023, 7, 3))
    clerk = staff("县林业局")
    item = items["2.1"]
    contract = next(i for i in item.indicators if "科技型中小企业" in i.name)  # a sum: its part counts
    report = operations.submit_report(clerk, item, clerk.unit, "2023-06", "登记", {contract.id: 1.2})
    db.session.commit()
    _login(auth, "县林业局")
    assert client.post(f"/tasks/reports/{report.id}/review", data={"decision": "confirm"}).status_code == 403
    _login(auth, "县科工信局")
    page = client.get(f"/tasks/items/{item.id}").get_data(as_text=True)
    assert "review-form" in page
    response = client.post(f"/tasks/reports/{report.id}/review",
                           data={"decision": "confirm", "version": str(report.version)})
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.status == "confirmed" and contract.actual == 1.2
    again = client.post(f"/tasks/reports/{report.id}/review", data={"decision": "confirm"},
                        headers={"Referer": f"http://localhost/tasks/items/{item.id}"})
    assert again.status_code == 302  # refused: flash and back, nothing changes
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "confirm")) is not None


def test_office_issues_directive_and_unit_replies(client, auth, items, frozen):
    frozen(date(2023, 7, 3))
    item = items["2.3"]
    _login(auth, "县林业局")
    assert client.post(f"/tasks/items/{item.id}/directives", data={}).status_code == 403
    _login(auth, "县科工信局")
    bank = unit_id("人民银行双牌支行")
    reply_by = (date.today() + timedelta(days=5)).isoformat()
    response = client.post(f"/tasks/items/{item.id}/directives", data={
        "unit_id": str(bank), "grade": "yellow", "request": "知识产权质押融资滞后，请说明",
        "reply_by": reply_by, "responsible_person": "王行长"})
    assert response.status_code == 302
    directive = db.session.scalar(select(Directive))
    assert directive.unit_id == bank and directive.status == "open"
    assert directive.number == "督办〔2023〕1号" and directive.grade == "yellow"
    printed = client.get(f"/tasks/directives/{directive.id}/print").get_data(as_text=True)
    assert "督办〔2023〕1号" in printed and "size: A4" in printed and "王行长" in printed
    _login(auth, "人民银行双牌支行")
    assert "待回复督办单" in client.get("/").get_data(as_text=True)
    client.post(f"/tasks/directives/{directive.id}/reply", data={"reply": "未签收先回复"})
    db.session.refresh(directive)
    assert directive.status == "open"  # 签收 first
    client.post(f"/tasks/directives/{directive.id}/receipt")
    client.post(f"/tasks/directives/{directive.id}/reply", data={"reply": "已组织银企对接"})
    db.session.refresh(directive)
    assert directive.status == "replied"


def test_completion_then_acceptance(client, auth, items):
    item = items["3.2"]
    _login(auth, "县市场监管局")
    assert client.post(f"/tasks/items/{item.id}/complete", data={"evidence": "x"}).status_code == 403
    _login(auth, "县科工信局")
    client.post(f"/tasks/items/{item.id}/complete", data={"evidence": "工作站已挂牌"})
    client.post(f"/tasks/items/{item.id}/accept", data={"decision": "accept"})
    db.session.refresh(item)
    assert item.status == "done"
    page = client.get(f"/tasks/items/{item.id}").get_data(as_text=True)
    assert 'data-light="done"' in page and "工作站已挂牌" in page


def test_dashboard_and_its_json(client, auth, plan, items, frozen):
    frozen(date(2023, 7, 3))
    _login(auth, role="org")
    page = client.get(f"/tasks/plans/{plan.id}/dashboard").get_data(as_text=True)
    assert "chart-actions" in page and "dashboard-data" in page and "<script>" not in page
    assert "js/tasks.js" in page and "vendor/chartjs/chart.umd.min.js" in page
    data = client.get(f"/tasks/plans/{plan.id}/dashboard.json").get_json()
    assert [a["label"][:2] for a in data["actions"]] == ["一、", "二、", "三、", "四、"]
    assert sum(a["red"] + a["yellow"] + a["green"] + a["done"] for a in data["actions"]) == 11
    assert any(i["label"] == "2.1 技术合同交易额" for i in data["indicators"])
    forestry = client.get(f"/tasks/plans/{plan.id}/dashboard.json?unit={unit_id('县林业局')}").get_json()
    assert sum(a["red"] + a["yellow"] + a["green"] + a["done"] for a in forestry["actions"]) == 3


def test_missing_list_and_reminders(client, auth, plan, frozen):
    frozen(date(2023, 7, 3))
    _login(auth, "县科工信局")
    page = client.get(f"/tasks/plans/{plan.id}/missing?period=2023-06").get_data(as_text=True)
    assert 'data-unit="泷泊镇"' in page and 'data-unit="阳明山管理局"' in page
    assert client.post(f"/tasks/plans/{plan.id}/remind").status_code == 302
    _login(auth, "县林业局")
    assert client.post(f"/tasks/plans/{plan.id}/remind").status_code == 403


def test_docx_and_xlsx_read_back(client, auth, plan, items, staff, frozen):
    frozen(date(2023, 7, 3))
    lead = staff("县科工信局")
    item = items["2.1"]
    contract = next(i for i in item.indicators if i.name == "技术合同交易额")
    report = operations.submit_report(lead, item, lead.unit, "2023-06", "登记", {contract.id: 1.0},
                                      "=HYPERLINK(\"x\") 企业积极性不高")
    operations.review_report(staff("县科工信局"), report, True)  # four eyes: a colleague confirms
    operations.issue_directive(lead, item, item.lead_units[0], "请加快", date.today() + timedelta(days=3))
    db.session.commit()
    _login(auth, "县住建局")
    assert client.get(f"/tasks/plans/{plan.id}/report.docx").status_code == 403
    _login(auth, "县科工信局")
    response = client.get(f"/tasks/plans/{plan.id}/report.docx")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    document = Document(BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)  # GB/T 9704 版心
    assert "PAGE" in section.footer._element.xml  # page numbers
    assert "方正小标宋简体" in document.paragraphs[0].runs[0]._element.xml
    assert "altName" in next(p for p in document.part.package.iter_parts()
                             if p.partname.endswith("fontTable.xml")).blob.decode()
    assert "调度报告" in text and "一、总体目标" in text and "2023年7月3日" in text
    assert "1. 全社会研发经费投入增长" in text
    assert "工作任务指标" in text and "开发竹木新产品" in text  # 工作任务 targets included
    assert "督办〔2023〕1号（黄色督办（滞后））督办 县科工信局" in text  # numbered 督办 list
    assert "督县" not in text and "（目标 （" not in text
    assert len(document.tables) == 4
    rows = {row.cells[0].text: [c.text for c in row.cells] for t in document.tables for row in t.rows}
    assert set(rows) >= {"1.1", "2.1", "3.2", "4.3"}
    assert "技术合同交易额：1亿元（目标 ≥ 2 亿元，完成 50%）" in rows["2.1"][3]
    assert "企业积极性不高" in rows["2.1"][4] and "待回复" in rows["2.1"][4]
    assert rows["2.1"][2].startswith("黄灯") or rows["2.1"][2].startswith("绿灯")
    assert "发放“泷泊英才VIP卡”：0张（监测指标，无量化目标）" in rows["4.3"][3]
    sheet = client.get(f"/tasks/plans/{plan.id}/report.xlsx")
    assert sheet.status_code == 200
    workbook = load_workbook(BytesIO(sheet.data))
    values = list(workbook.active.iter_rows(values_only=True))
    caption = "双牌县打好科技创新攻坚仗工作方案（2023-01-01 至 2025-12-31，实施中）调度表"
    assert values[0][0].startswith(caption)
    assert values[1][:3] == ("工作任务", "编号", "工作事项")
    contract_row = next(r for r in values if r[8] == "技术合同交易额")
    assert contract_row[1] == "2.1" and contract_row[10] == 1.0 and contract_row[11] == 50.0
    assert contract_row[13] == '2023-06 县科工信局：=HYPERLINK("x") 企业积极性不高'  # text, not a formula
    levels = {r[15] for r in values[2:]}
    assert levels == {"总体目标", "工作任务", "工作事项", None}  # None: an item without indicators
    assert any(r[8] == "新引进高新竹木企业" for r in values)
    light_cell = next(row[6] for row in workbook.active.iter_rows(min_row=3) if row[1].value == "2.1")
    assert light_cell.fill.fgColor.rgb.endswith(("FFE699", "C6EFCE"))  # yellow or green, coloured
    exports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert len(exports) == 2


def test_settings_and_copy_for_the_office(client, auth, plan):
    _login(auth, "县林业局")
    assert client.get(f"/tasks/plans/{plan.id}/settings").status_code == 403
    _login(auth, "县科工信局")
    assert client.post(f"/tasks/plans/{plan.id}/settings", data={"tolerance": "99"}).status_code == 200
    assert client.post(f"/tasks/plans/{plan.id}/settings", data={"tolerance": "15"}).status_code == 302
    db.session.refresh(plan)
    assert plan.tolerance == 15
    review = client.post(f"/tasks/plans/{plan.id}/copy", data={"name": "2024年工作方案", "year": "2024"})
    assert review.status_code == 200 and "核对每个事项的完成时限" in review.get_data(as_text=True)
    assert len(operations.plans()) == 1
    deadlines = {f"deadline_{item.id}": "2024-12-31" for item in plan.items}
    response = client.post(f"/tasks/plans/{plan.id}/copy",
                           data={"name": "2024年工作方案", "year": "2024", "reviewed": "1", **deadlines})
    assert response.status_code == 302 and "/tasks/plans/" in response.headers["Location"]
    assert len(operations.plans()) == 2


def test_panels_for_a_unit_and_the_office(client, auth, plan, frozen):
    frozen(date(2023, 7, 3))
    _login(auth, "县林业局")
    page = client.get("/").get_data(as_text=True)
    assert "my-task-items" in page and "1.1" in page and "task-overview" not in page
    _login(auth, "县科工信局")
    assert "task-overview" in client.get("/").get_data(as_text=True)
    auth.login_as("talent")
    assert client.get(f"/tasks/plans/{plan.id}").status_code == 403


def test_returned_report_opens_with_what_was_sent(client, auth, items, staff, frozen):
    frozen(date(2023, 7, 3))
    clerk, lead = staff("县林业局"), staff("县科工信局")
    item = items["2.1"]
    contract = next(i for i in item.indicators if i.name == "技术合同交易额")
    report = operations.submit_report(clerk, item, clerk.unit, "2023-06", "第一次报送", {contract.id: 0.4})
    operations.review_report(lead, report, False, "数据口径有误")
    db.session.commit()
    auth.login_as("unit", unit_id=clerk.unit_id)
    form = client.get(f"/tasks/items/{item.id}/report?period=2023-06").get_data(as_text=True)
    assert "第一次报送" in form and 'value="0.4"' in form


def test_a_report_that_arrives_clears_red_with_a_recorded_reason(items, staff, frozen):
    frozen(date(2023, 3, 10))
    item = items["1.1"]
    operations.refresh_lights(item.plan)
    assert operations.light_history(item)[-1].light == "red"
    clerk = staff("县林业局")
    operations.submit_report(clerk, item, clerk.unit, "2023-02", "补报", {})
    last = operations.light_history(item)[-1]
    assert (last.previous, last.light, last.reason) == ("red", "green", "按序时进度推进")


def test_office_edits_an_item_and_its_indicators(client, auth, plan, items):
    item = items["2.2"]
    _login(auth, "县林业局")
    assert client.get(f"/tasks/items/{item.id}/edit").status_code == 403
    _login(auth, "县科工信局")
    page = client.get(f"/tasks/items/{item.id}/edit").get_data(as_text=True)
    assert "国家税务局双牌分局" in page
    kgxj, forestry, tax = unit_id("县科工信局"), unit_id("县林业局"), unit_id("国家税务局双牌分局")
    clash = client.post(f"/tasks/items/{item.id}/edit", data={
        "title": item.title, "text": item.text, "deadline": "2024-06-30",
        "lead_unit_ids": [str(kgxj)], "responsible_unit_ids": [str(kgxj)]})
    assert "同一单位不能既是牵头单位又是责任单位" in clash.get_data(as_text=True)
    saved = client.post(f"/tasks/items/{item.id}/edit", data={
        "title": item.title, "text": item.text, "deadline": "2024-06-30",
        "lead_unit_ids": [str(kgxj)], "responsible_unit_ids": [str(forestry), str(tax)]})
    assert saved.status_code == 302
    db.session.expire_all()
    assert item.deadline == date(2024, 6, 30)
    assert [u.name for u in item.responsible_units] == ["县林业局", "国家税务局双牌分局"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "task_items",
                                                       AuditEntry.action == "update"))
    assert entry.changes["deadline"] == ["2023-12-31", "2024-06-30"]
    assert entry.changes["responsible_units"][1] == ["县林业局", "国家税务局双牌分局"]

    projects = item.indicators[0]
    assert client.post(f"/tasks/indicators/{projects.id}/edit", data={
        "name": projects.name, "measure": "项", "comparison": "at_least", "target": "-1"}).status_code == 200
    client.post(f"/tasks/indicators/{projects.id}/edit", data={
        "name": projects.name, "measure": "项", "comparison": "at_least", "target": "2"})
    db.session.refresh(projects)
    assert projects.target == 2
    client.post(f"/tasks/items/{item.id}/indicators/new", data={
        "name": "科技成果转化率", "measure": "%", "comparison": "about", "target": "30"})
    db.session.expire_all()
    assert [i.name for i in item.indicators][-1] == "科技成果转化率"
