"""Low-severity findings of the outside review (issue 7.10, 7.12): unchecked integers, deep JSON,
oversize uploads, LIKE wildcards in searches, cacheable exports and QR codes."""
from io import BytesIO

import pytest

from talent.cards import operations as cards
from talent.core.validators import DB_INT_MAX, bounded_int
from talent.extensions import db
from tests.factories import TalentFactory

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(("raw", "value"), [
    ("7", 7), (" 12 ", 12), (7, 7), (str(DB_INT_MAX), DB_INT_MAX), (str(DB_INT_MAX + 1), None),
    (HUGE, None), (int(HUGE), None), ("²", None), ("٣", None), ("-1", None), ("0", None),
    ("1e3", None), ("", None), (None, None), (True, None), (1.5, None), ([1], None),
])
def test_bounded_int(raw, value):
    assert bounded_int(raw) == value


@pytest.mark.parametrize("url", [
    f"/talents?team_id={HUGE}", "/talents?team_id=²", f"/talents/export.xlsx?team_id={HUGE}",
    "/talents/export.xlsx?team_id=²", f"/talents?page={HUGE}&per_page=²", "/cards/stale?version=²",
    f"/cards/stale?version={HUGE}",
])
def test_odd_integers_in_page_queries(client, auth, url):
    auth.login_as("admin")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("query", [f"team_id={HUGE}", "team_id=²"])
def test_odd_integers_in_undeclared_api_queries_are_ignored(client, api_token, query):
    response = client.get(f"/api/v1/talents?{query}", headers=api_token("org"))
    assert response.status_code == 200


@pytest.mark.parametrize("query", [f"page={HUGE}", "page=²", "per_page=0", "category=nobody"])
def test_mistyped_declared_api_queries_are_422(client, api_token, query):
    """The OpenAPI document is the contract: a declared parameter of the wrong type is refused."""
    response = client.get(f"/api/v1/talents?{query}", headers=api_token("org"))
    assert response.status_code == 422
    assert query.split("=")[0] in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(("talent_id", "message"), [(int(HUGE), "数值超出允许范围"),
                                                   (DB_INT_MAX + 1, "没有这个人才编号")])
def test_huge_talent_id_in_json_is_a_field_error(client, api_token, talent_id, message):
    response = client.post("/api/v1/cards", json={"talent_id": talent_id}, headers=api_token("org"))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"talent_id": [message]}


@pytest.mark.parametrize("talent_id", [HUGE, "²"])
def test_huge_talent_id_on_the_user_form(client, auth, talent_id):
    auth.login_as("admin")
    response = client.post("/admin/users/new", data={
        "username": "rencai9", "role": "talent", "talent_id": talent_id, "password": "Passw0rd-x"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "没有这个人才编号" in text or "请输入人才编号（数字）" in text


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000,
                                  '{"name": ' + '{"a": ' * 50 + "1" + "}" * 51])
def test_deeply_nested_json_is_a_bad_request(client, api_token, body):
    response = client.post("/api/v1/talents", data=body, content_type="application/json",
                           headers=api_token("org"))
    assert response.status_code == 400
    assert "嵌套" in response.get_json()["error"]["message"]


def test_upload_over_the_limit_is_a_clear_413(app, client, auth):
    auth.login_as("org")
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    page = client.post("/talents/import", data={"file": (BytesIO(b"x" * 2 * 1024 * 1024), "a.xlsx")},
                       content_type="multipart/form-data")
    assert page.status_code == 413
    assert "上传的文件过大：单次上传不超过 1 MB" in page.get_data(as_text=True)


def test_api_body_over_the_limit_is_a_json_413(app, client, api_token):
    headers = api_token("org")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/api/v1/talents", data="{" + " " * 4096 + "}",
                           content_type="application/json", headers=headers)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_search_wildcards_match_themselves(client, auth, api_token):
    auth.login_as("admin")
    TalentFactory(name="百分之百", employer="100%竹业")
    TalentFactory(name="李_明", employer="县科工信局")
    TalentFactory(name="王建国", employer="县住建局")
    db.session.commit()
    for q, expected in (("%", {"百分之百"}), ("_", {"李_明"})):
        response = client.get(f"/api/v1/talents?q={q}", headers=api_token("org"))
        assert {t["name"] for t in response.get_json()["items"]} == expected
        page = client.get(f"/talents?q={q}").get_data(as_text=True)
        assert "王建国" not in page


def test_card_and_user_searches_escape_wildcards(client, auth, make_user):
    user = auth.login_as("admin")
    cards.issue_card(user, TalentFactory(name="王建国", education="doctorate"))
    make_user("org", username="zhou_min", display_name="周敏")
    make_user("org", username="zhoumin2", display_name="周敏二")
    db.session.commit()
    assert "王建国" not in client.get("/cards?q=%").get_data(as_text=True)
    assert "王建国" not in client.get("/cards?q=_").get_data(as_text=True)
    users = client.get("/admin/users?q=_").get_data(as_text=True)
    assert "zhou_min" in users and "zhoumin2" not in users


def test_exports_and_qr_codes_are_not_stored(client, auth):
    user = auth.login_as("org")
    card = cards.issue_card(user, TalentFactory(education="doctorate"))
    db.session.commit()
    for url in ("/talents/export.xlsx", "/cards/recommended.xlsx", f"/cards/{card.id}/qr.png",
                f"/cards/{card.id}/qr.png?download=1"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_api_and_portal_qr_codes_are_not_stored(client, auth, api_token, make_user):
    org = make_user("org")
    talent = TalentFactory(education="doctorate")
    card = cards.issue_card(org, talent)
    db.session.commit()
    api = client.get(f"/api/v1/cards/{card.id}/qr.png", headers=api_token("org"))
    assert api.status_code == 200 and api.headers["Cache-Control"] == "no-store"
    auth.login_as("talent", talent_id=talent.id)
    own = client.get("/me/qr.png")
    assert own.status_code == 200 and own.headers["Cache-Control"] == "no-store"
