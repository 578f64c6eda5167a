"""The 专班 leader (召集人/副召集人): the 调度 view as home, everything read-only."""
from datetime import date

from sqlalchemy import select

from talent.extensions import db
from talent.notifications.models import Notification
from talent.tasks import operations


def test_leader_reads_the_tracker_and_changes_nothing(client, auth, plan, items, staff, frozen):
    frozen(date(2023, 7, 3))
    clerk = staff("县林业局")
    report = operations.submit_report(clerk, items["1.1"], clerk.unit, "2023-06", "选址", {})
    db.session.commit()
    auth.login_as("leader")
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith(f"/tasks/plans/{plan.id}/dashboard")
    assert client.get(f"/tasks/plans/{plan.id}/dashboard").status_code == 200
    assert client.get(f"/tasks/items/{items['1.1'].id}").status_code == 200
    assert client.get(f"/tasks/plans/{plan.id}/report.docx").status_code == 200
    refused = client.post(f"/tasks/reports/{report.id}/review", follow_redirects=True,
                          data={"decision": "confirm", "version": str(report.version)})
    assert "专班召集人只确认或退回专班办公室自己报送的报告" in refused.get_data(as_text=True)
    db.session.refresh(report)
    assert report.status == "submitted"
    assert client.get(f"/tasks/items/{items['1.1'].id}/report").status_code == 403
    assert client.post(f"/tasks/items/{items['1.1'].id}/directives", data={}).status_code == 403
    assert client.get("/talents").status_code == 403


def test_create_user_command_knows_the_leader_role(runner):
    result = runner.invoke(args=["create-user", "zhaoxz", "--role", "leader", "--password", "Leader2026!x"])
    assert result.exit_code == 0, result.output


def test_leader_confirms_the_offices_own_reports_and_nothing_else(client, api_token, items, staff, frozen):
    """Four eyes on the office: the convener confirms what the office itself submitted; a unit's
    report stays with the lead unit or the office, and the leader writes nothing else."""
    frozen(date(2023, 7, 3))
    office, forestry = staff("县科工信局"), staff("县林业局")
    own = operations.submit_report(office, items["1.1"], office.unit, "2023-06", "集聚区建设", {})
    theirs = operations.submit_report(forestry, items["1.1"], forestry.unit, "2023-06", "选址", {})
    db.session.commit()
    headers = api_token("leader")
    refused = client.post(f"/api/v1/reports/{theirs.id}/review", headers=headers,
                          json={"decision": "confirm", "version": theirs.version})
    assert refused.status_code == 403 and "专班办公室自己报送" in refused.get_json()["error"]["message"]
    confirmed = client.post(f"/api/v1/reports/{own.id}/review", headers=headers,
                            json={"decision": "confirm", "comment": "同意", "version": own.version})
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    growth = next(i for i in items["1.1"].plan.indicators if i.scope == "goal")
    for path, body in ((f"/api/v1/tasks/{items['1.1'].id}/reports", {"period": "2023-06", "narrative": "x"}),
                       (f"/api/v1/indicators/{growth.id}/values", {"period": "2023-06", "value": 1}),
                       (f"/api/v1/tasks/{items['1.1'].id}/directives", {})):
        assert client.post(path, headers=headers, json=body).status_code == 403, path


def test_leader_confirms_on_the_page(client, auth, plan, items, staff, frozen):
    frozen(date(2023, 7, 3))
    office = staff("县科工信局")
    own = operations.submit_report(office, items["4.1"], office.unit, "2023-06", "人才走访", {})
    db.session.commit()
    auth.login_as("leader")
    dashboard = client.get(f"/tasks/plans/{plan.id}/dashboard").get_data(as_text=True)
    assert "待召集人确认" in dashboard and f"#report-{own.id}" in dashboard
    page = client.get(f"/tasks/items/{items['4.1'].id}").get_data(as_text=True)
    assert f'action="/tasks/reports/{own.id}/review"' in page
    done = client.post(f"/tasks/reports/{own.id}/review", follow_redirects=True,
                       data={"decision": "confirm", "version": str(own.version)})
    assert "已确认" in done.get_data(as_text=True)
    db.session.refresh(own)
    assert own.status == "confirmed" and own.reviewed_by_id is not None


def test_convener_is_told_when_the_office_files_a_report(items, staff, frozen, make_user):
    """The convener confirms the office's own reports, so their inbox says when one waits; a
    unit's report (reviewed by the lead unit or the office) does not reach them."""
    frozen(date(2023, 7, 3))
    leader = make_user("leader")
    office, forestry = staff("县科工信局"), staff("县林业局")
    own = operations.submit_report(office, items["1.1"], office.unit, "2023-06", "集聚区建设", {})
    operations.submit_report(forestry, items["1.1"], forestry.unit, "2023-06", "选址", {})
    notes = list(db.session.scalars(select(Notification).where(Notification.user_id == leader.id)))
    assert [(n.kind, n.link) for n in notes] == [
        ("task_report", f"/tasks/items/{items['1.1'].id}#report-{own.id}")]
    assert "专班办公室报送了 1.1" in notes[0].title and "2023-06" in notes[0].title
