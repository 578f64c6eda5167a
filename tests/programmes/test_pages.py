"""The pages of 人才项目推荐申报: forms with bad input, outcome, attachment, list, export, 可升档."""
from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from talent.cards import operations as cards
from talent.core import timeutil
from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.programmes import operations, uploads
from talent.programmes.models import Programme, Recommendation
from tests.factories import TalentFactory, UserFactory
from tests.programmes.conftest import values

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(talent, programme, **overrides) -> dict:
    return {"talent_id": str(talent.id), "programme_id": str(programme.id), "year": "2026",
            "source": "top_ten", "note": "市十大科技创新项目核心成员", "outcome": "pending",
            "decided_on": "", "document_no": "", **overrides}


def count() -> int:
    return db.session.scalar(select(func.count(Recommendation.id)))


def test_org_recommends_with_material_and_downloads_it(client, auth, programmes):
    auth.login_as("org")
    talent = TalentFactory(name="蒋丽华")
    db.session.commit()
    page = client.get(f"/recommendations/new?talent_id={talent.id}").get_data(as_text=True)
    assert "蒋丽华" in page and 'name="talent_id"' in page
    data = {**_form(talent, programmes["provincial"]),
            "attachment": (BytesIO(PDF), "湖湘青年英才申报书.pdf")}
    response = client.post("/recommendations/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    recommendation = db.session.scalar(select(Recommendation))
    assert recommendation.attachment_name == "湖湘青年英才申报书.pdf"
    assert recommendation.attachment_type == "application/pdf"
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "湖南省湖湘青年英才" in detail and "湖湘青年英才申报书.pdf" in detail
    download = client.get(f"/recommendations/{recommendation.id}/attachment")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"


def test_material_is_checked_by_content_and_size(client, auth, programmes, app):
    auth.login_as("org")
    talent = TalentFactory()
    db.session.commit()
    fake = {**_form(talent, programmes["provincial"]),
            "attachment": (BytesIO(b"MZ\x90\x00evil"), "申报书.pdf")}
    response = client.post("/recommendations/new", data=fake, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "只接受 PDF、JPEG 或 PNG" in response.get_data(as_text=True)
    assert count() == 0
    big = {**_form(talent, programmes["provincial"]),
           "attachment": (BytesIO(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)), "big.pdf")}
    response = client.post("/recommendations/new", data=big, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "不能超过 10 MB" in response.get_data(as_text=True)
    assert count() == 0


def test_images_are_re_encoded(client, auth, programmes, app):
    auth.login_as("org")
    talent = TalentFactory()
    db.session.commit()
    png = BytesIO()
    Image.new("RGB", (40, 30), "white").save(png, "PNG")
    payload = png.getvalue() + b"<script>alert(1)</script>"
    data = {**_form(talent, programmes["provincial"]), "attachment": (BytesIO(payload), "扫描件.PNG")}
    assert client.post("/recommendations/new", data=data,
                       content_type="multipart/form-data").status_code == 302
    recommendation = db.session.scalar(select(Recommendation))
    stored = client.get(f"/recommendations/{recommendation.id}/attachment").data
    assert stored.startswith(b"\x89PNG") and b"<script>" not in stored
    assert Image.open(BytesIO(stored)).size == (40, 30)
    assert recommendation.attachment_name == "扫描件.png"


def test_bad_input_shows_chinese_errors_and_saves_nothing(client, auth, programmes):
    auth.login_as("org")
    talent = TalentFactory()
    db.session.commit()
    bad = _form(talent, programmes["provincial"], programme_id="", year="1999", outcome="selected",
                source="other", note="")
    body = client.post("/recommendations/new", data=bad).get_data(as_text=True)
    for message in ("请选择推荐项目", "年度应在 2000–2100 之间", "请填写公布日期", "请在推荐说明中写明"):
        assert message in body, message
    future = _form(talent, programmes["provincial"], outcome="selected", decided_on="2999-01-01",
                   talent_id="999999")
    body = client.post("/recommendations/new", data=future).get_data(as_text=True)
    assert "公布日期不能晚于今天" in body and "人才编号不存在" in body
    assert count() == 0


def test_duplicate_recommendation_is_refused_with_a_message_and_no_stray_file(client, auth, programmes):
    auth.login_as("org")
    talent = TalentFactory()
    db.session.commit()
    form = _form(talent, programmes["provincial"])
    assert client.post("/recommendations/new", data=form).status_code == 302
    response = client.post("/recommendations/new", data={**form, "attachment": (BytesIO(PDF), "a.pdf")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "不能重复推荐" in response.get_data(as_text=True)
    assert count() == 1
    root = uploads.upload_root()
    assert not root.exists() or list(root.iterdir()) == []


def test_recording_a_selection_raises_the_level_and_a_stale_form_is_refused(client, auth, programmes):
    org = auth.login_as("org")
    talent = TalentFactory(name="唐志刚", programme_level="municipal")
    recommendation, _ = operations.recommend(org, values(talent, programmes["provincial"]))
    db.session.commit()
    version = recommendation.version
    outcome = {"outcome": "selected", "decided_on": "2026-10-16", "document_no": "湘科人〔2026〕21号",
               "version": str(version)}
    response = client.post(f"/recommendations/{recommendation.id}/outcome", data=outcome,
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "已记录结果：入选" in text and "提升为“省级人才计划”" in text
    db.session.expire_all()
    assert talent.programme_level == "provincial"
    # The same form posted again carries the old version: refused, nothing changes.
    stale = client.post(f"/recommendations/{recommendation.id}/outcome",
                        data={**outcome, "outcome": "not_selected"}, follow_redirects=True)
    assert "已被他人修改" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert recommendation.outcome == "selected"


def test_edit_page_keeps_the_talent(client, auth, programmes):
    org = auth.login_as("org")
    talent = TalentFactory()
    other = TalentFactory()
    recommendation, _ = operations.recommend(org, values(talent, programmes["provincial"]))
    db.session.commit()
    assert "编辑推荐记录" in client.get(f"/recommendations/{recommendation.id}/edit").get_data(as_text=True)
    form = _form(other, programmes["national"], year="2025", note="改报国家级",
                 version=str(recommendation.version))
    response = client.post(f"/recommendations/{recommendation.id}/edit", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert recommendation.talent_id == talent.id  # never taken from the post
    assert recommendation.programme.name == "国家级人才项目" and recommendation.year == 2025
    assert recommendation.note == "改报国家级"


def test_list_filters_paging_and_empty_state(client, auth, programmes):
    org = auth.login_as("org")
    for index in range(23):
        operations.recommend(org, values(TalentFactory(name=f"人才{index:02d}"), programmes["municipal"]))
    operations.recommend(org, values(TalentFactory(name="欧阳湘云"), programmes["national"],
                                     outcome="selected", decided_on=date(2026, 9, 1)))
    db.session.commit()
    first = client.get("/recommendations").get_data(as_text=True)
    assert "共 24 条" in first and "下一页" in first
    high = client.get("/recommendations?level=high&outcome=selected&year=2026").get_data(as_text=True)
    assert "欧阳湘云" in high and "人才00" not in high and "共 1 条" in high
    by_programme = client.get(f"/recommendations?programme_id={programmes['national'].id}")
    assert "欧阳湘云" in by_programme.get_data(as_text=True)
    empty = client.get("/recommendations?year=2024").get_data(as_text=True)
    assert "没有符合条件的推荐记录" in empty
    junk = client.get("/recommendations?year=abc&level=<x>&page=-3&programme_id=99999999999")
    assert junk.status_code == 200


def test_export_is_formula_safe_and_audited(client, auth, programmes):
    org = auth.login_as("org")
    talent = TalentFactory(name="=HYPERLINK(\"http://x\")", employer="+双牌县人民医院")
    operations.recommend(org, values(talent, programmes["provincial"], note="=1+1", document_no="@SUM(A1)",
                                     outcome="selected", decided_on=date(2026, 9, 1)))
    db.session.commit()
    response = client.get("/recommendations/export.xlsx?year=2026")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=False))
    headers = [c.value for c in rows[0]]
    assert headers[:4] == ["序号", "姓名", "性别", "出生年月"]
    assert {"工作单位", "推荐项目", "级别", "年度", "发掘渠道", "结果", "文号"} <= set(headers)
    row = {h: c for h, c in zip(headers, rows[1], strict=True)}
    assert row["姓名"].value == "=HYPERLINK(\"http://x\")" and row["姓名"].data_type == "s"
    assert row["推荐说明"].data_type == "s" and row["文号"].data_type == "s"
    assert row["级别"].value == "省级" and row["结果"].value == "入选" and row["年度"].value == 2026
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export",
                                                       AuditEntry.object_type == "recommendations"))
    assert entry is not None and entry.changes["rows"] == [None, 1]


def test_upgrade_list_links_to_the_card(client, auth, programmes):
    org = auth.login_as("org")
    holder = TalentFactory(name="何建平", programme_level="none", education="master",
                           title_level="intermediate", category="none")
    card = cards.issue_card(org, holder)
    operations.recommend(org, values(holder, programmes["provincial"], outcome="selected",
                                     decided_on=date(2026, 9, 1)))
    db.session.commit()
    page = client.get("/recommendations/upgrades").get_data(as_text=True)
    assert "何建平" in page and card.number in page and f"/cards/{card.id}" in page
    assert "B类" in page


def test_programme_pages(client, auth):
    auth.login_as("admin")
    assert "湖南省湖湘青年英才" in client.get("/programmes").get_data(as_text=True)
    new = {"name": "湖南省科技人才托举工程", "level": "provincial", "organiser": "湖南省科学技术协会",
           "description": "", "active": "y"}
    response = client.post("/programmes/new", data=new)
    assert response.status_code == 302
    programme = db.session.scalar(select(Programme).where(Programme.name == new["name"]))
    again = client.post("/programmes/new", data=new, follow_redirects=True).get_data(as_text=True)
    assert "已有名为" in again
    bad = client.post("/programmes/new", data={**new, "name": "", "level": "county"}).get_data(as_text=True)
    assert "请填写项目名称" in bad and "“county”不是有效的" in bad
    edited = client.post(f"/programmes/{programme.id}/edit", data={**new, "active": ""})
    assert edited.status_code == 302
    db.session.expire_all()
    assert programme.active is False
    call = client.post(f"/programmes/{programme.id}/calls",
                       data={"year": "2026", "deadline": "2026-04-30", "note": ""}, follow_redirects=True)
    assert "2026 年度" in call.get_data(as_text=True) and "2026-04-30" in call.get_data(as_text=True)
    bad_call = client.post(f"/programmes/{programme.id}/calls", data={"year": "1900"}, follow_redirects=True)
    assert "年度应在" in bad_call.get_data(as_text=True)


def test_talent_pages_show_recommendations_to_whom_they_concern(client, auth, programmes):
    org = UserFactory(role="org")
    talent = TalentFactory(name="陈立新")
    other = TalentFactory(name="刘海涛")
    operations.recommend(org, values(talent, programmes["provincial"]))
    operations.recommend(org, values(other, programmes["national"]))
    db.session.commit()
    auth.login_as("org")
    detail = client.get(f"/talents/{talent.id}").get_data(as_text=True)
    assert "人才项目推荐申报" in detail and "湖南省湖湘青年英才" in detail and "推荐申报" in detail
    auth.login_as("unit")
    assert "人才项目推荐申报" not in client.get(f"/talents/{talent.id}").get_data(as_text=True)
    auth.login_as("talent", talent_id=talent.id)
    portal = client.get("/me").get_data(as_text=True)
    assert "湖南省湖湘青年英才" in portal and "国家级人才项目" not in portal
    own = db.session.scalar(select(Recommendation).where(Recommendation.talent_id == talent.id))
    # Read-only: no links to the staff pages of the recommendation, nor to recommending.
    assert f'href="/recommendations/{own.id}"' not in portal and "/recommendations/new" not in portal


def test_talent_downloads_own_material_only(client, auth, programmes, app):
    org = UserFactory(role="org")
    mine, theirs = TalentFactory(), TalentFactory()
    own, _ = operations.recommend(org, values(mine, programmes["provincial"]))
    other, _ = operations.recommend(org, values(theirs, programmes["provincial"]))
    class Upload:
        filename = "申报书.pdf"
        stream = BytesIO(PDF)

    with app.test_request_context():
        stored = uploads.store(Upload())
    for rec in (own, other):
        rec.attachment_key, rec.attachment_name = stored.key, stored.name
        rec.attachment_type = stored.content_type
    db.session.commit()
    auth.login_as("talent", talent_id=mine.id)
    assert client.get(f"/recommendations/{own.id}/attachment").data == PDF
    assert client.get(f"/recommendations/{other.id}/attachment").status_code == 404
    assert client.get(f"/recommendations/{own.id}").status_code == 403
    auth.login_as("unit")
    assert client.get(f"/recommendations/{own.id}/attachment").status_code == 403


def test_dashboard_panel_for_org_only(client, auth, programmes):
    org = auth.login_as("org")
    year = timeutil.today().year
    operations.recommend(org, values(TalentFactory(), programmes["provincial"], year=year))
    db.session.commit()
    panel = client.get("/").get_data(as_text=True)
    assert f"人才项目推荐申报（{year}年度）" in panel and 'id="programmes-panel"' in panel
    auth.login_as("unit")
    assert 'id="programmes-panel"' not in client.get("/").get_data(as_text=True)


def test_a_recommendation_after_the_deadline_warns(client, auth, programmes, clock):
    clock(date(2026, 4, 10))
    org = auth.login_as("org")
    operations.save_call(org, programmes["provincial"], 2026, date(2026, 3, 31))
    talent = TalentFactory(name="蒋丽华")
    db.session.commit()
    late = client.post("/recommendations/new", data=_form(talent, programmes["provincial"]),
                       follow_redirects=True).get_data(as_text=True)
    assert "已推荐 蒋丽华" in late and "已于 2026-03-31 截止" in late
    on_time = client.post("/recommendations/new", data=_form(TalentFactory(), programmes["provincial"],
                                                             year="2027"),
                          follow_redirects=True).get_data(as_text=True)
    assert "已推荐" in on_time and "截止" not in on_time


def test_no_claim_of_telling_a_holder_who_has_no_account(client, auth, programmes, clock):
    clock(date(2026, 10, 20))
    org = auth.login_as("org")
    talent = TalentFactory(name="唐志刚", education="doctorate", title_level="vice_senior")
    cards.issue_card(None, talent)  # B类; 国家级 makes it A
    recommendation, _ = operations.recommend(org, values(talent, programmes["national"]))
    db.session.commit()
    text = client.post(f"/recommendations/{recommendation.id}/outcome", follow_redirects=True, data={
        "outcome": "selected", "decided_on": "2026-10-16", "document_no": "人社〔2026〕1号",
        "version": str(recommendation.version)}).get_data(as_text=True)
    assert "已列入可升档名单（本人尚无登录账户，未发送通知" in text
    assert "已列入可升档名单并通知本人" not in text
