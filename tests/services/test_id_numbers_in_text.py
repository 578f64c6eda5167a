"""Issue 19 item 12: ID numbers typed into free text are masked wherever someone who may not see
full numbers reads them — pages, the API, notifications, audit summaries — and the writer is
warned at input."""
from sqlalchemy import select

from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.notifications.models import Notification
from talent.services.models import ServiceRequest
from tests.factories import resident_id
from tests.services.conftest import sign_in, token

NUMBER = resident_id()
MASKED = NUMBER[:3] + "*" * 13 + NUMBER[-2:]


def test_id_number_in_a_request_title_is_masked_for_the_handler(client, people, today):
    headers = token(client, people.talent_user)
    filed = client.post("/api/v1/service-requests", headers=headers, json={
        "type": "housing", "title": f"申请人才公寓 身份证{NUMBER}", "description": f"本人{NUMBER}，家属两人"})
    assert filed.status_code == 201, filed.get_json()
    assert filed.headers["X-Input-Warning"] == "id-number-in-text; fields=description,title"
    req = db.session.scalar(select(ServiceRequest))
    assert NUMBER in req.title  # stored as written: 组织部 may need it
    # the handling unit: API, page and notification show it masked
    zjj = token(client, people.zjj)
    listed = client.get("/api/v1/service-requests", headers=zjj).get_data(as_text=True)
    assert NUMBER not in listed and MASKED in listed
    sign_in(client, people.zjj)
    page = client.get(f"/services/{req.id}").get_data(as_text=True)
    assert NUMBER not in page and MASKED in page
    notes = db.session.scalars(select(Notification.title)).all()
    assert notes and all(NUMBER not in n for n in notes)
    summaries = db.session.scalars(select(AuditEntry.summary)).all()
    assert all(NUMBER not in s for s in summaries)
    # 组织部 may see numbers whole
    org = token(client, people.org)
    assert NUMBER in client.get(f"/api/v1/service-requests/{req.id}", headers=org).get_data(as_text=True)


def test_writer_is_warned_on_the_page(client, people, today):
    sign_in(client, people.talent_user)
    response = client.post("/me/services/new", data={
        "type": "housing", "title": "申请人才公寓", "description": f"身份证 {NUMBER}"},
        follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "中含有身份证号码" in text and "description" in text


def test_invalid_checksums_and_longer_digit_runs_are_left_alone():
    from talent.core.masking import mask_id_numbers_in_text

    wrong = NUMBER[:-1] + ("1" if NUMBER[-1] != "1" else "2")
    assert mask_id_numbers_in_text(f"编号{wrong}") == f"编号{wrong}"
    assert mask_id_numbers_in_text(f"订单9{NUMBER}") == f"订单9{NUMBER}"
    assert mask_id_numbers_in_text(f"号码：{NUMBER}。") == f"号码：{MASKED}。"
