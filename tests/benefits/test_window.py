"""待遇兑现 at the window: the clerk sees the person and their unit's benefits, records what was given;
the holder sees it in the portal; 组织部 counts it."""
from datetime import date, timedelta

from talent.auth.units import unit_named
from talent.benefits import operations
from talent.benefits.models import Redemption
from talent.cards import operations as cards
from talent.cards.verification import make_token
from talent.core import timeutil
from talent.extensions import db
from tests.factories import TalentFactory


def _card(**talent):
    holder = TalentFactory(education="doctorate", name="欧阳湘云", **talent)  # B类
    return cards.issue_card(None, holder)


def test_hospital_clerk_sees_full_name_and_only_medical_benefit(client, auth):
    auth.login_as("unit", unit=unit_named("县卫健局"))
    card = _card()
    db.session.commit()
    page = client.get(f"/window/{make_token(card)}").get_data(as_text=True)
    assert "欧阳湘云" in page and card.number in page
    assert "医疗服务" in page and "住房保障" not in page


def test_clerk_records_a_redemption_which_the_holder_and_org_see(client, auth):
    clerk = auth.login_as("unit", unit=unit_named("县卫健局"))
    card = _card()
    token = make_token(card)
    db.session.commit()
    response = client.post(f"/window/{token}", data={"kind": "medical",
                                                     "redeemed_on": timeutil.today().isoformat(),
                                                     "note": "专家门诊绿色通道"}, follow_redirects=True)
    assert "已记录" in response.get_data(as_text=True)
    redemption = db.session.scalar(db.select(Redemption))
    assert (redemption.kind, redemption.unit_id, redemption.clerk_id) == ("medical", clerk.unit_id, clerk.id)
    auth.login_as("talent", talent_id=card.talent_id)
    assert "专家门诊绿色通道" in client.get("/me").get_data(as_text=True)
    auth.login_as("org")
    figures = client.get(f"/benefits/figures?year={timeutil.today().year}").get_data(as_text=True)
    assert "县卫健局" in figures and "医疗服务" in figures


def test_bad_redemptions_are_refused_and_nothing_recorded(client, auth):
    auth.login_as("unit", unit=unit_named("县卫健局"))
    card = _card()
    token = make_token(card)
    db.session.commit()
    housing = client.post(f"/window/{token}", data={"kind": "housing", "redeemed_on": "2026-01-05"})
    assert housing.status_code == 422  # not this unit's benefit
    future = (timeutil.today() + timedelta(days=3)).isoformat()
    page = client.post(f"/window/{token}", data={"kind": "medical", "redeemed_on": future},
                       follow_redirects=True).get_data(as_text=True)
    assert "兑现日期不能晚于今天" in page
    bad_date = client.post(f"/window/{token}", data={"kind": "medical", "redeemed_on": "昨天"})
    assert bad_date.status_code == 422 and "日期格式" in bad_date.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Redemption.id))) == 0


def test_redemption_date_is_not_before_the_card_was_issued(client, auth):
    """Issue 19 item 9: 0001-01-01 was accepted and shown."""
    auth.login_as("unit", unit=unit_named("县卫健局"))
    card = _card()
    token = make_token(card)
    db.session.commit()
    for day in ("0001-01-01", (card.issued_on - timedelta(days=1)).isoformat()):
        page = client.post(f"/window/{token}", data={"kind": "medical", "redeemed_on": day},
                           follow_redirects=True).get_data(as_text=True)
        assert "兑现日期不能早于发卡日期" in page
    assert db.session.scalar(db.select(db.func.count(Redemption.id))) == 0
    ok = client.post(f"/window/{token}", data={"kind": "medical",
                                               "redeemed_on": card.issued_on.isoformat()})
    assert ok.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Redemption.id))) == 1


def test_revoked_card_cannot_be_redeemed(app, make_user):
    clerk = make_user("unit", unit=unit_named("县卫健局"))
    card = _card()
    cards.revoke_card(None, card, "离开双牌")
    try:
        operations.redeem(clerk, card, "medical", date(2026, 11, 1))
    except operations.RedemptionRefused as refused:
        assert "已注销" in refused.message
    else:
        raise AssertionError("a revoked card was redeemed")


def test_forged_token_is_404_and_talents_and_commissioners_are_403(client, auth):
    auth.login_as("unit", unit=unit_named("县卫健局"))
    assert client.get("/window/forged.token").status_code == 404
    card = _card()
    db.session.commit()
    for role in ("talent", "commissioner"):
        auth.login_as(role)
        assert client.get(f"/window/{make_token(card)}").status_code == 403


def test_verify_page_offers_the_window_to_signed_in_clerks_only(client, auth):
    card = _card()
    db.session.commit()
    token = make_token(card)
    anonymous = client.get(f"/cards/verify/{token}")
    assert "window-link" not in anonymous.get_data(as_text=True)
    assert "Set-Cookie" not in anonymous.headers
    auth.login_as("unit", unit=unit_named("县卫健局"))
    assert f"/window/{token}" in client.get(f"/cards/verify/{token}").get_data(as_text=True)


def test_metric_counts_the_year(app, make_user):
    clerk = make_user("unit", unit=unit_named("县卫健局"))
    card = _card()
    operations.redeem(clerk, card, "medical", timeutil.today())
    from talent.core.features import metric

    assert metric("benefits.redemptions").compute(timeutil.today().year) == 1
