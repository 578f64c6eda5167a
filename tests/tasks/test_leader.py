"""The 专班 leader (召集人/副召集人): the 调度 view as home, everything read-only."""
from datetime import date

from talent.extensions import db
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
    assert client.post(f"/tasks/reports/{report.id}/review", data={"decision": "confirm"}).status_code == 403
    assert client.get(f"/tasks/items/{items['1.1'].id}/report").status_code == 403
    assert client.post(f"/tasks/items/{items['1.1'].id}/directives", data={}).status_code == 403
    assert client.get("/talents").status_code == 403


def test_create_user_command_knows_the_leader_role(runner):
    result = runner.invoke(args=["create-user", "zhaoxz", "--role", "leader", "--password", "Leader2026!x"])
    assert result.exit_code == 0, result.output
