"""The service-request API: who sees what, filing, moves with versions, rating, bad input."""
from talent.extensions import db
from talent.services.models import ServiceRequest
from tests.services.conftest import file_housing, in_state, sign_in, token

NEW = {"type": "housing", "title": "申请人才公寓", "description": "申请入住县人才公寓"}


def test_talent_files_and_follows_own_request(client, people, today):
    headers = token(client, people.talent_user)
    created = client.post("/api/v1/service-requests", json=NEW, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["number"] == "FW-2026-000001" and body["unit"] == "县住建局"
    assert body["status"] == "submitted" and body["version"] == 1 and body["overdue"] is False
    assert body["talent_id"] == people.talent.id and body["created_at"].endswith("Z")
    assert created.headers["Location"].endswith(f"/api/v1/service-requests/{body['id']}")
    listing = client.get("/api/v1/service-requests", headers=headers).get_json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == body["id"]
    # someone else's request: not found, not forbidden
    other = in_state(people, "submitted")
    other.talent_id = people.other_talent.id
    db.session.commit()
    assert client.get(f"/api/v1/service-requests/{other.id}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/service-requests/{other.id}/transition",
                       json={"to": "withdrawn", "version": 1}, headers=headers).status_code == 404
    assert client.post(f"/api/v1/service-requests/{other.id}/rating", json={"score": 5},
                       headers=headers).status_code == 404
    assert client.get("/api/v1/service-requests", headers=headers).get_json()["total"] == 1


def test_unit_queue_org_files_for_a_talent_and_lists_all(client, people, today):
    file_housing(people)
    org = token(client, people.org)
    created = client.post("/api/v1/service-requests", json={**NEW, "talent_id": people.other_talent.id},
                          headers=org)
    assert created.status_code == 201 and created.get_json()["talent_id"] == people.other_talent.id
    assert client.post("/api/v1/service-requests", json=NEW, headers=org).get_json()["error"]["fields"] == {
        "talent_id": ["代人才提交时请填写人才编号"]}
    assert client.get("/api/v1/service-requests", headers=org).get_json()["total"] == 2
    zjj = token(client, people.zjj)
    assert client.get("/api/v1/service-requests?overdue=1", headers=zjj).get_json()["total"] == 0
    assert client.get("/api/v1/service-requests?status=submitted&type=housing",
                      headers=zjj).get_json()["total"] == 2
    wjj = token(client, people.wjj)
    assert client.get("/api/v1/service-requests", headers=wjj).get_json()["total"] == 0
    # a talent cannot file for someone else
    talent = token(client, people.talent_user)
    refused = client.post("/api/v1/service-requests", json={**NEW, "talent_id": people.other_talent.id},
                          headers=talent)
    assert refused.status_code == 403


def test_transition_versions_forbidden_moves_and_other_units(client, people, today):
    req = file_housing(people)
    db.session.commit()
    url = f"/api/v1/service-requests/{req.id}/transition"
    zjj = token(client, people.zjj)
    accepted = client.post(url, json={"to": "accepted", "note": "", "version": 1}, headers=zjj)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert accepted.get_json()["version"] == 2 and accepted.get_json()["due_on"] == "2026-11-23"
    stale = client.post(url, json={"to": "in_progress", "version": 1}, headers=zjj)
    assert stale.status_code == 409 and stale.get_json()["error"]["message"] == "已被他人处理，请刷新"
    forbidden = client.post(url, json={"to": "accepted", "version": 2}, headers=zjj)
    assert forbidden.status_code == 422
    assert "当前状态为“已受理”" in forbidden.get_json()["error"]["message"]
    no_reason = client.post(url, json={"to": "waiting_materials", "note": " ", "version": 2}, headers=zjj)
    assert no_reason.status_code == 422 and "note" in no_reason.get_json()["error"]["fields"]
    wjj = token(client, people.wjj)
    # Another unit cannot see the request: 404 on every verb, nothing of it named (issue 19 item 8).
    hidden = client.post(url, json={"to": "in_progress", "version": 2}, headers=wjj)
    assert hidden.status_code == 404 and req.number not in hidden.get_data(as_text=True)
    assert client.get(f"/api/v1/service-requests/{req.id}", headers=wjj).status_code == 404
    assert client.post(f"/api/v1/service-requests/{req.id}/rating", json={"score": 5},
                       headers=wjj).status_code == 404
    sign_in(client, people.wjj)
    page = client.post(f"/services/{req.id}/transition", data={"to": "start", "version": "2"})
    assert page.status_code == 404 and req.number not in page.get_data(as_text=True)
    talent = token(client, people.talent_user)
    assert client.post(url, json={"to": "completed", "note": "x", "version": 2},
                       headers=talent).status_code == 403
    transfer = client.post(url, json={"to": "transfer", "note": "子女入学", "version": 2}, headers=zjj)
    assert transfer.status_code == 422 and "unit_id" in transfer.get_json()["error"]["fields"]
    assert db.session.get(ServiceRequest, req.id).status == "accepted"


def test_bad_input(client, people, today):
    headers = token(client, people.talent_user)
    bad_json = client.post("/api/v1/service-requests", data="{", headers={
        **headers, "Content-Type": "application/json"})
    assert bad_json.status_code == 400
    fields = client.post("/api/v1/service-requests", json={"type": "castle", "title": "", "salary": 1},
                         headers=headers).get_json()["error"]["fields"]
    assert fields == {"salary": ["未知字段"]}
    fields = client.post("/api/v1/service-requests", json={"type": "castle", "title": "x" * 101},
                         headers=headers).get_json()["error"]["fields"]
    assert set(fields) == {"type", "title", "description"}
    wrong_type = client.post("/api/v1/service-requests", json={**NEW, "title": ["a"]}, headers=headers)
    assert wrong_type.status_code == 422
    card_only = client.post("/api/v1/service-requests", json={**NEW, "type": "medical"}, headers=headers)
    assert card_only.status_code == 422 and "VIP卡" in card_only.get_json()["error"]["message"]
    req = file_housing(people)
    db.session.commit()
    url = f"/api/v1/service-requests/{req.id}"
    assert client.post(url + "/transition", json={"to": "accept"}, headers=headers).status_code == 422
    assert client.post(url + "/transition", json={"to": "fly", "version": 1},
                       headers=headers).status_code == 422
    assert client.post(url + "/transition", json={"to": "withdraw", "version": "one"},
                       headers=headers).status_code == 422
    assert client.post(url + "/rating", json={"score": 9}, headers=headers).status_code == 422
    assert client.post(url + "/rating", json={"score": 5}, headers=headers).status_code == 422  # not done
    assert client.get("/api/v1/service-requests/99999999", headers=headers).status_code == 404
    assert client.get("/api/v1/service-requests").status_code == 401


def test_rating_through_the_api(client, people, today):
    req = in_state(people, "completed")
    db.session.commit()
    headers = token(client, people.talent_user)
    rated = client.post(f"/api/v1/service-requests/{req.id}/rating", json={"score": 4, "comment": "及时"},
                        headers=headers)
    assert rated.status_code == 200 and rated.get_json()["rating"] == 4
    again = client.post(f"/api/v1/service-requests/{req.id}/rating", json={"score": 5}, headers=headers)
    assert again.status_code == 422


def test_ids_beyond_the_database_are_refused_not_500(client, people, today):
    req = file_housing(people)
    db.session.commit()
    org = token(client, people.org)
    huge = 2**40
    created = client.post("/api/v1/service-requests", json={**NEW, "talent_id": huge}, headers=org)
    assert created.status_code == 422 and "talent_id" in created.get_json()["error"]["fields"]
    zjj = token(client, people.zjj)
    moved = client.post(f"/api/v1/service-requests/{req.id}/transition",
                        json={"to": "transfer", "note": "转", "version": 1, "unit_id": huge}, headers=zjj)
    assert moved.status_code == 422 and "unit_id" in moved.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/service-requests/{huge}", headers=zjj).status_code == 404
