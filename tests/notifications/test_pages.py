"""Contact details and channel choices, the admin's delivery pages, the notifications API and the
create-user options."""
from sqlalchemy import select, update

from talent.auth.models import User
from talent.auth.units import unit_named
from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.notifications import operations, outbox
from talent.notifications.models import ChannelChoice, Delivery, Notification, UnitWebhook
from tests.factories import TalentFactory, UserFactory


def test_own_settings_save_a_normalised_mobile_and_the_choices(client, auth):
    user = auth.login_as("unit", unit=unit_named("县住建局"))
    # The account's own page is in the account menu of every page, not only behind the inbox.
    assert 'href="/notifications/settings" id="my-contact"' in client.get("/").get_data(as_text=True)
    response = client.post("/notifications/settings", data={
        "phone": "＋86 138-7460 0001", "email": "zjj@example.org", "sms_directive": "1", "email_other": "1"},
        follow_redirects=True)
    assert "已保存" in response.get_data(as_text=True)
    assert (user.phone, user.email) == ("13874600001", "zjj@example.org")
    assert operations.channel_choices(user)["other"] == (False, True)
    assert operations.channel_choices(user)["overdue"] == (False, False)  # unticked: off
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contact")) is not None


def test_a_bad_mobile_is_a_clear_message_and_nothing_is_saved(client, auth):
    user = auth.login_as("talent", talent_id=TalentFactory(phone="13874600002").id)
    response = client.post("/notifications/settings", data={"phone": "0746-7722123", "email": "x"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "11位手机号码" in text and "电子邮箱格式不正确" in text
    assert "13874600002" in text  # the talent record's number it falls back to
    db.session.expire_all()
    assert user.phone == "" and db.session.scalar(select(ChannelChoice)) is None


def test_the_admin_edits_an_accounts_contact_details(client, auth):
    auth.login_as("admin")
    clerk = UserFactory(role="org", username="zzb_contact")
    db.session.commit()
    response = client.post(f"/admin/users/{clerk.id}/edit", data={
        "username": clerk.username, "display_name": "组织部", "role": "org", "phone": "139 0746 0003",
        "email": "org@example.org", "version": clerk.version}, follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    assert (clerk.phone, clerk.email) == ("13907460003", "org@example.org")


def test_create_user_takes_phone_and_email(runner):
    result = runner.invoke(args=["create-user", "zjj_cli", "--role", "unit", "--unit", "县住建局",
                                 "--password", "Abcdef123", "--phone", "13874600004",
                                 "--email", "z@example.org"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "zjj_cli"))
    assert (user.phone, user.email) == ("13874600004", "z@example.org")
    bad = runner.invoke(args=["create-user", "zjj_cli2", "--role", "unit", "--unit", "县住建局",
                              "--password", "Abcdef123", "--phone", "12345"])
    assert bad.exit_code != 0 and "11位手机号码" in bad.output


def test_api_lists_own_notifications_newest_first_and_marks_read(client, api_token, app):
    headers = api_token("org", username="zzb_api")
    me = db.session.scalar(select(User).where(User.username == "zzb_api"))
    other = UserFactory(role="org")
    operations.notify([me], "第一条")
    operations.notify([me], "第二条")
    operations.notify([other], "别人的")
    db.session.commit()
    body = client.get("/api/v1/notifications", headers=headers).get_json()
    assert [n["title"] for n in body["items"]] == ["第二条", "第一条"] and body["total"] == 2
    first = body["items"][1]["id"]
    read = client.post(f"/api/v1/notifications/{first}/read", headers=headers)
    assert read.status_code == 200 and read.get_json()["unread"] is False
    unread = client.get("/api/v1/notifications?unread=true", headers=headers).get_json()
    assert [n["title"] for n in unread["items"]] == ["第二条"]
    theirs = db.session.scalar(select(Notification.id).where(Notification.user_id == other.id))
    assert client.post(f"/api/v1/notifications/{theirs}/read", headers=headers).status_code == 404
    assert client.get("/api/v1/notifications").status_code == 401


def test_admin_reads_the_dead_letters_and_resends(client, auth, smtp):
    auth.login_as("admin")
    clerk = UserFactory(role="org", email="clerk@example.org")
    db.session.commit()
    operations.notify([clerk], "督办单：1.1", kind="task_directive")
    delivery = db.session.scalar(select(Delivery))
    delivery.status, delivery.last_error = "dead", "SMTP：Connection refused"
    db.session.commit()
    page = client.get("/notifications/deliveries").get_data(as_text=True)
    assert "Connection refused" in page and "重新发送" in page
    operations.notify([clerk], "督办单：1.2", kind="task_directive")
    db.session.execute(update(Delivery).values(status="dead"))
    db.session.commit()
    paged = client.get("/notifications/deliveries?per_page=1")  # a pager: two dead letters
    assert paged.status_code == 200 and "page=2" in paged.get_data(as_text=True)
    db.session.execute(update(Delivery).where(Delivery.id != delivery.id).values(status="sent"))
    db.session.commit()
    client.post(f"/notifications/deliveries/{delivery.id}/resend")
    db.session.expire_all()
    assert delivery.status == "queued"
    assert outbox.run_until_idle() == {"sent": 1} and len(smtp.mailbox.messages) == 1


def test_admin_sets_and_removes_a_units_robot(client, auth):
    auth.login_as("admin")
    unit = unit_named("县林业局")
    client.post(f"/notifications/webhooks/{unit.id}", data={
        "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=abc", "secret": "SECx"})
    hook = db.session.get(UnitWebhook, unit.id)
    assert (hook.kind, hook.secret) == ("dingtalk", "SECx")
    assert "SECx" not in client.get("/notifications/webhooks").get_data(as_text=True)
    response = client.post(f"/notifications/webhooks/{unit.id}", data={"kind": "x", "url": "ftp://a"},
                           follow_redirects=True)
    assert "请选择企业微信或钉钉" in response.get_data(as_text=True)
    client.post(f"/notifications/webhooks/{unit.id}", data={"kind": "dingtalk", "url": ""})
    db.session.expire_all()
    assert db.session.get(UnitWebhook, unit.id) is None
