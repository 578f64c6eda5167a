"""单位管理: the admin's pages and API; towns as units; units retired, never deleted."""
from sqlalchemy import select

from talent.auth.models import Unit
from talent.auth.units import TOWN_GROUP, TOWNS
from talent.core.audit import AuditEntry
from talent.extensions import db


def _unit(name):
    return db.session.scalar(select(Unit).where(Unit.name == name))


def test_towns_are_units_of_kind_town_forming_the_group(app):
    towns = list(db.session.scalars(select(Unit).where(Unit.kind == "town").order_by(Unit.sort_order)))
    assert [t.name for t in towns] == TOWNS and len(TOWNS) == 12
    assert {t.group_name for t in towns} == {TOWN_GROUP}
    assert not _unit(TOWN_GROUP).active  # the group's own row is retired, kept for history
    assert (_unit("人民银行双牌支行").kind, _unit("县科工信局").kind) == ("finance", "county")


def test_admin_manages_units_through_the_api(client, api_token):
    assert client.get("/api/v1/units", headers=api_token("org")).status_code == 403
    headers = api_token("admin")
    listing = client.get("/api/v1/units?per_page=100", headers=headers).get_json()
    assert "泷泊镇" in [u["name"] for u in listing["items"]]
    created = client.post("/api/v1/units", headers=headers,
                          json={"name": "县审计局", "kind": "county", "sort_order": 18})
    assert created.status_code == 201
    body = created.get_json()
    assert (body["name"], body["active"], body["version"]) == ("县审计局", True, 1)
    assert client.post("/api/v1/units", headers=headers, json={"name": "县审计局", "kind": "county"}
                       ).status_code == 409
    assert client.post("/api/v1/units", headers=headers, json={"name": "x", "kind": "village"}
                       ).status_code == 422
    no_version = client.patch(f"/api/v1/units/{body['id']}", headers=headers, json={"active": False})
    assert no_version.status_code == 422
    retired = client.patch(f"/api/v1/units/{body['id']}", headers=headers,
                           json={"active": False, "version": body["version"]})
    assert retired.status_code == 200 and retired.get_json()["active"] is False, retired.get_json()
    stale = client.patch(f"/api/v1/units/{body['id']}", headers=headers,
                         json={"name": "统计局", "version": body["version"]})
    assert stale.status_code == 409, stale.get_json()
    actions = list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "units", AuditEntry.object_id == body["id"]).order_by(AuditEntry.id)))
    assert actions == ["create", "retire"]


def test_unit_pages_edit_and_retire_with_audit_trail(client, auth):
    auth.login_as("unit", unit_id=_unit("县林业局").id)
    assert client.get("/admin/units").status_code == 403
    auth.login_as("admin")
    page = client.get("/admin/units").get_data(as_text=True)
    assert 'data-unit="阳明山管理局"' in page and "乡镇（管理局）" in page
    unit = _unit("县科协")
    response = client.post(f"/admin/units/{unit.id}/edit", data={
        "name": "县科学技术协会", "kind": "county", "sort_order": "13", "group_name": "",
        "version": str(unit.version)})  # "active" unticked: retired
    assert response.status_code == 302
    db.session.refresh(unit)
    assert (unit.name, unit.active) == ("县科学技术协会", False)
    edit = client.get(f"/admin/units/{unit.id}/edit").get_data(as_text=True)
    assert "不能删除" in edit and "县科协" in edit  # the trail shows the old name
    stale = client.post(f"/admin/units/{unit.id}/edit", follow_redirects=True, data={
        "name": "科协", "kind": "county", "version": "1"})
    assert "请刷新" in stale.get_data(as_text=True) or "已被" in stale.get_data(as_text=True)
    created = client.post("/admin/units", data={"name": "县审计局", "kind": "county", "active": "y"})
    assert created.status_code == 302 and _unit("县审计局").active
