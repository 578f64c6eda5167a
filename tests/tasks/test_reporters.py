"""Units named on an indicator report it (县统计局 for the growth rates); 工作任务 indicators by
the lead units of its items; anyone else is refused."""
from datetime import date

from talent.extensions import db
from talent.tasks import operations
from tests.tasks.conftest import unit_id
from tests.tasks.test_figures import _indicator, _token

# 总体目标 of the work plan that are growth rates (增长 … %): county statistics.
GROWTH = {"全社会研发经费投入增长", "技术合同交易成交额增长", "高新技术产业增加值增长"}


def test_named_and_lead_units_report_goal_and_action_indicators(client, plan, staff, frozen):
    frozen(date(2023, 7, 3))
    named = {i.name: [u.name for u in i.named_units] for i in plan.indicators if i.named_units}
    assert named == {name: ["县统计局"] for name in GROWTH}
    stats, forestry, kexie = staff("县统计局"), staff("县林业局"), staff("县科协")
    growth, patents = _indicator(plan, "全社会研发经费投入增长"), _indicator(plan, "新增高价值发明专利")
    station = _indicator(plan, "创建院士工作站")  # 工作任务 三: 3.1 is led by 县科协
    cases = [(stats, growth, 201), (stats, patents, 403), (forestry, growth, 403),
             (kexie, station, 201), (forestry, station, 403)]
    for user, indicator, status in cases:
        response = client.post(f"/api/v1/indicators/{indicator.id}/values", headers=_token(client, user),
                               json={"period": "2023-06", "value": 5650.0 if indicator.is_growth else 1})
        assert response.status_code == status, (user.unit.name, indicator.name, response.get_json())
    shown = client.get(f"/api/v1/indicators/{growth.id}", headers=_token(client, stats)).get_json()
    # single: 县统计局's figure is the official one, not a mere contribution
    assert shown["named_units"] == ["县统计局"] and shown["level"] == 5650.0
    copy = operations.copy_plan(staff("县科工信局"), plan, "2026年方案", 2026)
    assert [u.name for u in _indicator(copy, "全社会研发经费投入增长").named_units] == ["县统计局"]


def test_office_names_a_reporter_on_the_edit_page(client, auth, plan, frozen):
    frozen(date(2023, 7, 3))
    patents = _indicator(plan, "新增高价值发明专利")
    market = unit_id("县市场监管局")
    auth.login_as("unit", unit_id=market)
    assert client.get(f"/tasks/indicators/{patents.id}/values").status_code == 403
    auth.login_as("unit", unit_id=unit_id("县科工信局"))
    form = client.get(f"/tasks/indicators/{patents.id}/edit").get_data(as_text=True)
    assert 'id="named-units"' in form
    saved = client.post(f"/tasks/indicators/{patents.id}/edit", data={
        "name": patents.name, "measure": "件", "comparison": "at_least", "target": "4",
        "named_unit_ids": [str(market)]})
    assert saved.status_code == 302
    auth.login_as("unit", unit_id=market)
    entered = client.post(f"/tasks/indicators/{patents.id}/values", follow_redirects=True,
                          data={"period": "2023-06", "value": "2", "unit_id": str(market)})
    assert "已填报 新增高价值发明专利（县市场监管局 2023-06）" in entered.get_data(as_text=True)
    db.session.expire_all()
    assert patents.actual == 2  # a named unit's figure of a single indicator is the official one
