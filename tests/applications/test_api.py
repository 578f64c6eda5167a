"""/api/v1/card-applications: the contract, versions, and who sees what."""
from talent.cards import operations as cards
from talent.extensions import db
from tests.factories import TEST_PASSWORD, TalentFactory


def _token(client, user) -> dict:
    response = client.post("/api/v1/auth/token", json={"username": user.username, "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_the_way_through_the_api(client, world):
    talent, hr, org = (_token(client, u) for u in (world.talent_user, world.hr, world.org))
    created = client.post("/api/v1/card-applications", json={"note": "申请"}, headers=talent)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "submitted" and body["eligible_tier"] == "C" and body["card_id"] is None
    assert body["employer_id"] == world.employer.id  # the employer on record
    path = f"/api/v1/card-applications/{body['id']}"

    assert client.post(f"{path}/transition", json={"to": "confirmed", "version": body["version"]},
                       headers=talent).status_code == 403
    confirmed = client.post(f"{path}/transition", json={"to": "confirmed", "version": body["version"]},
                            headers=hr)
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    stale = client.post(f"{path}/transition", json={"to": "approved", "version": body["version"]},
                        headers=org)
    assert stale.status_code == 409
    assert client.post(f"{path}/transition", json={"to": "approved"}, headers=org).status_code == 422
    assert client.post(f"{path}/transition", json={"to": "issued", "version": 2},
                       headers=org).status_code == 422
    approved = client.post(f"{path}/transition",
                           json={"to": "approved", "version": confirmed.get_json()["version"]}, headers=org)
    assert approved.status_code == 200
    result = approved.get_json()
    assert result["status"] == "approved" and result["card_id"] == cards.active_card(world.talent).id
    assert [s["action"] for s in result["steps"]] == ["apply", "confirm", "approve"]


def test_lists_are_scoped(client, world):
    client.post("/api/v1/card-applications", json={"note": ""}, headers=_token(client, world.talent_user))
    other_talent = TalentFactory()
    org = _token(client, world.org)
    other = client.post("/api/v1/card-applications",
                        json={"talent_id": other_talent.id, "employer_id": world.other_hr.employer_id},
                        headers=org).get_json()
    assert other["status"] == "submitted" and other["started_by"] == "org"
    hr_list = client.get("/api/v1/card-applications", headers=_token(client, world.hr)).get_json()
    assert [a["talent_id"] for a in hr_list["items"]] == [world.talent.id]
    assert client.get(f"/api/v1/card-applications/{other['id']}",
                      headers=_token(client, world.hr)).status_code == 404
    assert client.get("/api/v1/card-applications", headers=org).get_json()["total"] == 2


def test_bad_bodies_are_clear_errors(client, world):
    hr = _token(client, world.hr)
    assert client.post("/api/v1/card-applications", json={"note": ""}, headers=hr).status_code == 422
    stranger = TalentFactory()
    refused = client.post("/api/v1/card-applications", json={"talent_id": stranger.id}, headers=hr)
    assert refused.status_code == 422 and "本单位" in refused.get_json()["error"]["message"]
    talent = _token(client, world.talent_user)
    assert client.post("/api/v1/card-applications", json={"talent_id": stranger.id},
                       headers=talent).status_code == 403
    assert client.post("/api/v1/card-applications", json={"colour": "red"}, headers=talent).status_code == 422
    assert client.post("/api/v1/card-applications", json={"note": 5}, headers=talent).status_code == 422
    unqualified = TalentFactory(education="bachelor", title_level="none", category="none")
    refused = client.post("/api/v1/card-applications",
                          json={"talent_id": unqualified.id, "employer_id": world.employer.id},
                          headers=_token(client, world.org))
    assert refused.status_code == 422 and "暂不符合" in refused.get_json()["error"]["message"]
    db.session.rollback()
