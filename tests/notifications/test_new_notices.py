"""Notices that nobody sent before: a benefit redeemed, a correction filed and handled, a rating
invitation on completion — each with deliveries, and nothing private in what leaves."""
from sqlalchemy import select

from talent.auth.units import unit_named
from talent.benefits import operations as benefits
from talent.cards import operations as cards
from talent.core import timeutil
from talent.extensions import db
from talent.notifications.models import Delivery, Notification
from talent.registry import operations as registry
from talent.services import operations as services
from tests.factories import TalentFactory, UserFactory


def _notes(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def test_a_redeemed_benefit_tells_the_holder_without_naming_it_outside(app, smtp):
    holder = TalentFactory(education="doctorate", email="holder@example.org")
    account = UserFactory(role="talent", talent_id=holder.id)
    clerk = UserFactory(role="unit", unit_id=unit_named("县卫健局").id)
    card = cards.issue_card(None, holder)
    benefits.redeem(clerk, card, "medical", timeutil.today(), "专家门诊绿色通道")
    [note] = [n for n in _notes(account) if n.kind == "benefit_redeemed"]
    assert "兑现" in note.title and "医疗" not in note.title and "医疗服务" in note.body
    [delivery] = db.session.scalars(select(Delivery).where(Delivery.notification_id == note.id))
    assert "医疗" not in delivery.text and "绿色通道" not in delivery.text


def test_a_correction_reaches_org_and_its_answer_reaches_the_talent(app, smtp):
    talent = TalentFactory(name="欧阳湘云", email="t@example.org")
    account = UserFactory(role="talent", talent_id=talent.id)
    org = UserFactory(role="org")
    correction = registry.request_correction(account, talent, "身份证号应为 431123198001010011")
    [filed] = _notes(org)
    assert filed.kind == "correction" and "431123" not in filed.title and filed.body == "欧阳湘云"
    registry.handle_correction(org, correction, "已按身份证核对修改")
    [answered] = _notes(account)
    assert answered.title == "您的档案更正申请已处理" and answered.link == "/me"
    [mail] = db.session.scalars(select(Delivery).where(Delivery.notification_id == answered.id))
    assert "核对" not in mail.text  # the reply stays inside


def test_a_completed_request_invites_the_talent_to_rate_it(app):
    talent = TalentFactory()
    account = UserFactory(role="talent", talent_id=talent.id)
    clerk = UserFactory(role="unit", unit_id=unit_named("县住建局").id)
    req = services.file_request(account, talent, services.type_by_code("housing"), "申请人才公寓", "说明")
    for move in ("accept", "start", "complete"):
        services.transition(clerk, req, move, "已办结" if move == "complete" else "", version=req.version)
    invites = [n for n in _notes(account) if n.kind == "rating_invite"]
    assert len(invites) == 1 and req.number in invites[0].title
    assert invites[0].link == f"/me/services/{req.id}"


def test_allowance_and_card_application_notices_reach_the_talent_outside(app, smtp):
    """Their claims and card applications are a talent's own business, like their requests: SMS
    and e-mail by default (they fell in 其他通知, which a talent gets only in the inbox)."""
    from talent.notifications.operations import notify_talent

    talent = TalentFactory(email="claims@example.org")
    UserFactory(role="talent", talent_id=talent.id)
    notify_talent(talent.id, "您的人才津贴申请被退回修改", link="/me/allowances", kind="allowance")
    notify_talent(talent.id, "您的VIP卡申请已通过", link="/me/card-application", kind="card_application")
    mails = db.session.scalars(select(Delivery).where(Delivery.channel == "email")).all()
    assert sorted(m.address for m in mails) == ["claims@example.org"] * 2
