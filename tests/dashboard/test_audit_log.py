"""The audit-log page: filters that survive paging, bad input ignored, labels from the features."""
from datetime import datetime

from talent.core import audit
from talent.dashboard.queries import AuditQuery
from talent.extensions import db
from tests.factories import TalentFactory


def test_filters_by_object_action_actor_and_china_day(client, auth):
    admin = auth.login_as("admin")
    talent = TalentFactory(name="欧阳湘云")
    early = audit.record(admin, "create", talent, summary="欧阳湘云")
    late = audit.record(admin, "leave", talent, summary="欧阳湘云")
    # Both placed in time, not left at the real "now": the last filter must find nothing on any
    # day the suite runs. 2026-11-26 17:30 UTC is 2026-11-27 01:30 in 双牌.
    early.at = datetime(2026, 11, 26, 15, 59)
    late.at = datetime(2026, 11, 26, 17, 30)
    db.session.commit()
    page = client.get("/audit?object_type=talents&action=leave&since=2026-11-27&until=2026-11-27")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "标记离开" in text and "新建" not in text.split("<tbody>")[1]
    none = client.get("/audit?object_type=talents&since=2026-11-28").get_data(as_text=True)
    assert "没有符合条件的操作记录" in none


def test_bad_filters_are_ignored_not_errors(client, auth):
    auth.login_as("admin")
    for query in ("object_type=nope", "action=<script>", "since=2026-13-40", "object_id=99999999999999",
                  "page=abc", "sort=evil"):
        assert client.get(f"/audit?{query}").status_code == 200


def test_query_args_keep_only_what_was_chosen():
    query = AuditQuery.from_labels({"object_type": "talents", "sort": "-at"}, {"talents": "人才"}, {})
    assert query.args() == {"object_type": "talents"}


def test_org_dashboard_shows_pending_corrections_and_hides_them_when_done(client, auth):
    from talent.registry.operations import request_correction

    auth.login_as("org")
    request_correction(None, TalentFactory(), "职称有误")
    db.session.commit()
    assert "1 条待处理" in client.get("/").get_data(as_text=True)
    # A unit clerk reads talents but handles no corrections: no such panel.
    auth.login_as("unit")
    page = client.get("/").get_data(as_text=True)
    assert "待处理的档案更正申请" not in page and "在县人才" in page


def test_header_names_the_signed_in_user_once(client, auth):
    auth.login_as("admin", display_name="系统管理员")
    header = client.get("/").get_data(as_text=True).split('id="signed-in-as">')[1].split("</span>")[0]
    assert header.count("系统管理员") == 1


def test_history_reads_names_for_ids_and_a_creation_lists_its_values(client, auth):
    from talent.registry import operations as registry
    from tests.factories import TeamFactory

    admin = auth.login_as("admin", display_name="管理员王")
    team = TeamFactory(name="吴义强院士团队")
    talent = TalentFactory(team=None, employer="")
    registry.update_talent(admin, talent, {**{c: getattr(talent, c) for c in ("id_number", "name")},
                                           "team_id": team.id})
    audit.record(admin, "create", team, audit.snapshot({"name": team.name, "description": ""}))
    db.session.commit()
    page = client.get("/audit").get_data(as_text=True)
    assert "吴义强院士团队" in page and "→ <ins>1</ins>" not in page
    assert "管理员王" in page
    creation = page.split("新建")[1].split("</tr>")[0]
    assert "<del>" not in creation
