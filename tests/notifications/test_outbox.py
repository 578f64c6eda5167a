"""The outbox end to end against real local servers: a notice becomes an e-mail or SMS, in the
same transaction; retries keep the idempotency key; quiet hours hold SMS; robots per unit."""
from datetime import date, datetime, timedelta

from sqlalchemy import select

from talent.auth.units import unit_named
from talent.core import timeutil
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.notifications import operations, outbox
from talent.notifications.models import Delivery, UnitWebhook
from talent.services import operations as services
from tests.factories import TalentFactory, UserFactory
from tests.notifications.conftest import DING_SECRET


def _deliveries(**where):
    query = select(Delivery).order_by(Delivery.id)
    for name, value in where.items():
        query = query.where(getattr(Delivery, name) == value)
    return list(db.session.scalars(query))


def test_an_accepted_request_mails_the_talent_its_number_and_nothing_private(app, smtp):
    talent = TalentFactory(name="李明", email="liming@example.org")
    account = UserFactory(role="talent", talent_id=talent.id)
    clerk = UserFactory(role="unit", unit_id=unit_named("县住建局").id)
    req = services.file_request(account, talent, services.type_by_code("housing"), "申请人才公寓",
                                "家中老人患有慢性肾病，需要就近照顾")
    db.session.commit()
    services.transition(clerk, req, "accept", "", version=req.version)
    db.session.commit()
    assert outbox.run_until_idle() == {"sent": 1}
    [mail] = smtp.mailbox.messages
    text = mail.get_content()
    assert mail["To"] == "liming@example.org"
    assert req.number in mail["Subject"] and req.number in text and "已受理" in text
    assert f"https://rc.shuangpai.example/me/services/{req.id}" in text
    for private in (talent.id_number, "慢性肾病", "申请人才公寓", talent.id_number[-6:]):
        assert private not in text and private not in mail["Subject"]
    [delivery] = _deliveries(channel="email")
    assert delivery.status == "sent" and mail["Message-ID"] == f"<{delivery.idem_key}@shuangpai.example>"


def test_the_delivery_is_written_with_the_notification_and_rolled_back_with_it(app, smtp):
    talent = TalentFactory(email="a@example.org")
    UserFactory(role="talent", talent_id=talent.id)
    db.session.commit()
    operations.notify_talent(talent.id, "您的申请 FW-2026-000001 已受理", kind="service")
    assert len(_deliveries()) == 1
    db.session.rollback()
    assert _deliveries() == [] and outbox.run_until_idle() == {}
    assert smtp.mailbox.messages == []


def test_smtp_down_queues_retries_and_delivers_once(app, smtp, clock):
    clock(datetime(2026, 12, 7, 10, 0), tick=True)
    account = UserFactory(role="org", email="clerk@example.org")
    db.session.commit()
    smtp.stop()
    operations.notify([account], "FW-2026-000002 已超过办理期限（2026-12-04）", kind="service_overdue")
    db.session.commit()
    assert outbox.run_batch() == {"failed": 1}
    [delivery] = _deliveries()
    key = delivery.idem_key
    assert delivery.attempts == 1 and delivery.last_error.startswith("SMTP")
    assert delivery.not_before > utcnow() + timedelta(seconds=25)
    assert outbox.run_batch() == {}  # not due yet: back-off
    smtp.start()
    clock(datetime(2026, 12, 7, 10, 1), tick=True)
    assert outbox.run_until_idle() == {"sent": 1}
    assert outbox.run_until_idle() == {}
    db.session.expire_all()
    assert len(smtp.mailbox.messages) == 1 and smtp.mailbox.ids() == [f"<{key}@shuangpai.example>"]
    assert _deliveries()[0].attempts == 2 and _deliveries()[0].idem_key == key


def test_sms_provider_down_then_back_sends_once_with_the_same_key(app, gateway_sms, clock):
    clock(datetime(2026, 12, 7, 10, 0), tick=True)
    talent = TalentFactory(phone="138 7460-0001")
    UserFactory(role="talent", talent_id=talent.id)
    db.session.commit()
    gateway_sms.down = True
    operations.notify_talent(talent.id, "您的申请 FW-2026-000003 已办结", kind="service",
                             link="/my/services/3")
    db.session.commit()
    assert outbox.run_batch() == {"failed": 1}
    gateway_sms.down = False
    clock(datetime(2026, 12, 7, 10, 1), tick=True)
    assert outbox.run_until_idle() == {"sent": 1}
    [first, second] = gateway_sms.requests
    assert first["body"]["msgid"] == second["body"]["msgid"] == _deliveries()[0].idem_key
    assert second["ok"] and second["body"]["mobile"] == "13874600001"
    assert second["body"]["content"] == ("您的申请 FW-2026-000003 已办结，请登录泷泊英才查看 "
                                         "https://rc.shuangpai.example/my/services/3")
    assert gateway_sms.errors == []


def test_given_up_after_the_last_retry_then_resent_by_the_admin(app, gateway_sms, clock):
    start = datetime(2026, 12, 7, 10, 0)
    clock(start, tick=True)
    admin = UserFactory(role="admin")
    talent = TalentFactory(phone="13874600002")
    UserFactory(role="talent", talent_id=talent.id)
    db.session.commit()
    gateway_sms.down = True
    operations.notify_talent(talent.id, "您的VIP卡将于 2027-01-31 到期", kind="card_expiry")
    db.session.commit()
    waited = 0
    for backoff in (*outbox.BACKOFF_SECONDS, 0):
        assert sum(outbox.run_until_idle().values()) == 1
        waited += backoff + 1
        clock(start + timedelta(seconds=waited), tick=True)
    [delivery] = _deliveries()
    assert delivery.status == "dead" and "503" in delivery.last_error
    assert delivery.attempts == len(outbox.BACKOFF_SECONDS) + 1
    gateway_sms.down = False
    assert outbox.resend(admin, delivery)
    db.session.commit()
    assert outbox.run_until_idle() == {"sent": 1}
    assert len({r["body"]["msgid"] for r in gateway_sms.requests}) == 1


def test_quiet_hours_hold_an_sms_until_eight_in_the_morning(app, gateway_sms, clock):
    clock(datetime(2026, 12, 7, 23, 10))  # 23:10 in 双牌
    talent = TalentFactory(phone="13874600003")
    UserFactory(role="talent", talent_id=talent.id)
    db.session.commit()
    operations.notify_talent(talent.id, "您的申请 FW-2026-000004 已受理", kind="service")
    db.session.commit()
    [delivery] = _deliveries()
    assert timeutil.to_local(delivery.not_before).replace(tzinfo=None) == datetime(2026, 12, 8, 8, 0)
    assert outbox.run_until_idle() == {}
    clock(datetime(2026, 12, 8, 7, 59))
    assert outbox.run_until_idle() == {} and gateway_sms.requests == []
    clock(datetime(2026, 12, 8, 8, 0))
    assert outbox.run_until_idle() == {"sent": 1} and len(gateway_sms.requests) == 1


def test_a_retry_that_falls_in_the_night_waits_for_morning(app, gateway_sms, clock):
    clock(datetime(2026, 12, 7, 21, 59, 50), tick=True)
    talent = TalentFactory(phone="13874600004")
    UserFactory(role="talent", talent_id=talent.id)
    db.session.commit()
    operations.notify_talent(talent.id, "您的申请 FW-2026-000005 已受理", kind="service")
    db.session.commit()
    clock(datetime(2026, 12, 7, 22, 0, 30))
    assert outbox.run_batch() == {"queued": 1}
    [delivery] = _deliveries()
    assert delivery.attempts == 0 and gateway_sms.requests == []
    assert timeutil.to_local(delivery.not_before).replace(tzinfo=None) == datetime(2026, 12, 8, 8, 0)


def test_tencent_cloud_sms_through_its_sdk_with_the_template_of_the_group(app, tencent_sms, clock):
    clock(datetime(2026, 12, 7, 10, 0), tick=True)
    talent = TalentFactory(phone="+86 139 0746 0005")
    UserFactory(role="talent", talent_id=talent.id)
    db.session.commit()
    operations.notify_talent(talent.id, "您的申请 FW-2026-000006 需要您补充材料", kind="service",
                             body="请补充 身份证 431123198001010011 复印件")
    db.session.commit()
    assert outbox.run_until_idle() == {"sent": 1}, _deliveries()[0].last_error
    assert tencent_sms.errors == []
    [request] = tencent_sms.requests
    body = request["body"]
    assert body["PhoneNumberSet"] == ["+8613907460005"] and body["TemplateId"] == "2000001"
    assert body["SessionContext"] == _deliveries()[0].idem_key
    assert "FW-2026-000006" in body["TemplateParamSet"][0] and "431123" not in str(body)
    assert _deliveries()[0].provider_ref.startswith("serial-")


def test_a_unit_robot_gets_directives_and_overdue_notices_signed_for_dingtalk(app, provider, clock):
    clock(datetime(2026, 12, 7, 10, 0), tick=True)
    housing, health = unit_named("县住建局"), unit_named("县卫健局")
    UserFactory(role="unit", unit_id=housing.id)
    UserFactory(role="unit", unit_id=housing.id)
    UserFactory(role="unit", unit_id=health.id)
    db.session.add(UnitWebhook(unit_id=housing.id, kind="dingtalk", secret=DING_SECRET,
                               url=f"{provider.base}/dingtalk?access_token=t"))
    db.session.add(UnitWebhook(unit_id=health.id, kind="wecom", url=f"{provider.base}/wecom?key=robot-key"))
    db.session.commit()
    operations.notify_unit(housing.id, "督办单：1.1 农林产品加工领域（2026-12-15 前回复）",
                           kind="task_directive")
    operations.notify_unit(health.id, "FW-2026-000007 已超过受理期限（2026-12-04）", kind="service_overdue")
    operations.notify_unit(health.id, "县林业局 报送了 1.1 进度", kind="task_report")  # not for robots
    db.session.commit()
    assert outbox.run_until_idle() == {"sent": 2}
    assert provider.errors == []
    ding, wecom = provider.requests
    assert ding["path"] == "/dingtalk" and "督办单" in ding["body"]["text"]["content"]
    assert wecom["path"] == "/wecom" and "FW-2026-000007" in wecom["body"]["text"]["content"]


def test_a_wrong_dingtalk_secret_is_refused_by_the_server(app, provider, clock):
    clock(datetime(2026, 12, 7, 10, 0), tick=True)
    housing = unit_named("县住建局")
    UserFactory(role="unit", unit_id=housing.id)
    db.session.add(UnitWebhook(unit_id=housing.id, kind="dingtalk", secret="SECwrong",
                               url=f"{provider.base}/dingtalk?access_token=t"))
    db.session.commit()
    operations.notify_unit(housing.id, "督办单：1.1", kind="task_directive")
    db.session.commit()
    assert outbox.run_until_idle() == {"dead": 1}  # a wrong secret stays wrong: not retried
    assert provider.errors and "sign" in provider.errors[0]
    assert "310000" in db.session.scalar(select(Delivery.last_error))


def test_channel_choices_defaults_and_the_talent_record_fallback(app, smtp, gateway_sms, clock):
    clock(datetime(2026, 12, 7, 10, 0), tick=True)
    talent = TalentFactory(phone="0746-7722123", email="t@example.org")  # a landline takes no SMS
    account = UserFactory(role="talent", talent_id=talent.id)
    staff = UserFactory(role="org", phone="13874600009", email="org@example.org")
    db.session.commit()
    operations.notify_talent(talent.id, "您的申请 FW-2026-000008 已受理", kind="service")
    operations.notify([staff], "新的服务申请 FW-2026-000008：住房保障", kind="service")  # staff: in-app only
    operations.notify([staff], "FW-2026-000008 已超过受理期限", kind="service_overdue")  # staff: SMS + e-mail
    assert [(d.channel, d.address) for d in _deliveries()] == [
        ("email", "t@example.org"), ("email", "org@example.org"), ("sms", "13874600009")]
    operations.set_channel_choices(account, {"service": (False, False)})
    account.phone = "13874600010"
    operations.notify_talent(talent.id, "您的申请 FW-2026-000008 已办结", kind="service")
    operations.notify_talent(talent.id, "您的VIP卡将于 2027-01-31 到期", kind="card_expiry")
    assert [(d.channel, d.address) for d in _deliveries()[3:]] == [
        ("email", "t@example.org"), ("sms", "13874600010")]


def test_the_daily_sms_cap_holds_the_rest_for_the_digest(app, gateway_sms, clock):
    clock(datetime(2026, 12, 7, 10, 0), tick=True)
    app.config["SMS_DAILY_CAP"] = 2
    talent = TalentFactory(phone="13874600011")
    UserFactory(role="talent", talent_id=talent.id)
    db.session.commit()
    for n in range(4):
        operations.notify_talent(talent.id, f"您的申请 FW-2026-00001{n} 已受理", kind="service")
    assert [d.status for d in _deliveries()] == ["queued", "queued", "capped", "capped"]
    db.session.commit()
    assert outbox.run_until_idle() == {"sent": 2}
    clock(datetime(2026, 12, 8, 0, 5))  # the daily sweep, early next morning
    assert outbox.send_digests(date(2026, 12, 8)) == {"sms_digests": 1}
    assert outbox.send_digests(date(2026, 12, 8)) == {"sms_digests": 0}  # idempotent
    db.session.commit()
    digest = _deliveries()[-1]
    assert digest.kind == "sms_digest" and digest.text.startswith("昨天另有 2 条通知")
    assert outbox.run_until_idle() == {}  # quiet hours: from 08:00
    clock(datetime(2026, 12, 8, 8, 0))
    assert outbox.run_until_idle() == {"sent": 1} and len(gateway_sms.requests) == 3
    app.config["SMS_DAILY_CAP"] = 10


def test_free_text_and_id_like_numbers_never_leave(app, smtp):
    staff = UserFactory(role="org", email="org@example.org")
    db.session.commit()
    operations.notify([staff], "1.1 2026-11 进度被退回：431123198001010011 的材料不全", kind="task_report")
    operations.notify([staff], "督办单：核实 431123198001010011", kind="task_directive")
    db.session.commit()
    outbox.run_until_idle()
    texts = [m.get_content() + m["Subject"] for m in smtp.mailbox.messages]
    assert len(texts) == 1 and "431123198001010011" not in texts[0] and "****" in texts[0]


def test_the_inbox_shows_each_delivery_state(client, auth, smtp):
    user = auth.login_as("org", email="me@example.org")
    operations.notify([user], "FW-2026-000020 已超过受理期限", kind="service_overdue", link="/")
    db.session.commit()
    page = client.get("/notifications").get_data(as_text=True)
    assert "电子邮件：待发送" in page
    outbox.run_until_idle()
    page = client.get("/notifications").get_data(as_text=True)
    assert "电子邮件：已发送" in page


def test_sweep_overdue_notices_get_deliveries_too(app, smtp, freeze_today):
    from tests.services.conftest import MONDAY

    freeze_today(MONDAY)
    talent = TalentFactory()
    account = UserFactory(role="talent", talent_id=talent.id)
    UserFactory(role="unit", unit_id=unit_named("县住建局").id, email="zjj@example.org")
    services.file_request(account, talent, services.type_by_code("housing"), "申请人才公寓", "说明")
    db.session.commit()
    freeze_today(date(2026, 11, 10))
    assert services.sweep()["notified"] == 1
    [delivery] = _deliveries(kind="service_overdue")
    assert delivery.channel == "email" and delivery.address == "zjj@example.org"


def test_a_slow_worker_whose_lease_ran_out_does_not_send_what_another_took_over(app, smtp, clock):
    start = datetime(2026, 12, 7, 10, 0)
    clock(start)
    clerk = UserFactory(role="org", email="clerk@example.org")
    db.session.commit()
    operations.notify([clerk], "FW-2026-000030 已超过办理期限", kind="service_overdue")
    db.session.commit()
    slow, [delivery_id] = outbox.claim()
    clock(start + timedelta(seconds=outbox.LEASE_SECONDS + 1))  # the slow one is still busy
    fast, taken = outbox.claim()
    assert taken == [delivery_id]
    assert outbox.deliver(delivery_id, slow) == "skipped"
    assert outbox.deliver(delivery_id, fast) == "sent"
    assert outbox.deliver(delivery_id, slow) == "skipped"
    assert len(smtp.mailbox.messages) == 1
