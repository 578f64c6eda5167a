"""The shared inbox: fan-out to a unit's or talent's accounts, idempotent keys, own messages only."""
from talent.auth.units import unit_named
from talent.extensions import db
from talent.notifications import operations
from talent.notifications.models import Notification
from tests.factories import TalentFactory, UserFactory


def test_unit_notification_reaches_each_active_clerk_of_that_unit_only(app):
    housing = unit_named("县住建局")
    clerks = [UserFactory(role="unit", unit=housing) for _ in range(2)]
    UserFactory(role="unit", unit=housing, active=False)
    other = UserFactory(role="unit", unit=unit_named("县卫健局"))
    assert operations.notify_unit(housing.id, "新的住房保障申请", link="/services/1") == 2
    assert [operations.unread_count(c) for c in clerks] == [1, 1]
    assert operations.unread_count(other) == 0


def test_talent_notification_reaches_their_account(app):
    talent = TalentFactory()
    account = UserFactory(role="talent", talent_id=talent.id)
    operations.notify_talent(talent.id, "您的申请需要补充材料")
    assert operations.unread_count(account) == 1


def test_a_key_makes_a_reminder_idempotent(app):
    clerk = UserFactory(role="org")
    assert operations.notify([clerk], "11月进度未报送", key="report:2026-11:1.1") == 1
    assert operations.notify([clerk], "11月进度未报送", key="report:2026-11:1.1") == 0
    assert operations.unread_count(clerk) == 1


def test_links_leave_the_site_never(app):
    clerk = UserFactory(role="org")
    operations.notify([clerk], "a", link="https://evil.example/")
    operations.notify([clerk], "b", link="//evil.example/")
    assert {n.link for n in db.session.scalars(operations.visible_to(clerk))} == {""}


def test_inbox_lists_own_messages_and_marks_them_read(client, auth):
    user = auth.login_as("org")
    stranger = UserFactory(role="org")
    operations.notify([user], "我的消息", link="/talents")
    operations.notify([stranger], "别人的消息")
    db.session.commit()
    page = client.get("/notifications").get_data(as_text=True)
    assert "我的消息" in page and "别人的消息" not in page
    assert 'id="unread-count">1<' in client.get("/notifications").get_data(as_text=True)
    mine = db.session.scalar(operations.visible_to(user))
    response = client.post(f"/notifications/{mine.id}/read")
    assert response.status_code == 302 and response.headers["Location"].endswith("/talents")
    assert operations.unread_count(user) == 0


def test_someone_elses_notification_is_404(client, auth):
    auth.login_as("org")
    stranger = UserFactory(role="org")
    operations.notify([stranger], "别人的消息")
    db.session.commit()
    theirs = db.session.scalar(operations.visible_to(stranger))
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_read_all(client, auth):
    user = auth.login_as("unit", unit=unit_named("县住建局"))
    operations.notify([user], "一")
    operations.notify([user], "二")
    db.session.commit()
    client.post("/notifications/read-all")
    assert operations.unread_count(user) == 0
    assert "没有未读消息" in client.get("/notifications?unread=1").get_data(as_text=True)
