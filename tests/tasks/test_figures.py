"""Every indicator reportable and each unit's share counted once; four eyes on confirmation."""
from datetime import date

from sqlalchemy import select

from talent.extensions import db
from talent.tasks import operations
from talent.tasks.models import IndicatorFigure, ProgressReport
from tests.factories import TEST_PASSWORD
from tests.tasks.conftest import unit_id


def _token(client, user) -> dict:
    db.session.commit()
    response = client.post("/api/v1/auth/token", json={"username": user.username, "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _indicator(plan, name):
    return next(i for i in plan.indicators if i.name == name)


def test_kgxj_cannot_confirm_the_figure_it_submitted(client, items, staff, frozen):
    """Issue #19 item 4, the attack: kgxj submits 987654 for an indicator and confirms it itself."""
    frozen(date(2023, 7, 3))
    kgxj, colleague = staff("县科工信局"), staff("县科工信局")
    item = items["2.1"]
    contract = next(i for i in item.indicators if i.name == "技术合同交易额")
    headers = _token(client, kgxj)
    created = client.post(f"/api/v1/tasks/{item.id}/reports", headers=headers,
                          json={"period": "2023-06", "narrative": "登记",
                                "values": {str(contract.id): 987654}})
    assert created.status_code == 201
    report = created.get_json()
    refused = client.post(f"/api/v1/reports/{report['id']}/review", headers=headers,
                          json={"decision": "confirm", "version": report["version"]})
    assert refused.status_code == 403 and "四眼" in refused.get_json()["error"]["message"]
    db.session.expire_all()
    assert db.session.get(ProgressReport, report["id"]).status == "submitted"
    assert db.session.scalars(select(IndicatorFigure)).all() == []
    assert contract.actual is None
    stale = client.post(f"/api/v1/reports/{report['id']}/review", headers=_token(client, colleague),
                        json={"decision": "confirm", "version": report["version"] + 5})
    assert stale.status_code == 409
    missing = client.post(f"/api/v1/reports/{report['id']}/review", headers=_token(client, colleague),
                          json={"decision": "confirm"})
    assert missing.status_code == 422
    # another office account may confirm the office's own report
    ok = client.post(f"/api/v1/reports/{report['id']}/review", headers=_token(client, colleague),
                     json={"decision": "return", "comment": "数值明显有误", "version": report["version"]})
    assert ok.status_code == 200 and ok.get_json()["status"] == "returned"


def test_a_lead_units_own_report_is_confirmed_by_the_office(client, items, staff, frozen):
    frozen(date(2023, 8, 3))
    banker, other_banker, office = staff("人民银行双牌支行"), staff("人民银行双牌支行"), staff("县科工信局")
    item = items["2.3"]
    loans = next(i for i in item.indicators if "投放贷款" in i.name)
    report = operations.submit_report(banker, item, banker.unit, "2023-07", "投放", {loans.id: 0.6})
    refused = client.post(f"/api/v1/reports/{report.id}/review", headers=_token(client, other_banker),
                          json={"decision": "confirm", "version": report.version})
    assert refused.status_code == 403 and "专班办公室" in refused.get_json()["error"]["message"]
    forestry = staff("县林业局")
    assert client.post(f"/api/v1/reports/{report.id}/review", headers=_token(client, forestry),
                       json={"decision": "confirm", "version": report.version}).status_code == 403
    confirmed = client.post(f"/api/v1/reports/{report.id}/review", headers=_token(client, office),
                            json={"decision": "confirm", "version": report.version})
    assert confirmed.status_code == 200
    db.session.expire_all()
    assert loans.actual == 0.6


def test_four_eyes_on_the_page(client, auth, items, staff, frozen):
    frozen(date(2023, 7, 3))
    item = items["2.1"]
    kgxj = auth.login_as("unit", unit_id=unit_id("县科工信局"))
    report = operations.submit_report(kgxj, item, kgxj.unit, "2023-06", "登记", {})
    db.session.commit()
    page = client.get(f"/tasks/items/{item.id}").get_data(as_text=True)
    assert "不能确认或退回自己报送的报告" in page
    assert f'action="/tasks/reports/{report.id}/review"' not in page
    response = client.post(f"/tasks/reports/{report.id}/review", follow_redirects=True,
                           data={"decision": "confirm", "version": str(report.version)},
                           headers={"Referer": f"http://localhost/tasks/items/{item.id}"})
    assert "四眼原则" in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.status == "submitted"


def test_goal_and_action_indicators_take_values(client, plan, staff, frozen):
    frozen(date(2023, 7, 3))
    office, forestry = staff("县科工信局"), staff("县林业局")
    growth = _indicator(plan, "全社会研发经费投入增长")
    products = _indicator(plan, "开发竹木新产品")
    assert (growth.scope, growth.aggregation, products.scope, products.aggregation) == (
        "goal", "single", "action", "sum")
    denied = client.post(f"/api/v1/indicators/{products.id}/values", headers=_token(client, forestry),
                         json={"period": "2023-06", "value": 2})
    assert denied.status_code == 403
    headers = _token(client, office)
    for unit, value in ((None, 3), (unit_id("县林业局"), 2)):
        body = {"period": "2023-06", "value": value, "note": "新产品备案"}
        if unit:
            body["unit_id"] = unit
        created = client.post(f"/api/v1/indicators/{products.id}/values", headers=headers, json=body)
        assert created.status_code == 201, created.get_json()
    shown = client.get(f"/api/v1/indicators/{products.id}?period=2023-06", headers=headers).get_json()
    assert shown["actual"] == 5 and shown["aggregation"] == "sum"
    shares = sorted((c["unit"], c["value"]) for c in shown["contributions"])
    assert shares == [("县林业局", 2), ("县科工信局", 3)]
    outside = client.post(f"/api/v1/indicators/{growth.id}/values", headers=headers,
                          json={"period": "2026-01", "value": 1})
    assert outside.status_code == 422
    level = client.post(f"/api/v1/indicators/{growth.id}/values", headers=headers,
                        json={"period": "2023-06", "value": 5650.0, "note": "统计快报"})
    assert level.status_code == 201 and level.get_json()["level"] == 5650.0
    on_item = next(i for i in plan.indicators if i.scope == "item" and i.source == "reported")
    item_level = client.post(f"/api/v1/indicators/{on_item.id}/values", headers=headers,
                             json={"period": "2023-06", "value": 1})
    assert item_level.status_code == 422 and "月度进度" in item_level.get_json()["error"]["message"]


def test_goal_value_page_for_the_office(client, auth, plan, frozen):
    frozen(date(2023, 7, 3))
    products = _indicator(plan, "开发竹木新产品")
    auth.login_as("unit", unit_id=unit_id("县林业局"))
    assert client.get(f"/tasks/indicators/{products.id}/values").status_code == 403
    auth.login_as("unit", unit_id=unit_id("县科工信局"))
    page = client.get(f"/tasks/plans/{plan.id}").get_data(as_text=True)
    assert f"/tasks/indicators/{products.id}/values" in page and "各单位合计" in page
    saved = client.post(f"/tasks/indicators/{products.id}/values", follow_redirects=True,
                        data={"period": "2023-06", "value": "4", "unit_id": str(unit_id("县科工信局"))})
    text = saved.get_data(as_text=True)
    assert "已填报 开发竹木新产品" in text and "各单位分别填报" in text
    db.session.expire_all()
    assert products.actual == 4
