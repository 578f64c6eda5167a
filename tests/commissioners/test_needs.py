"""技术需求 of the service targets: the API's rules and roles, the suggestion rule, a need closed
by the confirmed log that settled it, and the clerk's, the commissioner's and the target's pages."""
from sqlalchemy import select

from talent.commissioners import operations
from talent.commissioners.need_models import TargetNeed
from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.notifications.models import Notification
from tests.commissioners.test_api import _token_for
from tests.commissioners.world import (
    commissioner_user,
    login_session,
    make_assignment,
    make_commissioner,
    make_log,
    make_target,
    make_world,
)
from tests.factories import EmployerFactory, UserFactory

NEED = {"title": "脐橙黄龙病防控", "field": "modern_agriculture", "urgency": "high",
        "description": "约300亩脐橙园发现疑似病株"}


def test_needs_api_rules_and_roles(client, api_token):
    world = make_world()
    clerk = api_token("unit")
    url = f"/api/v1/service-targets/{world.target.id}/needs"
    created = client.post(url, headers=clerk, json=NEED)
    assert created.status_code == 201, created.get_json()
    need = created.get_json()
    assert (need["status"], need["posted_via"], need["commissioner_id"]) == ("open", "clerk", None)
    bad = client.post(url, headers=clerk, json={"title": "", "field": "nonsense"})
    assert bad.status_code == 422 and {"title", "field"} <= bad.get_json()["error"]["fields"].keys()
    assert "请填写需求标题" in bad.get_json()["error"]["fields"]["title"]

    patch = f"/api/v1/needs/{need['id']}"
    assert client.patch(patch, headers=clerk, json={"urgency": "low"}).status_code == 422  # no version
    refused = client.patch(patch, headers=clerk, json={"status": "matched", "version": need["version"]})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["commissioner_id"] == ["已对接的需求须指定科技特派员"]
    matched = client.patch(patch, headers=clerk, json={"commissioner_id": world.commissioner.id,
                                                       "version": need["version"]})
    assert matched.status_code == 200 and matched.get_json()["status"] == "matched"
    stale = client.patch(patch, headers=clerk, json={"urgency": "low", "version": need["version"]})
    assert stale.status_code == 409

    # The commissioner serving the target reads its needs, another target's are a 404, and
    # a commissioner neither posts nor changes needs.
    mine = _token_for(client, commissioner_user(world.commissioner))
    listed = client.get(url, headers=mine).get_json()
    assert [n["title"] for n in listed["items"]] == ["脐橙黄龙病防控"]
    other_target = world.other_assignment.target_id
    assert client.get(f"/api/v1/service-targets/{other_target}/needs", headers=mine).status_code == 404
    assert client.post(url, headers=mine, json=NEED).status_code == 403
    assert client.patch(patch, headers=mine, json={"version": 2}).status_code == 403
    assert client.get(url, headers=api_token("talent")).status_code == 403

    # The target's own account (an employer linked to it) posts as the target; it may not match.
    employer = EmployerFactory(service_target_id=world.target.id)
    target_side = _token_for(client, UserFactory(role="employer", employer_id=employer.id))
    posted = client.post(url, headers=target_side, json={**NEED, "commissioner_id": world.other.id})
    assert posted.status_code == 201 and posted.get_json()["posted_via"] == "target"
    assert posted.get_json()["commissioner_id"] is None
    current = client.get(url, headers=target_side).get_json()["items"][0]
    assert client.patch(f"/api/v1/needs/{current['id']}", headers=target_side, json={
        "commissioner_id": world.other.id, "version": current["version"]}).status_code == 403
    solved = client.patch(f"/api/v1/needs/{current['id']}", headers=target_side,
                          json={"status": "closed", "version": current["version"]})
    assert solved.status_code == 200 and solved.get_json()["closed_at"]
    stranger = _token_for(client, UserFactory(role="employer"))
    assert client.get(url, headers=stranger).status_code == 404
    assert client.patch(patch, headers=stranger, json={"version": 9}).status_code == 404
    assert db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.object_type == "target_needs", AuditEntry.action == "update")) is not None


def test_suggestions_follow_the_published_rule(app):
    target = make_target()
    need = operations.create_need(UserFactory(role="admin"), target, {
        **NEED, "status": "open", "commissioner_id": None})
    busy = make_commissioner("甲忙碌", expertise="柑橘栽培")
    for _ in range(2):
        make_assignment(busy, make_target())
    make_commissioner("乙空闲", expertise="柑橘栽培")
    specialist = make_commissioner("丙专长", expertise="黄龙病综合防控")
    make_assignment(specialist, make_target())
    serving = make_commissioner("丁已派驻", expertise="水稻")
    for _ in range(3):
        make_assignment(serving, make_target())
    make_assignment(serving, target)
    make_commissioner("戊其他领域", field="bamboo_wood", expertise="黄龙病")
    make_commissioner("己已期满", status="ended", id_number=None)
    names = [s.name for s in operations.suggestions(need)]
    # Serving the target first, then expertise sharing words with the title, then by load.
    assert names == ["丁已派驻", "丙专长", "乙空闲", "甲忙碌"]
    loads = {s.name: s.load for s in operations.suggestions(need)}
    assert loads == {"丁已派驻": 4, "丙专长": 1, "乙空闲": 0, "甲忙碌": 2}


def test_a_confirmed_log_that_settles_a_need_closes_it(client, auth):
    world = make_world()
    clerk = UserFactory(role="unit")
    need = operations.create_need(clerk, world.target, {**NEED, "status": "open",
                                                        "commissioner_id": None})
    other_need = operations.create_need(clerk, world.other_assignment.target, {
        **NEED, "status": "open", "commissioner_id": None})
    db.session.commit()
    # A log names a need of the target it served, never another target's.
    login_session(client, commissioner_user(world.commissioner))
    home = client.get("/field").get_data(as_text=True)
    assert "脐橙黄龙病防控" in home and "约300亩脐橙园" in home
    form = client.get("/field/log").get_data(as_text=True)
    assert f'value="{need.id}" data-target' in form
    assert f'value="{other_need.id}" data-target' not in form
    try:
        make_log(world.assignment, need_id=other_need.id)
        raise AssertionError("another target's need was accepted")
    except operations.RuleBroken as refused:
        assert refused.fields["need_id"] == ["所选技术需求不属于该服务对象"]
    log = make_log(world.assignment, need_id=need.id, need_done=True)
    assert need.status == "open"  # not before the clerk confirms the log
    operations.confirm_log(clerk, log)
    assert need.status == "closed" and need.commissioner_id == world.commissioner.id
    assert need.closed_at is not None
    db.session.commit()
    auth.login_as("unit")
    page = client.get(f"/commissioners/needs/{need.id}").get_data(as_text=True)
    assert "已解决" in page and "标记需求已解决" in page and "需求已解决" in page


def _notices(user) -> list[str]:
    return list(db.session.scalars(select(Notification.title).where(Notification.user_id == user.id)))


def test_clerk_records_matches_and_the_target_posts(client, auth):
    world = make_world()
    field_account = commissioner_user(world.commissioner)
    clerk = auth.login_as("unit")
    created = client.post(f"/commissioners/targets/{world.target.id}/needs/new", data=NEED)
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    need = db.session.scalar(select(TargetNeed))
    detail = client.get(f"/commissioners/needs/{need.id}").get_data(as_text=True)
    assert "推荐规则" in detail and world.commissioner.name in detail
    matched = client.post(f"/commissioners/needs/{need.id}/match",
                          data={"commissioner_id": world.commissioner.id, "version": need.version})
    assert matched.status_code == 302
    db.session.refresh(need)
    assert need.status == "matched" and need.commissioner_id == world.commissioner.id
    assert _notices(field_account) == [f"县科工信局为您对接了技术需求：脐橙黄龙病防控（{world.target.name}）"]
    listed = client.get("/commissioners/needs?status=matched").get_data(as_text=True)
    assert "脐橙黄龙病防控" in listed

    employer = EmployerFactory(service_target_id=world.target.id)
    login_session(client, UserFactory(role="employer", employer_id=employer.id))
    posted = client.post("/my-needs", data={"title": "竹笋保鲜", "field": "bamboo_wood",
                                            "urgency": "normal", "description": ""})
    assert posted.status_code == 302
    page = client.get("/my-needs").get_data(as_text=True)
    assert "竹笋保鲜" in page and "脐橙黄龙病防控" in page and world.commissioner.name in page
    assert _notices(clerk) == [f"服务对象提交了技术需求：竹笋保鲜（{world.target.name}）"]
    unlinked = EmployerFactory()
    login_session(client, UserFactory(role="employer", employer_id=unlinked.id))
    assert "尚未登记为科技特派员的服务对象" in client.get("/my-needs").get_data(as_text=True)


def test_a_need_matched_at_a_target_not_assigned_shows_in_my_assignments(client, auth):
    """The clerk may match any commissioner of the field; the notice links to 我的派驻, which
    lists the need with its target's contact even without an assignment there (closing note
    of #21). The commissioner who is assigned there sees it under the assignment, as before."""
    world = make_world()
    elsewhere = world.other_assignment.target  # served by 唐慧敏, not 陈立新
    mine = commissioner_user(world.commissioner)
    clerk = auth.login_as("unit")
    need = operations.create_need(clerk, elsewhere, {**NEED, "title": "茶园病虫害绿色防控"})
    operations.update_need(clerk, need, {"commissioner_id": world.commissioner.id,
                                         "status": "matched"}, need.version)
    assert _notices(mine) == [f"县科工信局为您对接了技术需求：茶园病虫害绿色防控（{elsewhere.name}）"]

    login_session(client, mine)
    home = client.get("/field").get_data(as_text=True)
    section = home[home.index('id="matched-elsewhere"'):home.index("</section>")]
    assert "茶园病虫害绿色防控" in section and elsewhere.name in section
    assert elsewhere.contact in section and "tel:13800000000" in section
    login_session(client, commissioner_user(world.other))
    theirs = client.get("/field").get_data(as_text=True)
    assert "茶园病虫害绿色防控" in theirs and 'id="matched-elsewhere"' not in theirs

    operations.update_need(clerk, need, {"status": "closed"}, need.version)
    login_session(client, mine)
    assert "茶园病虫害绿色防控" not in client.get("/field").get_data(as_text=True)
