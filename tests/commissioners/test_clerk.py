"""The 县科工信局 clerk's work: bulk confirm (each audited), removing a photo before confirmation."""
from sqlalchemy import func, select

from talent.commissioners import operations, photos
from talent.commissioners.models import LogPhoto, ServiceLog
from talent.core.audit import AuditEntry
from talent.extensions import db
from tests.commissioners.world import commissioner_user, login_session, make_log, make_world


def _audits(log_id: int, action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "service_logs", AuditEntry.object_id == log_id,
        AuditEntry.action == action)) or 0


def _three_logs(world):
    second = make_log(world.assignment, content="第二次指导")
    returned = make_log(world.assignment, content="被退回的一条")
    operations.return_log(None, returned, "请补充照片")
    db.session.commit()
    return world.log, second, returned


def test_bulk_confirm_audits_each_and_skips_returned(app, auth):
    world = make_world()
    first, second, returned = _three_logs(world)
    clerk = auth.login_as("unit")
    result = operations.confirm_logs(clerk, [first.id, second.id, returned.id, first.id])
    assert result["confirmed"] == [first.id, second.id]
    assert result["skipped"] == [{"id": returned.id, "reason": "已退回，需特派员修改后再确认"}]
    assert first.status == second.status == "confirmed" and returned.status == "returned"
    assert _audits(first.id, "confirm") == 1 and _audits(second.id, "confirm") == 1
    assert _audits(returned.id, "confirm") == 0


def test_bulk_confirm_refuses_unknown_ids_and_changes_nothing(client, api_token):
    world = make_world()
    first, second, _returned = _three_logs(world)
    headers = api_token("unit")
    response = client.post("/api/v1/service-logs/confirm", headers=headers,
                           json={"ids": [first.id, 99999999]})
    assert response.status_code == 422 and "99999999" in response.get_json()["error"]["message"]
    db.session.expire_all()
    assert db.session.get(ServiceLog, first.id).status == "submitted"
    for bad in ({"ids": []}, {"ids": "1,2"}, {"ids": [True]}, {"ids": ["1"]}, {}):
        assert client.post("/api/v1/service-logs/confirm", headers=headers,
                           json=bad).status_code == 422, bad
    ok = client.post("/api/v1/service-logs/confirm", headers=headers,
                     json={"ids": [first.id, second.id]})
    assert ok.status_code == 200 and ok.get_json() == {"confirmed": [first.id, second.id],
                                                       "skipped": []}


def test_bulk_confirm_is_for_the_bureau_only(client, api_token):
    world = make_world()
    for role in ("org", "commissioner", "talent"):
        response = client.post("/api/v1/service-logs/confirm", headers=api_token(role),
                               json={"ids": [world.log.id]})
        assert response.status_code == 403, role
    db.session.expire_all()
    assert db.session.get(ServiceLog, world.log.id).status == "submitted"


def test_bulk_confirm_from_the_log_list(client, auth):
    world = make_world()
    first, second, returned = _three_logs(world)
    auth.login_as("unit")
    page = client.get("/commissioners/logs").get_data(as_text=True)
    assert 'form="bulk-confirm"' in page and "确认所选" in page
    response = client.post("/commissioners/logs/confirm", data={
        "ids": [str(first.id), str(second.id), str(returned.id)],
        "next_url": "/commissioners/logs?confirmed=no"}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "已确认 2 条服务日志；1 条未确认（已退回" in text
    bad = client.post("/commissioners/logs/confirm", data={"ids": ["abc"]}, follow_redirects=True)
    assert "服务日志编号无效" in bad.get_data(as_text=True)


def _photo(log, tmp_path, app) -> LogPhoto:
    app.config["UPLOAD_DIR"] = str(tmp_path)
    folder = photos.upload_dir()
    (folder / "p1.jpg").write_bytes(b"jpeg")
    (folder / "p1.thumb.jpg").write_bytes(b"jpeg")
    photo = LogPhoto(log_id=log.id, stored_name="p1.jpg", width=1, height=1, size=4)
    db.session.add(photo)
    db.session.commit()
    return photo


def test_commissioner_removes_a_photo_before_confirmation(client, app, tmp_path):
    world = make_world()
    photo = _photo(world.log, tmp_path, app)
    login_session(client, commissioner_user(world.commissioner))
    edit = client.get(f"/field/logs/{world.log.id}/edit").get_data(as_text=True)
    assert f"/field/photos/{photo.id}/delete" in edit
    response = client.post(f"/field/photos/{photo.id}/delete", follow_redirects=True)
    assert "已删除该照片" in response.get_data(as_text=True)
    assert db.session.get(LogPhoto, photo.id) is None
    assert not (tmp_path / "service-logs" / "p1.jpg").exists()
    assert not (tmp_path / "service-logs" / "p1.thumb.jpg").exists()
    assert _audits(world.log.id, "remove_photo") == 1


def test_photo_of_a_confirmed_log_or_of_another_stays(client, app, tmp_path):
    world = make_world()
    photo = _photo(world.log, tmp_path, app)
    other = LogPhoto(log_id=world.other_log.id, stored_name="p2.jpg", width=1, height=1, size=1)
    db.session.add(other)
    operations.confirm_log(None, world.log)
    db.session.commit()
    login_session(client, commissioner_user(world.commissioner))
    response = client.post(f"/field/photos/{photo.id}/delete", follow_redirects=True)
    assert "已确认，照片不能再删除" in response.get_data(as_text=True)
    assert client.post(f"/field/photos/{other.id}/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(LogPhoto, photo.id) is not None
    assert db.session.get(LogPhoto, other.id) is not None
    assert (tmp_path / "service-logs" / "p1.jpg").exists()


def test_clerk_removes_a_photo_from_the_log_page(client, auth, app, tmp_path):
    world = make_world()
    photo = _photo(world.log, tmp_path, app)
    auth.login_as("unit")
    page = client.get(f"/commissioners/logs/{world.log.id}").get_data(as_text=True)
    assert f"/commissioners/photos/{photo.id}/delete" in page
    client.post(f"/commissioners/photos/{photo.id}/delete")
    assert db.session.get(LogPhoto, photo.id) is None
    auth.login_as("org")
    assert client.post(f"/commissioners/photos/{photo.id}/delete").status_code == 403
