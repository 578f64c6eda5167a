"""The allowances API: money as strings end to end, versions, 409, and the ledger."""

from decimal import Decimal

from talent.extensions import db
from tests.factories import TEST_PASSWORD


def _token(client, user) -> dict:
    response = client.post("/api/v1/auth/token", json={"username": user.username, "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_policy_create_and_patch_make_versions(client, world):
    org = _token(client, world.org)
    created = client.post(
        "/api/v1/allowance-policies",
        headers=org,
        json={
            "name": "博士津贴",
            "document_no": "双组发〔2026〕4号",
            "amount": "1500.5",
            "period": "monthly",
            "months": 60,
            "budget": "200000",
            "year": 2026,
            "eligibility": {"educations": ["doctorate"], "tiers": []},
        },
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["amount"] == "1500.50" and body["budget"] == "200000.00" and body["version"] == 1
    assert body["eligibility"]["educations"] == ["doctorate"] and body["chain"] == [
        "reviewed",
        "rechecked",
        "approved",
    ]
    path = f"/api/v1/allowance-policies/{body['id']}"
    assert client.patch(path, headers=org, json={"amount": "1600.00"}).status_code == 422  # no version
    assert client.patch(path, headers=org, json={"amount": 1600.0, "version": 1}).status_code == 422  # float
    patched = client.patch(path, headers=org, json={"amount": "1600.00", "version": 1})
    assert patched.status_code == 200 and patched.get_json()["amount"] == "1600.00"
    assert patched.get_json()["name"] == "博士津贴" and patched.get_json()["version"] == 2
    assert client.patch(path, headers=org, json={"amount": "1700.00", "version": 1}).status_code == 409
    versions = client.get(path, headers=org).get_json()["versions"]
    assert [(v["version"], v["amount"]) for v in versions] == [(1, "1500.50"), (2, "1600.00")]
    bad = client.post(
        "/api/v1/allowance-policies",
        headers=org,
        json={"name": "x", "amount": "12.345", "budget": "1", "year": 2026},
    )
    assert bad.status_code == 422 and "amount" in bad.get_json()["error"]["fields"]
    talent = _token(client, world.talent_user)
    assert client.post("/api/v1/allowance-policies", headers=talent, json={}).status_code == 403


def test_claim_through_the_api_with_decimal_strings(client, world):
    talent = _token(client, world.talent_user)
    created = client.post(
        "/api/v1/allowance-claims",
        headers=talent,
        json={"policy_id": world.policy.id, "period_from": "2026-03", "period_to": "2026-05", "note": "申请"},
    )
    assert created.status_code == 201, created.get_json()
    claim = created.get_json()
    assert (
        claim["amount"] == "5161.29" and claim["status"] == "submitted" and claim["period_from"] == "2026-03"
    )
    detail = client.get(f"/api/v1/allowance-claims/{claim['id']}", headers=talent).get_json()
    assert detail["computation"][0] == {"period": "2026-03", "basis": "18/31 天", "amount": "1161.29"}
    path = f"/api/v1/allowance-claims/{claim['id']}/transition"
    org, hrss, finance = (_token(client, u) for u in (world.org, world.hrss, world.finance))
    assert client.post(path, headers=talent, json={"to": "reviewed", "version": 1}).status_code == 403
    reviewed = client.post(path, headers=org, json={"to": "reviewed", "version": 1})
    assert reviewed.status_code == 200
    assert client.post(path, headers=hrss, json={"to": "rechecked", "version": 1}).status_code == 409
    version = reviewed.get_json()["version"]
    version = client.post(path, headers=hrss, json={"to": "rechecked", "version": version}).get_json()[
        "version"
    ]
    assert (
        client.post(
            path, headers=finance, json={"to": "approved", "version": version, "amount": 5000}
        ).status_code
        == 422
    )
    approved = client.post(
        path, headers=finance, json={"to": "approved", "version": version, "amount": "5161.29"}
    )
    assert approved.get_json()["approved_amount"] == "5161.29"
    paid = client.post(
        path,
        headers=finance,
        json={
            "to": "paid",
            "version": approved.get_json()["version"],
            "paid_on": "2026-12-10",
            "voucher_no": "CZ-1",
        },
    )
    assert paid.status_code == 200, paid.get_json()
    assert paid.get_json()["paid_amount"] == "5161.29"
    ledger = client.get("/api/v1/allowance-ledger?year=2026", headers=org).get_json()
    assert ledger["totals"] == {"claims": 1, "approved": "5161.29", "paid": "5161.29", "outstanding": "0.00"}
    policy_row = next(p for p in ledger["policies"] if p["policy_id"] == world.policy.id)
    assert policy_row["budget_left"] == str(Decimal("100000.00") - Decimal("5161.29"))
    assert ledger["talents"]["items"][0]["talent_id"] == world.talent.id
    science = _token(client, world.science)
    assert (
        client.get("/api/v1/allowance-ledger?year=2026", headers=science).get_json()["totals"]["claims"] == 0
    )
    assert client.get(f"/api/v1/allowance-claims/{claim['id']}", headers=science).status_code == 404
    assert client.get("/api/v1/allowance-ledger", headers=talent).status_code == 403


def test_bad_claim_bodies(client, world):
    talent = _token(client, world.talent_user)
    for body in (
        {"policy_id": world.policy.id, "period_from": "2026-13", "period_to": "2026-12"},
        {"policy_id": world.policy.id, "period_from": "2026-03"},
        {"policy_id": 999999, "period_from": "2026-03", "period_to": "2026-03"},
        {"policy_id": world.policy.id, "period_from": "2026-03", "period_to": "2026-03", "colour": "red"},
    ):
        assert client.post("/api/v1/allowance-claims", headers=talent, json=body).status_code == 422, body
    other = client.post(
        "/api/v1/allowance-claims",
        headers=talent,
        json={
            "policy_id": world.policy.id,
            "talent_id": world.talent.id + 1000,
            "period_from": "2026-03",
            "period_to": "2026-03",
        },
    )
    assert other.status_code == 403
    db.session.rollback()
