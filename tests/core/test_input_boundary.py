"""The one input boundary (core/inputs.py) and output sanitising — issue 19 items 1, 2, 6, 7."""
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from talent.commissioners.models import ServiceLog
from talent.core.audit import AuditEntry
from talent.core.inputs import clean_filename, printable
from talent.core.timeutil import today
from talent.extensions import db
from talent.tasks import operations as tasks
from talent.tasks.models import TaskPlan
from tests.commissioners.world import commissioner_user, make_world
from tests.factories import TEST_PASSWORD, UserFactory

HUGE = "99999999999999999999999"


def _token(client, user) -> dict:
    db.session.commit()
    response = client.post("/api/v1/auth/token",
                           json={"username": user.username, "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@pytest.mark.parametrize("hostile", ["\udfff", "\ud800", "a\u0001b", "x\u000b", "\u202egpj.exe",
                                     "\x85", "\x00", "\ufffe"])
def test_item1_lone_surrogates_and_controls_in_json_are_refused_with_a_message(client, hostile):
    world = make_world()
    headers = _token(client, commissioner_user(world.commissioner))
    body = {"assignment_id": world.assignment.id, "served_on": today().isoformat(),
            "kind": "training", "content": "培训", "hours": 4, "technologies": [hostile]}
    response = client.post("/api/v1/service-logs", headers=headers, json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "technologies" in error["fields"] and "U+" in error["message"]
    assert db.session.scalar(select(ServiceLog).where(ServiceLog.content == "培训")) is None


def test_item1_unauthenticated_token_endpoint_with_a_surrogate(client):
    response = client.post("/api/v1/auth/token", json={"username": "\ud800", "password": "x"})
    assert response.status_code == 422
    assert "U+D800" in response.get_json()["error"]["message"]


def test_tab_newline_and_cr_are_kept_in_multiline_text(client):
    world = make_world()
    headers = _token(client, commissioner_user(world.commissioner))
    body = {"assignment_id": world.assignment.id, "served_on": today().isoformat(),
            "kind": "training", "content": "第一行\r\n\t第二行", "hours": 4}
    response = client.post("/api/v1/service-logs", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()


def test_controls_in_form_fields_and_query_strings_are_refused(client, auth):
    auth.login_as("org")
    page = client.get("/talents?q=a%01b")
    assert page.status_code == 422 and "U+0001" in page.get_data(as_text=True)
    posted = client.post("/login", data={"username": "a\x07", "password": "x"})
    assert posted.status_code == 422 and "U+0007" in posted.get_data(as_text=True)


@pytest.mark.parametrize("body", ['{"values": {"9": NaN}}', '{"values": {"9": Infinity}}',
                                  '{"values": {"9": -Infinity}}', '{"values": {"9": 1e999}}'])
def test_item6_nan_and_infinity_are_refused_by_the_json_parser(client, api_token, body):
    headers = api_token("unit")
    task_id = db.session.scalar(select(TaskPlan.id))
    response = client.post(f"/api/v1/tasks/{task_id}/reports", data=body,
                           content_type="application/json", headers=headers)
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert "NaN" in message or "Infinity" in message or "超出范围" in message


def test_huge_json_integer_is_refused_at_the_boundary(client, api_token):
    response = client.post("/api/v1/talents", data='{"name": "张三", "team_id": ' + HUGE + "}",
                           content_type="application/json", headers=api_token("org"))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"team_id": ["数值超出允许范围"]}


@pytest.mark.parametrize("url", [f"/commissioners/projects?year={HUGE}",
                                 f"/tasks/plans/{{plan}}/dashboard?unit={HUGE}",
                                 f"/tasks/plans/{{plan}}/dashboard.json?unit={HUGE}",
                                 f"/tasks/plans/{{plan}}/dashboard?unit=-{HUGE}"])
def test_item7_huge_integers_in_query_strings_are_not_a_500(client, auth, url):
    auth.login_as("admin")
    plan_id = db.session.scalar(select(TaskPlan.id))
    assert client.get(url.format(plan=plan_id)).status_code == 200


def test_item2_stored_control_characters_cannot_break_exports(client, auth):
    """Text stored before the boundary existed (written here through the operations, which the
    boundary does not guard) still exports: the writers drop what a workbook cannot hold."""
    world = make_world()
    world.log.content = "a\u0001b"
    world.log.technologies = ["\udfff绿色防控"]
    plan = db.session.scalar(select(TaskPlan))
    item = plan.items[0]
    lead = UserFactory(role="unit", unit_id=item.lead_units[0].id)
    # A month inside the seed plan's period (2023–2025), whatever the date today.
    tasks.submit_report(lead, item, lead.unit, f"{plan.starts_on.year}-01", "叙述",
                        {}, "x\u0001\u000b问题")
    db.session.commit()
    auth.login_as("admin")
    logs = client.get("/commissioners/logs/export.xlsx")
    assert logs.status_code == 200
    cells = [c for row in load_workbook(BytesIO(logs.data)).active.iter_rows(values_only=True)
             for c in row]
    assert "ab" in cells
    detail = client.get(f"/commissioners/logs/{world.log.id}")
    assert detail.status_code == 200 and "\ufffd绿色防控" in detail.get_data(as_text=True)
    for suffix in ("report.xlsx", "report.docx"):
        response = client.get(f"/tasks/plans/{plan.id}/{suffix}")
        assert response.status_code == 200, suffix
    document = Document(BytesIO(client.get(f"/tasks/plans/{plan.id}/report.docx").data))
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any("x问题" in text for text in texts)


def test_repair_text_cleans_stored_text_and_audits_it(runner):
    world = make_world()
    world.log.content = "a\u0001b\u202e"
    world.log.technologies = ["\udfff绿色防控"]
    db.session.commit()
    dry = runner.invoke(args=["repair-text", "--dry-run"])
    assert "发现含不可保存字符的记录 1 行" in dry.output, dry.output
    result = runner.invoke(args=["repair-text"])
    assert "已清除含不可保存字符的记录 1 行（service_logs 1 行）" in result.output, result.output
    db.session.expire_all()
    log = db.session.get(ServiceLog, world.log.id)
    assert log.content == "ab" and log.technologies == ["\ufffd绿色防控"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "repair_text"))
    assert entry.object_type == "service_logs" and entry.object_id == log.id
    assert entry.changes["content"][0] == "含不可保存的字符 U+0001、U+202E"
    again = runner.invoke(args=["repair-text"])
    assert "记录 0 行" in again.output


def test_printable_and_clean_filename():
    assert printable("a\x01b\udfffc") == "ab\ufffdc"
    assert printable(3) == 3
    assert clean_filename("invoice\u202egpj.exe.pdf") == "invoicegpj.exe.pdf"
    assert clean_filename("..\\..\\etc/pa\x00ss:wd") == "pass_wd"
    assert clean_filename("\u202e") == "附件"



def test_405_names_the_allowed_methods(client, api_token):
    response = client.delete("/api/v1/talents", headers=api_token("org"))
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    huge = client.patch("/api/v1/assignments/2147483648", json={}, headers=api_token("admin"))
    assert huge.status_code == 404  # was 405: an id past the database's range is a missing row
