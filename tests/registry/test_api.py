from sqlalchemy import func, select

from talent.extensions import db
from talent.registry.models import Talent
from tests.factories import TalentFactory, resident_id

NEW = {
    "name": "陈立新",
    "id_number": "431123198003150010",
    "education": "master",
    "employer": "双牌县农业农村局",
    "field": "modern_agriculture",
    "category": "innovator",
    "honors": ["双牌县优秀科技工作者"],
}


def test_token_then_create_and_read(client, api_token):
    headers = api_token("org")
    created = client.post("/api/v1/talents", json=NEW, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["birth_date"] == "1980-03-15" and body["gender"] == "male"
    assert body["works_in_county"] is True and body["nationality"] == "CN"
    assert created.headers["Location"].endswith(f"/api/v1/talents/{body['id']}")
    shown = client.get(f"/api/v1/talents/{body['id']}", headers=headers).get_json()
    assert shown["id_number"] == NEW["id_number"]
    assert shown["honors"] == ["双牌县优秀科技工作者"]


def test_list_envelope_search_and_masking(client, api_token):
    TalentFactory(name="唐志刚", employer="湖南昊利科技有限公司", category="engineer")
    TalentFactory(name="何建平", employer="双牌县人民医院", category="leading", field="healthcare")
    db.session.commit()
    headers = api_token("unit")
    listing = client.get("/api/v1/talents?q=昊利&per_page=5", headers=headers).get_json()
    assert listing["total"] == 1 and listing["page"] == 1 and listing["per_page"] == 5
    assert listing["items"][0]["name"] == "唐志刚"
    assert "*" in listing["items"][0]["id_number"]
    by_field = client.get("/api/v1/talents?field=healthcare&category=leading", headers=headers).get_json()
    assert [t["name"] for t in by_field["items"]] == ["何建平"]


def test_validation_errors_are_422_with_fields(client, api_token):
    headers = api_token("org")
    response = client.post("/api/v1/talents", json={**NEW, "id_number": "431123198003150011",
                                                    "email": "bad", "field": "space"}, headers=headers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) >= {"id_number", "email", "field"}
    assert db.session.scalar(select(func.count(Talent.id))) == 0


def test_wrong_json_types_and_unknown_fields(client, api_token):
    headers = api_token("org")
    wrong = client.post("/api/v1/talents", json={**NEW, "honors": "not a list", "works_in_county": {}},
                        headers=headers)
    assert wrong.status_code == 422
    assert set(wrong.get_json()["error"]["fields"]) == {"honors", "works_in_county"}
    unknown = client.post("/api/v1/talents", json={**NEW, "salary": 1}, headers=headers)
    assert unknown.get_json()["error"]["fields"] == {"salary": ["未知字段"]}


def test_bad_json_is_400(client, api_token):
    headers = api_token("org")
    for payload in ("{not json", "[1, 2]"):
        response = client.post("/api/v1/talents", data=payload, headers={**headers,
                               "Content-Type": "application/json"})
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "bad_request"


def test_duplicate_is_409(client, api_token):
    headers = api_token("org")
    assert client.post("/api/v1/talents", json=NEW, headers=headers).status_code == 201
    again = client.post("/api/v1/talents", json={**NEW, "name": "另一个人"}, headers=headers)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "conflict"
    assert db.session.scalar(select(func.count(Talent.id))) == 1


def test_patch_changes_only_given_fields(client, api_token):
    talent = TalentFactory(employer="双牌县林业局", title_level="intermediate")
    db.session.commit()
    headers = api_token("org")
    response = client.patch(f"/api/v1/talents/{talent.id}",
                            json={"title_level": "vice_senior", "id": 999, "version": talent.version},
                            headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title_level"] == "vice_senior" and body["employer"] == "双牌县林业局"
    assert body["id"] == talent.id


def test_patch_new_id_number_rederives_birth_date(client, api_token):
    talent = TalentFactory()
    db.session.commit()
    headers = api_token("org")
    number = resident_id(birth=__import__("datetime").date(1990, 7, 1), male=False)
    body = client.patch(f"/api/v1/talents/{talent.id}", json={"id_number": number, "version": talent.version},
                        headers=headers).get_json()
    assert body["birth_date"] == "1990-07-01" and body["gender"] == "female"


def test_patch_to_someone_elses_id_is_409(client, api_token):
    first, second = TalentFactory(), TalentFactory()
    db.session.commit()
    headers = api_token("org")
    response = client.patch(f"/api/v1/talents/{second.id}",
                            json={"id_number": first.id_number, "version": second.version},
                            headers=headers)
    assert response.status_code == 409


def test_patch_bad_value_is_422_and_changes_nothing(client, api_token):
    talent = TalentFactory(phone="13800000000")
    db.session.commit()
    headers = api_token("org")
    response = client.patch(f"/api/v1/talents/{talent.id}",
                            json={"phone": "123", "name": "新名字", "version": 1}, headers=headers)
    assert response.status_code == 422
    db.session.refresh(talent)
    assert talent.phone == "13800000000" and talent.name != "新名字"


def test_missing_talent_is_404_json(client, api_token):
    response = client.get("/api/v1/talents/424242", headers=api_token("org"))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_auth_errors(client, make_user):
    assert client.get("/api/v1/talents").status_code == 401
    bad = client.get("/api/v1/talents", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "unauthorized"
    make_user("org", username="api-user")
    db.session.commit()
    wrong = client.post("/api/v1/auth/token", json={"username": "api-user", "password": "nope"})
    assert wrong.status_code == 401
    missing = client.post("/api/v1/auth/token", json={"username": ""})
    assert missing.status_code == 422
    assert set(missing.get_json()["error"]["fields"]) == {"username", "password"}
    assert client.post("/api/v1/auth/token", data="x").status_code == 400


def test_role_without_permission_is_403(client, api_token):
    headers = api_token("unit")
    response = client.post("/api/v1/talents", json=NEW, headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/talents", headers=api_token("commissioner")).status_code == 403


def test_session_cookie_does_not_authenticate_the_api(client, auth):
    auth.login_as("org")
    assert client.get("/api/v1/talents").status_code == 401


def test_disabled_user_token_stops_working(client, api_token):
    from talent.auth.models import User

    headers = api_token("org")
    user = db.session.scalar(select(User))
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/talents", headers=headers).status_code == 401
