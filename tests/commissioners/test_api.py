"""The commissioner API: CRUD with bad input, idempotent logs, own-only for commissioners."""
from datetime import timedelta

from sqlalchemy import func, select

from talent.auth.models import Unit, User
from talent.commissioners.models import ServiceLog
from talent.core.timeutil import today
from talent.extensions import db
from tests.commissioners.world import commissioner_user, make_world, valid_uscc
from tests.factories import TEST_PASSWORD, resident_id


def _token_for(client, user) -> dict:
    db.session.commit()
    response = client.post("/api/v1/auth/token",
                           json={"username": user.username, "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_staff_create_round_commissioner_target_assignment(client, api_token):
    headers = api_token("unit")  # 县科工信局
    year = today().year
    response = client.post("/api/v1/rounds", headers=headers, json={
        "year": year, "level": "county", "name": f"{year}年县派", "starts_on": f"{year}-03-01"})
    assert response.status_code == 201, response.get_json()
    round_id = response.get_json()["id"]
    number = resident_id()
    response = client.post("/api/v1/commissioners", headers=headers, json={
        "name": "陈立新", "id_number": number, "employer": "双牌县农业农村局",
        "field": "modern_agriculture", "level": "county", "round_id": round_id,
        "three_regions": True})
    assert response.status_code == 201, response.get_json()
    commissioner = response.get_json()
    assert commissioner["three_regions"] is True and commissioner["status"] == "active"
    # unit staff see ID numbers masked
    # the one mask (issue 19 item 5): first three and last two
    assert commissioner["id_number"] == number[:3] + "*" * 13 + number[-2:]
    again = client.post("/api/v1/commissioners", headers=headers, json={
        "name": "陈立新", "id_number": number, "employer": "x", "field": "other",
        "level": "county"})
    assert again.status_code == 409 and "id_number" in again.get_json()["error"]["fields"]

    response = client.post("/api/v1/service-targets", headers=headers, json={
        "name": "双牌县江村镇果蔬专业合作社", "kind": "cooperative", "uscc": valid_uscc("cooperative"),
        "town": "江村镇"})
    assert response.status_code == 201, response.get_json()
    target = response.get_json()
    assert target["town"] == "江村镇" and target["uscc_valid"] is True and "warnings" not in target
    response = client.post("/api/v1/assignments", headers=headers, json={
        "commissioner_id": commissioner["id"], "target_id": target["id"],
        "starts_on": f"{year}-03-01", "needs": "脐橙黄龙病防控"})
    assert response.status_code == 201, response.get_json()
    duplicate = client.post("/api/v1/assignments", headers=headers, json={
        "commissioner_id": commissioner["id"], "target_id": target["id"],
        "starts_on": f"{year}-03-01"})
    assert duplicate.status_code == 409


def test_uscc_checksum_failure_is_a_kept_warning_but_bad_format_is_refused(client, api_token):
    headers = api_token("admin")
    good = valid_uscc()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post("/api/v1/service-targets", headers=headers, json={
        "name": "湖南泷泊竹业有限公司", "kind": "enterprise", "uscc": wrong, "town": "泷泊镇"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["uscc"] == wrong and body["uscc_valid"] is False
    assert "校验位" in body["warnings"]["uscc"][0]
    bad = client.post("/api/v1/service-targets", headers=headers, json={
        "name": "某公司", "kind": "enterprise", "uscc": "12345", "town": "泷泊镇"})
    assert bad.status_code == 422 and "uscc" in bad.get_json()["error"]["fields"]
    town = client.post("/api/v1/service-targets", headers=headers, json={
        "name": "某公司", "kind": "enterprise", "town": "长沙"})
    assert town.status_code == 422 and "town" in town.get_json()["error"]["fields"]


def test_bad_input_answers_422_or_400(client, api_token):
    headers = api_token("unit")
    assert client.post("/api/v1/rounds", headers=headers, data="nope",
                       content_type="application/json").status_code == 400
    response = client.post("/api/v1/rounds", headers=headers, json={
        "year": "二〇二六", "level": "city", "name": "", "starts_on": "2026-13-01", "extra": 1})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"extra"}
    response = client.post("/api/v1/rounds", headers=headers, json={
        "year": "二〇二六", "level": "city", "name": "", "starts_on": "2026-13-01"})
    assert set(response.get_json()["error"]["fields"]) == {"year", "level", "name", "starts_on"}
    response = client.post("/api/v1/commissioners", headers=headers, json={
        "name": "张三", "id_number": "431123198001010000", "employer": "x", "field": "other",
        "level": "county", "phone": "123", "talent_id": 999999})
    assert set(response.get_json()["error"]["fields"]) == {"id_number", "phone", "talent_id"}


def test_commissioner_logs_own_service_idempotently(client):
    world = make_world()
    owner = commissioner_user(world.commissioner)
    headers = _token_for(client, owner)
    body = {"assignment_id": world.assignment.id, "served_on": today().isoformat(),
            "kind": "training", "content": "举办绿色防控技术培训班", "hours": 4,
            "trained_count": 35, "technologies": ["绿色防控"], "location": "江村镇",
            "client_key": "0b6f2c1e-field-1"}
    first = client.post("/api/v1/service-logs", headers=headers, json=body)
    assert first.status_code == 201, first.get_json()
    retried = client.post("/api/v1/service-logs", headers=headers, json=body)
    assert retried.status_code == 200
    assert retried.get_json()["id"] == first.get_json()["id"]
    count = db.session.scalar(select(func.count()).select_from(ServiceLog).where(
        ServiceLog.client_key == "0b6f2c1e-field-1"))
    assert count == 1
    # Someone else's assignment is not a choice.
    theirs = client.post("/api/v1/service-logs", headers=headers,
                         json={**body, "assignment_id": world.other_assignment.id,
                               "client_key": "k2"})
    assert theirs.status_code == 422 and "assignment_id" in theirs.get_json()["error"]["fields"]
    future = client.post("/api/v1/service-logs", headers=headers, json={
        **body, "served_on": (today() + timedelta(days=1)).isoformat(), "client_key": "k3",
        "hours": 30, "trained_count": -1})
    assert set(future.get_json()["error"]["fields"]) == {"served_on", "hours", "trained_count"}


def test_commissioner_sees_and_edits_only_own_logs(client):
    world = make_world()
    owner = commissioner_user(world.commissioner)
    headers = _token_for(client, owner)
    listed = client.get("/api/v1/service-logs", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == [world.log.id]
    assert client.get(f"/api/v1/service-logs/{world.other_log.id}", headers=headers) \
        .status_code == 404
    assert client.patch(f"/api/v1/service-logs/{world.other_log.id}", headers=headers,
                        json={"content": "改别人的"}).status_code == 404
    assert client.get(f"/api/v1/assignments/{world.other_assignment.id}", headers=headers) \
        .status_code == 404
    assert client.get(f"/api/v1/commissioners/{world.other.id}", headers=headers).status_code == 404
    response = client.patch(f"/api/v1/service-logs/{world.log.id}", headers=headers,
                            json={"content": "补充：现场指导疏果", "version": world.log.version})
    assert response.status_code == 200 and response.get_json()["content"] == "补充：现场指导疏果"
    stale = client.patch(f"/api/v1/service-logs/{world.log.id}", headers=headers,
                         json={"content": "再改", "version": 1})
    assert stale.status_code == 409
    # Commissioners cannot confirm, nor manage.
    assert client.post(f"/api/v1/service-logs/{world.log.id}/confirm", headers=headers) \
        .status_code == 403
    assert client.post("/api/v1/rounds", headers=headers, json={}).status_code == 403


def test_staff_confirm_and_return_logs_through_the_api(client, api_token):
    world = make_world()
    headers = api_token("unit")
    returned = client.post(f"/api/v1/service-logs/{world.log.id}/return", headers=headers,
                           json={"comment": ""})
    assert returned.status_code == 422
    returned = client.post(f"/api/v1/service-logs/{world.log.id}/return", headers=headers,
                           json={"comment": "请补充照片"})
    assert returned.get_json()["status"] == "returned"
    confirm_returned = client.post(f"/api/v1/service-logs/{world.log.id}/confirm", headers=headers)
    assert confirm_returned.status_code == 409
    confirmed = client.post(f"/api/v1/service-logs/{world.other_log.id}/confirm", headers=headers)
    assert confirmed.get_json()["confirmed"] is True
    locked = client.patch(f"/api/v1/service-logs/{world.other_log.id}", headers=headers,
                          json={"content": "改", "version": world.other_log.version})
    assert locked.status_code == 409
    listed = client.get("/api/v1/service-logs?confirmed=true", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == [world.other_log.id]
    by_town = client.get(f"/api/v1/service-logs?town_id={world.target.town_id}",
                         headers=headers).get_json()
    assert [item["id"] for item in by_town["items"]] == [world.log.id]


def test_staff_log_list_total_is_capped_with_the_exact_total_on_request(client, api_token, auth,
                                                                         monkeypatch):
    """Past COUNT_CAP the staff log list (page and API) gives a lower bound, not a count of all."""
    make_world()
    monkeypatch.setattr("talent.core.pagination.COUNT_CAP", 1)
    headers = api_token("unit")
    capped = client.get("/api/v1/service-logs?kind=guidance", headers=headers).get_json()
    assert (capped["total"], capped["total_is_estimate"], len(capped["items"])) == (1, True, 2)
    exact = client.get("/api/v1/service-logs?kind=guidance&exact=1", headers=headers).get_json()
    assert (exact["total"], exact["total_is_estimate"]) == (2, False)
    auth.login_as("unit")
    page = client.get("/commissioners/logs?kind=guidance").get_data(as_text=True)
    assert "共 1+ 条" in page and "/commissioners/logs?exact=1&amp;kind=guidance" in page
    assert "共 2 条" in client.get("/commissioners/logs?kind=guidance&exact=1").get_data(as_text=True)


def test_other_units_get_403_and_org_reads_only(client, api_token):
    world = make_world()
    housing = db.session.scalar(select(Unit.id).where(Unit.name == "县住建局"))
    other_unit = api_token("unit", unit_id=housing)
    assert client.get("/api/v1/service-logs", headers=other_unit).status_code == 403
    assert client.get(f"/api/v1/commissioners/{world.commissioner.id}",
                      headers=other_unit).status_code == 403
    assert client.post("/api/v1/rounds", headers=other_unit, json={}).status_code == 403
    org = api_token("org")
    listed = client.get("/api/v1/service-logs", headers=org).get_json()
    assert listed["total"] == 2
    assert client.post("/api/v1/rounds", headers=org, json={}).status_code == 403
    org_user = db.session.scalar(select(User).where(User.role == "org"))
    assert org_user is not None
    full = client.get(f"/api/v1/commissioners/{world.commissioner.id}", headers=org).get_json()
    assert full["id_number"] == world.commissioner.id_number  # org may see ID numbers whole


def test_patch_of_a_service_log_without_version_is_422(client):
    """Issue 19 item 15: a PATCH without version skipped the stale check."""
    world = make_world()
    headers = _token_for(client, commissioner_user(world.commissioner))
    url = f"/api/v1/service-logs/{world.log.id}"
    missing = client.patch(url, headers=headers, json={"content": "没有版本号的修改"})
    assert missing.status_code == 422
    assert "version" in missing.get_json()["error"]["fields"]
    db.session.refresh(world.log)
    assert world.log.content != "没有版本号的修改"
    schema = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/service-logs/{log_id}"]
    assert "version" in schema["patch"]["requestBody"]["content"]["application/json"]["schema"]["required"]


def test_unit_staff_see_commissioner_id_numbers_with_the_one_mask(client, api_token):
    """Issue 19 item 5: commissioners used the old last-4 mask (431***********1176)."""
    from talent.auth.units import unit_named

    world = make_world()
    number = world.commissioner.id_number
    headers = api_token("unit", unit=unit_named("县科工信局"))
    shown = client.get(f"/api/v1/commissioners/{world.commissioner.id}", headers=headers).get_json()
    assert shown["id_number"] == number[:3] + "*" * 13 + number[-2:]
    listed = client.get("/api/v1/commissioners", headers=headers).get_data(as_text=True)
    assert number not in listed and "*" * 11 + number[-4:] not in listed
    page = client.get(f"/commissioners/{world.commissioner.id}", headers=headers)
    assert number[-4:] not in page.get_data(as_text=True)
