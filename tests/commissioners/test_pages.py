"""Commissioner pages: staff forms and lists, the field pages, photos, exports, CLI, demo."""
import json
from datetime import UTC, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from talent.auth.models import Unit, User
from talent.commissioners import operations, photos
from talent.commissioners.models import Commissioner, LogPhoto, ServiceLog, ServiceTarget
from talent.core.audit import AuditEntry
from talent.core.timeutil import today
from talent.extensions import db
from tests.commissioners.world import commissioner_user, login_session, make_world, valid_uscc
from tests.factories import TEST_PASSWORD, TalentFactory, resident_id


@pytest.fixture
def uploads(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads" / "service-logs"



def _jpeg_with_gps(size=(800, 600)) -> bytes:
    image = Image.new("RGB", size, (40, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    exif[0x8825] = {1: "N", 2: (26.0, 0.0, 0.0)}  # GPS
    output = BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def _log_form(world, **extra):
    return {"assignment_id": world.assignment.id, "served_on": today().isoformat(),
            "kind": "guidance", "content": "现场指导修剪与疏果", "hours": "3",
            "trained_count": "0", "technologies": "水肥一体化\n绿色防控", "location": "江村镇",
            "client_key": "page-key-1", **extra}


def test_staff_creates_commissioner_with_account(client, auth):
    auth.login_as("unit")
    number = resident_id()
    response = client.post("/commissioners/new", data={
        "name": "陈立新", "id_number": number, "employer": "双牌县农业农村局",
        "field": "modern_agriculture", "level": "county", "status": "active",
        "create_account": "y", "username": "chenlx", "password": "Field2026x"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    commissioner = db.session.scalar(select(Commissioner).where(Commissioner.name == "陈立新"))
    assert db.session.scalar(select(User).where(User.username == "chenlx")).commissioner_id \
        == commissioner.id
    # The same person again: the message is on the form, and what was typed is kept.
    again = client.post("/commissioners/new", data={
        "name": "陈立新", "id_number": number, "employer": "另一单位", "field": "other",
        "level": "county", "status": "active"})
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and "已是在岗科技特派员" in page and "另一单位" in page


def test_target_with_wrong_check_digit_needs_confirmation(client, auth):
    auth.login_as("unit")
    good = valid_uscc()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    town = operations.town_by_name("麻江镇").id
    data = {"name": "双牌县虎杖生物科技有限公司", "kind": "enterprise", "uscc": wrong,
            "town_id": str(town)}
    first = client.post("/commissioners/targets/new", data=data)
    assert first.status_code == 200 and "校验位不符" in first.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ServiceTarget.id))) == 0
    second = client.post("/commissioners/targets/new", data={**data, "uscc_confirmed": "y"})
    assert second.status_code == 302
    target = db.session.scalar(select(ServiceTarget))
    assert target.uscc == wrong and target.uscc_valid is False


def test_commissioner_logs_a_service_with_a_photo_exif_is_stripped(client, uploads):
    world = make_world()
    login_session(client, commissioner_user(world.commissioner))
    form_page = client.get("/field/log").get_data(as_text=True)
    assert world.target.name in form_page and today().isoformat() in form_page
    # The phone's time and place of taking travel beside the file (the field app's script);
    # the caption shows them, never the stripped EXIF (which says 26° N).
    taken = datetime(2026, 5, 4, 2, 42, tzinfo=UTC)  # 10:42 in 双牌
    meta = json.dumps([{"taken_at": taken.timestamp() * 1000, "lat": 25.961312,
                        "lng": 111.659801, "accuracy_m": 12}])
    response = client.post("/field/log", data={
        **_log_form(world), "photos": [(BytesIO(_jpeg_with_gps()), "IMG_0001.HEIC.jpg")],
        "photo_meta": meta}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    log = db.session.scalar(select(ServiceLog).where(ServiceLog.client_key == "page-key-1"))
    assert log.technologies == ["水肥一体化", "绿色防控"] and len(log.photos) == 1
    assert log.photos[0].caption == "拍摄于 2026-05-04 10:42 · 25.9613, 111.6598（±12 m）"
    assert log.photos[0].caption in client.get(f"/field/logs/{log.id}/edit").get_data(as_text=True)
    stored = photos.photo_path(log.photos[0])
    with Image.open(stored) as image:
        assert image.format == "JPEG" and not image.getexif()
    assert b"SERIAL-12345" not in stored.read_bytes()
    served = client.get(f"/commissioners/photos/{log.photos[0].id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    thumb = client.get(f"/commissioners/photos/{log.photos[0].id}/thumb")
    with Image.open(BytesIO(thumb.data)) as image:
        assert max(image.size) <= photos.THUMB_SIDE
    # The same form posted twice (a double tap) is still one log.
    client.post("/field/log", data=_log_form(world), content_type="multipart/form-data")
    assert db.session.scalar(select(func.count()).select_from(ServiceLog).where(
        ServiceLog.client_key == "page-key-1")) == 1
    assert "现场指导修剪与疏果" in client.get("/field/logs").get_data(as_text=True)


@pytest.mark.parametrize(("payload", "name", "message"), [
    (b"%PDF-1.4 not an image", "photo.jpg", "只接受 JPEG、PNG 或 WebP"),
    (None, "big.jpg", "超过10MB"),
])
def test_bad_photo_is_refused_and_nothing_is_stored(client, uploads, payload, name, message):
    world = make_world()
    login_session(client, commissioner_user(world.commissioner))
    if payload is None:
        payload = b"\xff\xd8\xff" + b"0" * (photos.MAX_BYTES + 10)
    gif = BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    response = client.post("/field/log", data={
        **_log_form(world, client_key="bad-photo"), "photos": [(BytesIO(payload), name)]},
        content_type="multipart/form-data")
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(ServiceLog).where(ServiceLog.client_key == "bad-photo")) is None
    assert not uploads.exists() or not any(uploads.iterdir())
    gif_response = client.post("/field/log", data={
        **_log_form(world, client_key="gif"), "photos": [(BytesIO(gif.getvalue()), "a.png")]},
        content_type="multipart/form-data")
    assert "只接受 JPEG、PNG 或 WebP" in gif_response.get_data(as_text=True)


def test_another_commissioners_log_and_photo_are_404(client, uploads):
    world = make_world()
    photo = LogPhoto(log_id=world.other_log.id, stored_name="x.jpg", width=1, height=1, size=1)
    db.session.add(photo)
    login_session(client, commissioner_user(world.commissioner))
    assert client.get(f"/field/logs/{world.other_log.id}/edit").status_code == 404
    assert client.post(f"/field/logs/{world.other_log.id}/edit",
                       data=_log_form(world)).status_code == 404
    assert client.get(f"/commissioners/photos/{photo.id}").status_code == 404
    assert client.get("/commissioners").status_code == 403
    assert client.get(f"/commissioners/logs/{world.log.id}").status_code == 403


def test_returned_log_is_corrected_then_confirmed_log_is_read_only(client, auth):
    world = make_world()
    clerk = auth.login_as("unit")
    assert client.post(f"/commissioners/logs/{world.log.id}/return",
                       data={"comment": "请补充培训人数"}).status_code == 302
    owner = commissioner_user(world.commissioner)
    login_session(client, owner)
    assert "请补充培训人数" in client.get("/field/logs").get_data(as_text=True)
    response = client.post(f"/field/logs/{world.log.id}/edit", data={
        **_log_form(world), "trained_count": "25", "version": str(world.log.version)})
    assert response.status_code == 302
    assert world.log.status == "submitted" and world.log.trained_count == 25
    assert "已保存修改：" in client.get(response.location).get_data(as_text=True)  # not 已记录
    login_session(client, clerk)
    client.post(f"/commissioners/logs/{world.log.id}/confirm")
    assert world.log.confirmed
    login_session(client, owner)
    view = client.get(f"/field/logs/{world.log.id}/edit").get_data(as_text=True)
    assert "已确认的日志不能再修改" in view


def test_log_list_filters_and_export(client, auth):
    world = make_world()
    auth.login_as("org")
    page = client.get(f"/commissioners/logs?commissioner_id={world.commissioner.id}")
    text = page.get_data(as_text=True)
    assert f'id="log-{world.log.id}"' in text and f'id="log-{world.other_log.id}"' not in text
    assert "确认</button>" not in text  # org reads only
    by_name = client.get("/commissioners/logs?commissioner=唐慧").get_data(as_text=True)
    assert f'id="log-{world.other_log.id}"' in by_name and f'id="log-{world.log.id}"' not in by_name
    by_target = client.get(f"/commissioners/logs?target={world.target.name[-6:]}")
    assert f'id="log-{world.log.id}"' in by_target.get_data(as_text=True)
    exported = client.get(f"/commissioners/logs/export.xlsx?town_id={world.target.town_id}")
    assert exported.status_code == 200 and exported.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(BytesIO(exported.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "服务日期", "科技特派员") and len(rows) == 2
    assert rows[1][2] == "陈立新" and rows[1][5] == "江村镇"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.changes["rows"] == [None, 1]


def test_assessment_grade_and_export_figures(client, auth):
    world = make_world()
    clerk = auth.login_as("unit")
    operations.confirm_log(clerk, world.log)
    year = today().year
    response = client.post(f"/commissioners/assessments/{world.commissioner.id}/{year}",
                           data={"grade": "excellent", "note": "服务扎实"})
    assert response.status_code == 302
    page = client.get(f"/commissioners/assessments?year={year}").get_data(as_text=True)
    assert f'id="assessment-{world.commissioner.id}"' in page
    exported = client.get(f"/commissioners/assessments/export.xlsx?year={year}")
    rows = list(load_workbook(BytesIO(exported.data)).active.iter_rows(values_only=True))
    row = next(r for r in rows[1:] if r[1] == "陈立新")
    # days, logs, hours, trained, technologies, projects, grade, note
    assert row[6:14] == (1, 1, 3, 0, 1, 1, "优秀", "服务扎实")


def test_other_units_get_403_on_management_pages(client, auth):
    world = make_world()
    housing = db.session.scalar(select(Unit.id).where(Unit.name == "县住建局"))
    auth.login_as("unit", unit_id=housing)
    for url in ("/commissioners", f"/commissioners/{world.commissioner.id}",
                "/commissioners/logs", "/commissioners/new", "/commissioners/assessments"):
        assert client.get(url).status_code == 403, url
    assert "科技特派员" not in client.get("/").get_data(as_text=True)


def test_dashboard_panels_for_staff_and_commissioner(client, auth, monkeypatch):
    world = make_world()
    # The figures count at most COUNT_CAP + 1 rows: 2 pending logs read "1+" and link to the
    # list's exact total; the one idle commissioner is exact.
    monkeypatch.setattr("talent.core.pagination.COUNT_CAP", 1)
    operations.create_commissioner(None, {
        "name": "无日志", "id_number": None, "phone": "", "employer": "x", "expertise": "",
        "field": "other", "level": "county", "three_regions": False, "talent_id": None,
        "round_id": None, "status": "active"})
    auth.login_as("unit")
    page = client.get("/").get_data(as_text=True)
    assert "近30天无日志的特派员" in page and "/commissioners?idle=1" in page
    assert "/commissioners/logs?exact=1&amp;status=submitted" in page and "超过 1，点击统计确切数" in page
    pending = client.get("/commissioners/logs?exact=1&status=submitted").get_data(as_text=True)
    assert "共 2 条" in pending
    idle = client.get("/commissioners?idle=1").get_data(as_text=True)
    assert "无日志" in idle and "陈立新" not in idle
    login_session(client, commissioner_user(world.commissioner))
    mine = client.get("/").get_data(as_text=True)
    assert "我的科技特派员工作" in mine and "记录服务" in mine
    home = client.get("/field").get_data(as_text=True)
    assert world.assignment.needs in home and world.target.contact in home


def test_create_user_cli_links_a_commissioner(runner):
    world = make_world()
    db.session.commit()
    result = runner.invoke(args=["create-user", "tpy2", "--role", "commissioner",
                                 "--commissioner-id", str(world.commissioner.id),
                                 "--password", TEST_PASSWORD])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "tpy2"))
    assert user.commissioner_id == world.commissioner.id
    wrong = runner.invoke(args=["create-user", "x1", "--role", "commissioner",
                                "--commissioner-id", "999999", "--password", TEST_PASSWORD])
    assert wrong.exit_code != 0 and "没有编号为 999999" in wrong.output


def test_demo_data_links_tpy_and_fills_the_module(runner):
    assert runner.invoke(args=["demo", "--count", "3"]).exit_code == 0
    tpy = db.session.scalar(select(User).where(User.username == "tpy"))
    assert tpy.commissioner_id is not None
    assert db.session.scalar(select(func.count(Commissioner.id))) == 8
    levels = set(db.session.scalars(select(Commissioner.level)))
    assert levels == {"provincial", "municipal", "county"}
    assert db.session.scalar(select(func.count(ServiceLog.id))) > 20
    assert operations.county_selected(today().year) == 4
    assert operations.provincial_projects(today().year) == 1


def test_talent_detail_shows_the_linked_commissioner_post(client, auth):
    talent = TalentFactory(name="欧阳湘云")
    make_commissioner_with_talent = operations.create_commissioner(None, {
        "name": "欧阳湘云", "id_number": None, "phone": "", "employer": "湖南省林业科学院",
        "expertise": "", "field": "bamboo_wood", "level": "provincial", "three_regions": True,
        "talent_id": talent.id, "round_id": None, "status": "active"})
    auth.login_as("org")
    page = client.get(f"/talents/{talent.id}").get_data(as_text=True)
    assert "省派科技特派员 · 在岗" in page
    assert f"/commissioners/{make_commissioner_with_talent.id}" in page


def test_service_worker_caches_the_log_form_for_the_field_scope(client):
    world = make_world()
    login_session(client, commissioner_user(world.commissioner))
    response = client.get("/field/sw.js")
    script = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript"
    assert '"/field/log"' in script and "/static/js/field-offline.js" in script
    page = client.get("/field/log").get_data(as_text=True)
    assert 'data-offline="1"' in page and 'data-sw="/field/sw.js"' in page
    edit = client.get(f"/field/logs/{world.log.id}/edit").get_data(as_text=True)
    assert 'data-offline="1"' not in edit  # editing needs the server: only new logs queue
