"""/api/v1/programmes and /api/v1/recommendations: contract, bad input, who may do what."""
from sqlalchemy import func, select

from talent.core.openapi import build_document
from talent.extensions import db
from talent.programmes import operations
from talent.programmes.models import Programme, Recommendation
from tests.factories import TalentFactory, UserFactory
from tests.programmes.conftest import values


def test_programmes_list_and_create(client, api_token):
    headers = api_token("org")
    listing = client.get("/api/v1/programmes?level=provincial", headers=headers).get_json()
    assert listing["total"] == 2 and {p["level"] for p in listing["items"]} == {"provincial"}
    created = client.post("/api/v1/programmes", headers=headers, json={
        "name": "湖南省科技人才托举工程", "level": "provincial", "organiser": "湖南省科学技术协会"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["active"] is True
    duplicate = client.post("/api/v1/programmes", headers=headers, json={
        "name": "湖南省科技人才托举工程", "level": "provincial"})
    assert duplicate.status_code == 409 and "name" in duplicate.get_json()["error"]["fields"]
    bad = client.post("/api/v1/programmes", headers=headers, json={"name": "", "level": "county",
                                                                   "colour": "red"})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"colour"}
    bad = client.post("/api/v1/programmes", headers=headers, json={"name": "", "level": "county"})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"name", "level"}
    assert client.post("/api/v1/programmes", headers=headers, data="not json",
                       content_type="application/json").status_code == 400


def test_recommend_read_and_patch_with_version(client, api_token, programmes):
    headers = api_token("org")
    talent = TalentFactory(programme_level="none")
    db.session.commit()
    created = client.post("/api/v1/recommendations", headers=headers, json={
        "talent_id": talent.id, "programme_id": programmes["provincial"].id, "year": 2026,
        "source": "joint_fund", "note": "省市自科联合基金项目负责人"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["outcome"] == "pending" and body["level"] == "provincial" and body["version"] == 1
    assert created.headers["Location"].endswith(f"/api/v1/recommendations/{body['id']}")
    url = f"/api/v1/recommendations/{body['id']}"
    no_version = client.patch(url, headers=headers, json={"outcome": "selected", "decided_on": "2026-10-16"})
    assert no_version.status_code == 422 and "version" in no_version.get_json()["error"]["fields"]
    patched = client.patch(url, headers=headers, json={"outcome": "selected", "decided_on": "2026-10-16",
                                                        "document_no": "湘科人〔2026〕21号", "version": 1})
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["outcome"] == "selected" and patched.get_json()["version"] == 2
    shown = client.get(f"/api/v1/talents/{talent.id}", headers=headers).get_json()
    assert shown["programme_level"] == "provincial"
    stale = client.patch(url, headers=headers, json={"note": "迟到的修改", "version": 1})
    assert stale.status_code == 409
    # A client may send back what it read.
    echoed = client.get(url, headers=headers).get_json()
    again = client.patch(url, headers=headers, json={**echoed, "note": "补充业绩"})
    assert again.status_code == 200 and again.get_json()["note"] == "补充业绩"


def test_recommendation_bad_input(client, api_token, programmes):
    headers = api_token("org")
    talent = TalentFactory()
    db.session.commit()
    cases = [
        ({"programme_id": programmes["provincial"].id, "year": 2026}, {"talent_id"}),
        ({"talent_id": talent.id, "programme_id": 999999, "year": 2026}, {"programme_id"}),
        ({"talent_id": talent.id, "programme_id": programmes["provincial"].id, "year": "明年"}, {"year"}),
        ({"talent_id": talent.id, "programme_id": programmes["provincial"].id, "year": 2026,
          "outcome": "won"}, {"outcome"}),
        ({"talent_id": talent.id, "programme_id": programmes["provincial"].id, "year": 2026,
          "outcome": "selected"}, {"decided_on"}),
        ({"talent_id": talent.id, "programme_id": programmes["provincial"].id, "year": 2026,
          "source": "other"}, {"note"}),
        ({"talent_id": [1], "programme_id": programmes["provincial"].id, "year": 2026}, {"talent_id"}),
        ({"talent_id": 2**40, "programme_id": programmes["provincial"].id, "year": 2026}, {"talent_id"}),
    ]
    for body, fields in cases:
        response = client.post("/api/v1/recommendations", headers=headers, json=body)
        assert response.status_code == 422, (body, response.get_json())
        assert fields <= set(response.get_json()["error"]["fields"]), (body, response.get_json())
    assert db.session.scalar(select(func.count(Recommendation.id))) == 0
    good = {"talent_id": talent.id, "programme_id": programmes["provincial"].id, "year": 2026,
            "source": "top_ten"}
    assert client.post("/api/v1/recommendations", headers=headers, json=good).status_code == 201
    assert client.post("/api/v1/recommendations", headers=headers, json=good).status_code == 409


def test_unit_and_talent_cannot_recommend_and_a_talent_reads_only_their_own(client, api_token, programmes):
    org = UserFactory(role="org")
    mine, theirs = TalentFactory(), TalentFactory()
    own, _ = operations.recommend(org, values(mine, programmes["provincial"]))
    other, _ = operations.recommend(org, values(theirs, programmes["national"]))
    db.session.commit()
    body = {"talent_id": mine.id, "programme_id": programmes["municipal"].id, "year": 2026,
            "source": "top_ten"}
    unit = api_token("unit")
    assert client.post("/api/v1/recommendations", headers=unit, json=body).status_code == 403
    assert client.get("/api/v1/recommendations", headers=unit).status_code == 403
    assert client.post("/api/v1/programmes", headers=unit, json={"name": "x", "level": "municipal"}
                       ).status_code == 403
    talent = api_token("talent", talent_id=mine.id)
    assert client.post("/api/v1/recommendations", headers=talent, json=body).status_code == 403
    assert client.patch(f"/api/v1/recommendations/{own.id}", headers=talent,
                        json={"note": "我自己改", "version": own.version}).status_code == 403
    listing = client.get("/api/v1/recommendations", headers=talent).get_json()
    assert [item["id"] for item in listing["items"]] == [own.id]
    assert client.get(f"/api/v1/recommendations/{own.id}", headers=talent).status_code == 200
    assert client.get(f"/api/v1/recommendations/{other.id}", headers=talent).status_code == 404
    assert client.get("/api/v1/recommendations").status_code == 401


def test_list_filters(client, api_token, programmes):
    org = UserFactory(role="org")
    operations.recommend(org, values(TalentFactory(), programmes["municipal"], year=2025))
    operations.recommend(org, values(TalentFactory(), programmes["national"]))
    db.session.commit()
    headers = api_token("org")
    assert client.get("/api/v1/recommendations?year=2025", headers=headers).get_json()["total"] == 1
    assert client.get("/api/v1/recommendations?level=high", headers=headers).get_json()["total"] == 1
    # A value outside the documented enum is refused (issue 19), not silently ignored.
    assert client.get("/api/v1/recommendations?level=bogus", headers=headers).status_code == 422


def test_documented_in_openapi(app):
    document = build_document()
    assert {"get", "post"} <= set(document["paths"]["/api/v1/recommendations"])
    assert {"get", "patch"} <= set(document["paths"]["/api/v1/recommendations/{recommendation_id}"])
    schema = document["components"]["schemas"]["Recommendation"]["properties"]
    assert schema["outcome"]["enum"] == ["pending", "selected", "not_selected", "withdrawn"]
    levels = document["components"]["schemas"]["Programme"]["properties"]["level"]["enum"]
    assert levels == ["academician", "national", "provincial", "municipal"]
    assert db.session.scalar(select(func.count(Programme.id))) >= 4
