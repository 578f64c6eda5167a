"""The task API: plans, tasks with indicators, reports (with bad input), indicators."""
from datetime import date

from sqlalchemy import func, select

from talent.extensions import db
from talent.tasks.models import ProgressReport
from tests.tasks.conftest import unit_id


def test_plans_tasks_and_indicators(client, api_token, plan, items):
    headers = api_token("org")
    plans = client.get("/api/v1/plans", headers=headers).get_json()
    assert plans["total"] == 1 and plans["items"][0]["name"] == "双牌县打好科技创新攻坚仗工作方案"
    body = plans["items"][0]
    assert [a["items"] for a in body["actions"]][3] == ["4.1", "4.2", "4.3"]
    assert len(body["indicators"]) == 7  # 4 总体目标 + 3 工作任务 targets
    tasks = client.get(f"/api/v1/tasks?plan_id={plan.id}&per_page=50", headers=headers).get_json()
    assert tasks["total"] == 11 and [t["code"] for t in tasks["items"]][:3] == ["1.1", "1.2", "1.3"]
    by_code = {t["code"]: t for t in tasks["items"]}
    assert by_code["4.1"]["lead_units"] == ["县委组织部", "县科工信局"]
    assert {"泷泊镇", "阳明山管理局"} <= set(by_code["4.1"]["responsible_units"])  # 各乡镇(管理局), each
    assert by_code["2.1"]["deadline"] == "2023-12-31" and by_code["2.1"]["light"] == "red"
    contract = by_code["2.1"]["indicators"][0]
    assert (contract["name"], contract["target"], contract["measure"], contract["comparison"]) == (
        "技术合同交易额", 2, "亿元", "at_least")
    foreign = next(i for i in by_code["4.1"]["indicators"] if i["name"] == "引进外国人才")
    assert foreign["source"] == "computed" and foreign["connected"] is True
    one = client.get(f"/api/v1/tasks/{items['2.3'].id}", headers=headers).get_json()
    assert one["lead_units"] == ["人民银行双牌支行"] and len(one["indicators"]) == 4
    mine = client.get("/api/v1/tasks?unit=县林业局", headers=headers).get_json()
    assert [t["code"] for t in mine["items"]] == ["1.1", "2.1", "2.2"]
    indicators = client.get(f"/api/v1/indicators?item_id={items['2.1'].id}", headers=headers).get_json()
    assert indicators["total"] == 5
    computed = client.get("/api/v1/indicators?source=computed", headers=headers).get_json()
    assert {i["metric_key"] for i in computed["items"]} >= {"registry.teams_introduced"}


def test_unit_reports_through_the_api(client, api_token, items, frozen):
    frozen(date(2023, 7, 3))
    headers = api_token("unit", unit_id=unit_id("县林业局"))
    item = items["2.1"]
    contract = next(i for i in item.indicators if i.name == "技术合同交易额")
    response = client.post(f"/api/v1/tasks/{item.id}/reports", headers=headers, json={
        "period": "2023-06", "narrative": "登记技术合同 12 份", "values": {str(contract.id): 0.6}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "submitted" and body["unit"] == "县林业局"
    assert body["values"] == {str(contract.id): 0.6}
    listed = client.get(f"/api/v1/tasks/{item.id}/reports", headers=headers).get_json()
    assert listed["total"] == 1 and listed["items"][0]["narrative"] == "登记技术合同 12 份"


def test_report_from_an_unrelated_unit_is_403(client, api_token, items):
    headers = api_token("unit", unit_id=unit_id("县住建局"))
    response = client.post(f"/api/v1/tasks/{items['1.1'].id}/reports", headers=headers,
                           json={"period": "2023-06", "narrative": "x"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert db.session.scalar(select(func.count()).select_from(ProgressReport)) == 0


def test_bad_report_bodies(client, api_token, items, frozen):
    frozen(date(2023, 7, 3))
    headers = api_token("unit")  # 县科工信局
    url = f"/api/v1/tasks/{items['2.1'].id}/reports"
    assert client.post(url, headers=headers, data="nope", content_type="application/json").status_code == 400
    cases = [
        ({"narrative": "x"}, "period"),
        ({"period": "2023-6", "narrative": "x"}, "period"),
        ({"period": "2024-01", "narrative": "x"}, "period"),  # future month
        ({"period": "2023-06"}, "narrative"),
        ({"period": "2023-06", "narrative": "x", "values": [1]}, "values"),
        ({"period": "2023-06", "narrative": "x", "values": {"abc": 1}}, "values"),
        ({"period": "2023-06", "narrative": "x", "values": {"1": "many"}}, "values"),
        ({"period": "2023-06", "narrative": "x", "values": {"1": -5}}, "values"),
        ({"period": "2023-06", "narrative": "x", "values": {"999999": 1}}, "values"),
        ({"period": "2023-06", "narrative": "x", "colour": "red"}, "colour"),
        ({"period": "2023-06", "narrative": {"a": 1}}, "narrative"),
    ]
    for body, field in cases:
        response = client.post(url, headers=headers, json=body)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["error"]["fields"], (body, response.get_json())
    assert db.session.scalar(select(func.count()).select_from(ProgressReport)) == 0


def test_roles_and_missing_objects(client, api_token):
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.get("/api/v1/tasks", headers=api_token("talent")).status_code == 403
    assert client.get("/api/v1/tasks", headers=api_token("commissioner")).status_code == 403
    headers = api_token("org")
    assert client.get("/api/v1/tasks/999999", headers=headers).status_code == 404
    assert client.get("/api/v1/tasks?plan_id=abc", headers=headers).status_code == 422
    assert client.get("/api/v1/tasks?unit=不存在的单位", headers=headers).status_code == 422


def test_openapi_documents_the_task_api(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/plans", "/api/v1/tasks", "/api/v1/tasks/{task_id}",
                 "/api/v1/tasks/{task_id}/reports", "/api/v1/indicators"):
        assert path in document["paths"]
    assert "post" in document["paths"]["/api/v1/tasks/{task_id}/reports"]
    assert {"Task", "Indicator", "Plan", "Report"} <= set(document["components"]["schemas"])
