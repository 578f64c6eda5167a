"""Pages: the talent's portal (file with attachments, timeline, supply, rate), the unit's queue,
filing for a talent, admin types and calendar, figures and export — with bad input."""
from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from talent.cards import operations as cards
from talent.extensions import db
from talent.services import operations as services
from talent.services.models import ServiceAttachment, ServiceRequest, ServiceType, WorkdayOverride
from tests.factories import TalentFactory, UserFactory
from tests.services.conftest import PDF_BYTES, checked_png, file_housing, in_state, move, png_bytes, sign_in

NEW = {"type": "housing", "title": "申请人才公寓", "description": "申请入住县人才公寓，家属两人"}


def _file(client, files):
    data = {**NEW, "attachments": [(BytesIO(content), name) for name, content in files]}
    return client.post("/me/services/new", data=data, content_type="multipart/form-data")


def test_talent_files_with_attachments_and_follows_the_timeline(client, people, today):
    sign_in(client, people.talent_user)
    form = client.get("/me/services/new").get_data(as_text=True)
    assert "县住建局办理" in form and "限VIP卡持卡人" in form
    response = _file(client, [("申请表.pdf", PDF_BYTES), ("IMG_2041.PNG", png_bytes())])
    assert response.status_code == 302
    req = db.session.scalar(select(ServiceRequest))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "提交申请，由县住建局办理" in page and req.number in page and "待受理" in page
    names = [a.filename for a in services.attachments_of(req)]
    assert names == ["申请表.pdf", "IMG_2041.png"]
    pdf = services.attachments_of(req)[0]
    download = client.get(f"/me/services/{req.id}/attachments/{pdf.id}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert download.mimetype == "application/pdf" and download.headers["Cache-Control"] == "no-store"
    # stored outside static/, under the instance folder
    stored = services.attachments.path_of(pdf.stored_name)
    assert "static" not in stored.parts and stored.exists()
    # the clerk asks for materials; the talent sees what is missing and supplies it
    move(people.zjj, req, "accept", "")
    move(people.zjj, req, "ask_materials", "请补充户口簿复印件")
    services.add_note(people.zjj, req, "房源紧张，先排队", internal=True)
    db.session.commit()
    page = client.get(f"/me/services/{req.id}").get_data(as_text=True)
    assert "请补充户口簿复印件" in page and "需要补充材料" in page and "房源紧张" not in page
    supplied = client.post(f"/me/services/{req.id}/transition", content_type="multipart/form-data", data={
        "to": "supply", "note": "已上传户口簿", "version": str(req.version),
        "attachments": [(BytesIO(png_bytes("blue")), "户口簿.png")]})
    assert supplied.status_code == 302
    db.session.refresh(req)
    assert req.status == "in_progress" and len(services.attachments_of(req)) == 3
    move(people.zjj, req, "complete", "已安排入住人才公寓3栋502")
    db.session.commit()
    rated = client.post(f"/me/services/{req.id}/rating", data={"score": "4", "comment": "很及时"},
                        follow_redirects=True).get_data(as_text=True)
    assert "感谢您的评价" in rated and "★★★★☆" in rated
    assert "已安排入住人才公寓3栋502" in rated


def test_bad_attachments_are_refused(client, people, today):
    sign_in(client, people.talent_user)
    fake = _file(client, [("合同.pdf", b"MZ\x90\x00 this is an exe")])
    assert fake.status_code == 302
    page = client.get("/me/services/new").get_data(as_text=True)
    assert "不是 PDF、JPEG 或 PNG 文件" in page
    big = _file(client, [("扫描.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))])
    assert big.status_code == 302
    broken = _file(client, [("照片.png", b"\x89PNG\r\n\x1a\n" + b"garbage")])
    assert broken.status_code == 302
    assert "已损坏" in client.get("/me/services/new").get_data(as_text=True)
    assert db.session.scalar(select(func.count(ServiceRequest.id))) == 0
    assert db.session.scalar(select(func.count(ServiceAttachment.id))) == 0


def test_someone_elses_request_and_attachment_are_404(client, people, today):
    theirs = services.file_request(people.other_talent_user, people.other_talent,
                                   services.type_by_code("housing"), "别人的申请", "x", files=[checked_png()])
    attachment = services.attachments_of(theirs)[0]
    db.session.commit()
    sign_in(client, people.talent_user)
    assert client.get(f"/me/services/{theirs.id}").status_code == 404
    assert client.get(f"/me/services/{theirs.id}/attachments/{attachment.id}").status_code == 404
    assert client.post(f"/me/services/{theirs.id}/transition",
                       data={"to": "withdraw", "version": "1"}).status_code == 404
    assert client.get(f"/services/{theirs.id}").status_code == 403  # not a staff page for talents
    # another unit: cannot read it, cannot act on it
    sign_in(client, people.wjj)
    assert client.get(f"/services/{theirs.id}").status_code == 404
    assert client.get(f"/services/{theirs.id}/attachments/{attachment.id}").status_code == 404
    refused = client.post(f"/services/{theirs.id}/transition", data={"to": "accept", "version": "1"})
    assert refused.status_code == 404  # 404 on every verb (issue 19 item 8)
    assert db.session.get(ServiceRequest, theirs.id).status == "submitted"
    # the handling unit and org can
    sign_in(client, people.zjj)
    assert client.get(f"/services/{theirs.id}/attachments/{attachment.id}").status_code == 200
    sign_in(client, people.org)
    assert client.get(f"/services/{theirs.id}/attachments/{attachment.id}").status_code == 200


def test_stale_page_gets_the_conflict_message(client, people, today):
    req = file_housing(people)
    db.session.commit()
    sign_in(client, people.zjj)
    client.post(f"/services/{req.id}/transition", data={"to": "accept", "version": "1"})
    stale = client.post(f"/services/{req.id}/transition",
                        data={"to": "reject", "note": "不符合", "version": "1"},
                        headers={"Referer": f"http://localhost/services/{req.id}"}, follow_redirects=True)
    assert "已被他人处理，请刷新" in stale.get_data(as_text=True)
    db.session.refresh(req)
    assert req.status == "accepted"


def test_queue_puts_priority_and_overdue_first_and_filters(client, people, today):
    plain = file_housing(people)
    holder = TalentFactory(education="doctorate", title_level="senior")
    cards.issue_card(None, holder)
    vip = services.file_request(people.org, holder, services.type_by_code("housing"), "VIP住房", "x")
    today.set(date(2026, 11, 3))
    fresh = file_housing(people)
    waiting = in_state(people, "waiting_materials")
    today.set(date(2026, 11, 5))  # plain and vip overdue for acceptance (due 4th); fresh due 5th
    db.session.commit()
    sign_in(client, people.zjj)
    page = client.get("/services").get_data(as_text=True)
    order = [page.index(r.number) for r in (vip, plain, fresh, waiting)]
    assert order == sorted(order)
    overdue = client.get("/services?overdue=1").get_data(as_text=True)
    assert plain.number in overdue and fresh.number not in overdue
    soon = client.get("/services?soon=1").get_data(as_text=True)
    assert fresh.number in soon and plain.number not in soon
    priority = client.get("/services?priority=1").get_data(as_text=True)
    assert vip.number in priority and plain.number not in priority
    by_status = client.get("/services?status=waiting_materials").get_data(as_text=True)
    assert waiting.number in by_status and plain.number not in by_status
    assert "没有符合条件的申请" in client.get("/services?type=medical").get_data(as_text=True)
    assert client.get("/services?unit_id=99999999999&page=x&status=bogus").status_code == 200
    detail = client.get(f"/services/{vip.id}").get_data(as_text=True)
    assert "申请人持有泷泊英才VIP卡" in detail and "人才公寓" in detail  # the tier's housing benefit
    sign_in(client, people.wjj)
    assert "暂无待办的服务申请" in client.get("/services").get_data(as_text=True)
    dashboard = client.get("/").get_data(as_text=True)
    assert "服务申请（县卫健局）" in dashboard


def test_org_files_for_a_talent(client, people, today):
    sign_in(client, people.org)
    assert client.get(f"/services/new?talent_id={people.talent.id}").status_code == 200
    missing = client.post("/services/new", data={**NEW, "talent_id": "99999"}).get_data(as_text=True)
    assert "没有这个人才编号" in missing
    huge = client.post("/services/new", data={**NEW, "talent_id": str(2**40)})
    assert huge.status_code == 200 and "没有这个人才编号" in huge.get_data(as_text=True)
    done = client.post("/services/new", data={**NEW, "talent_id": str(people.talent.id)})
    assert done.status_code == 302
    req = db.session.scalar(select(ServiceRequest))
    assert req.talent_id == people.talent.id and req.filed_by_id == people.org.id
    sign_in(client, people.talent_user)
    assert "人才办代为提交申请" in client.get(f"/me/services/{req.id}").get_data(as_text=True)


def test_admin_edits_a_type_and_the_calendar(client, people, today):
    housing = services.type_by_code("housing")
    db.session.commit()
    sign_in(client, people.admin)
    assert "县住建局" in client.get("/services/types").get_data(as_text=True)
    education_unit = services.type_by_code("education").unit_id
    data = {"name": "住房保障", "unit_id": str(education_unit), "time_limit_days": "12",
            "card_holders_only": "", "description": "人才公寓", "version": str(housing.version)}
    assert client.post(f"/services/types/{housing.id}", data=data).status_code == 302
    db.session.refresh(housing)
    assert housing.unit_id == education_unit and housing.time_limit_days == 12 and housing.version == 2
    stale = client.post(f"/services/types/{housing.id}", data={**data, "time_limit_days": "9"},
                        follow_redirects=True)
    assert "已被他人修改" in stale.get_data(as_text=True)
    bad = client.post(f"/services/types/{housing.id}", data={**data, "time_limit_days": "0",
                                                               "version": "2"}).get_data(as_text=True)
    assert "时限应为 1–120 个工作日" in bad
    assert db.session.get(ServiceType, housing.id).time_limit_days == 12
    unknown = client.get("/services/calendar?year=2027").get_data(as_text=True)
    assert "尚不包含 2027 年" in unknown
    known = client.get("/services/calendar?year=2026").get_data(as_text=True)
    assert "尚不包含" not in known and "2026-10-10" in known
    added = client.post("/services/calendar", data={"day": "2027-02-11", "kind": "holiday", "note": "春节"})
    assert added.status_code == 302
    assert db.session.get(WorkdayOverride, date(2027, 2, 11)).is_workday is False
    assert "春节" in client.get("/services/calendar?year=2027").get_data(as_text=True)
    client.post("/services/calendar/2027-02-11/delete")
    assert db.session.get(WorkdayOverride, date(2027, 2, 11)) is None
    assert client.post("/services/calendar/not-a-day/delete").status_code == 404
    sign_in(client, people.org)
    assert client.get("/services/types").status_code == 403


def test_figures_page_and_export(client, people, today):
    done = in_state(people, "completed")
    services.rate(people.talent_user, done, 5)
    file_housing(people)
    db.session.commit()
    sign_in(client, people.org)
    page = client.get("/services/figures?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    assert "县住建局" in page and "100.0%" in page and "合计" in page
    empty = client.get("/services/figures?start=2020-01-01&end=2020-12-31").get_data(as_text=True)
    assert "没有服务申请" in empty
    assert client.get("/services/figures?start=garbage").status_code == 200
    export = client.get("/services/figures.xlsx?start=2026-11-01&end=2026-11-30")
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("办理单位", "服务事项", "受理数", "办结数")
    assert rows[1][:4] == ("县住建局", "住房保障", 2, 1) and rows[1][8] == 5
    assert rows[-1][0] == "合计"
    sign_in(client, people.talent_user)
    assert client.get("/services/figures").status_code == 403


def test_card_holder_sees_the_related_benefit(client, people, today):
    holder = TalentFactory(education="doctorate", title_level="senior")
    cards.issue_card(None, holder)
    user = UserFactory(role="talent", talent_id=holder.id)
    db.session.commit()
    sign_in(client, user)
    page = client.get("/me/services/new").get_data(as_text=True)
    assert "您的A类VIP卡待遇" in page and "人才公寓" in page


def test_my_request_puts_the_materials_asked_for_and_the_outcome_at_the_top(client, people, today):
    sign_in(client, people.talent_user)
    req = file_housing(people)
    move(people.zjj, req, "accept", "")
    move(people.zjj, req, "ask_materials", "请补充户口簿复印件和购房合同")
    db.session.commit()
    page = client.get(f"/me/services/{req.id}").get_data(as_text=True)
    top = page.index('id="materials-needed"')
    assert top < page.index("请补充户口簿复印件和购房合同") < page.index('id="timeline"')
    assert "请看下方" not in page
    move(people.talent_user, req, "supply", "已补充")
    move(people.zjj, req, "complete", "每月1500元，自下月起发放")
    db.session.commit()
    page = client.get(f"/me/services/{req.id}").get_data(as_text=True)
    outcome = page.index('id="outcome"')
    assert outcome < page.index("每月1500元，自下月起发放") < page.index('id="rating-form"')
    assert page.index('id="rating-form"') < page.index('name="to"')  # rating before 重新办理
    # Once rated, the outcome is still the 办结 note, not the rating (which also ends "completed").
    services.rate(people.talent_user, req, 5, "很满意")
    db.session.commit()
    page = client.get(f"/me/services/{req.id}").get_data(as_text=True)
    box = page[page.index('id="outcome"'):page.index("</div></div>", page.index('id="outcome"'))]
    assert "每月1500元，自下月起发放" in box and "很满意" not in box
