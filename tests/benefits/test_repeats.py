"""A repeat within a benefit's period (once / yearly / unlimited) is warned of and needs a reason;
the desk scanner's box finds the card by what the scanner types."""
from datetime import date

import pytest
from sqlalchemy import func, select

from talent.auth.units import unit_named
from talent.benefits import operations
from talent.benefits.models import Redemption
from talent.cards import operations as cards
from talent.cards.models import TierBenefit
from talent.cards.verification import make_dynamic_token, make_token
from talent.core.audit import AuditEntry
from talent.extensions import db
from tests.factories import TalentFactory, UserFactory


def _card():
    # Issued well before the redemptions the tests record: none may predate the card.
    return cards.issue_card(None, TalentFactory(education="doctorate", name="欧阳湘云"),  # B类
                            on=date(2025, 1, 2))


def _frequency(tier: str, kind: str, frequency: str) -> None:
    benefit = db.session.scalar(select(TierBenefit).where(TierBenefit.tier == tier, TierBenefit.kind == kind))
    benefit.frequency = frequency
    db.session.flush()


def _count() -> int:
    return db.session.scalar(select(func.count(Redemption.id)))


@pytest.fixture
def hospital(app):
    return UserFactory(role="unit", unit_id=unit_named("县卫健局").id)


def test_yearly_benefit_warns_within_the_year_and_goes_on_with_a_reason(hospital, freeze_today):
    freeze_today(date(2027, 6, 1))
    card = _card()
    assert db.session.scalar(select(TierBenefit.frequency).where(
        TierBenefit.tier == "B", TierBenefit.kind == "medical")) == "yearly"
    operations.redeem(hospital, card, "medical", date(2027, 1, 10), "年度免费健康体检")
    with pytest.raises(operations.RepeatRedemption, match=r"已于 2027-01-10 由县卫健局兑现.*每年兑现一次"):
        operations.redeem(hospital, card, "medical", date(2027, 6, 1))
    assert _count() == 1
    again = operations.redeem(hospital, card, "medical", date(2027, 6, 1), repeat_reason="专家门诊，非体检")
    assert again.repeat_reason == "专家门诊，非体检"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_id == again.id,
                                                        AuditEntry.object_type == "redemptions"))
    assert entry.changes["repeat_reason"] == [None, "专家门诊，非体检"]
    # Last year's does not count against this year.
    other = _card()
    operations.redeem(hospital, other, "medical", date(2026, 12, 31))
    assert operations.redeem(hospital, other, "medical", date(2027, 1, 1)).repeat_reason == ""


def test_once_only_warns_forever_and_unlimited_only_on_the_same_day(hospital, freeze_today):
    freeze_today(date(2027, 6, 1))
    card = _card()
    _frequency("B", "medical", "once")
    operations.redeem(hospital, card, "medical", date(2025, 1, 10))
    with pytest.raises(operations.RepeatRedemption, match="限兑现一次"):
        operations.redeem(hospital, card, "medical", date(2027, 6, 1))
    _frequency("B", "medical", "unlimited")
    operations.redeem(hospital, card, "medical", date(2027, 5, 31))
    operations.redeem(hospital, card, "medical", date(2027, 6, 1))
    with pytest.raises(operations.RepeatRedemption, match="同一天已记录过"):
        operations.redeem(hospital, card, "medical", date(2027, 6, 1))


def test_a_new_card_does_not_restart_the_count(hospital, freeze_today):
    freeze_today(date(2027, 6, 1))
    card = _card()
    operations.redeem(hospital, card, "medical", date(2027, 2, 1))
    replacement = cards.reissue_card(None, card)
    with pytest.raises(operations.RepeatRedemption):
        operations.redeem(hospital, replacement, "medical", date(2027, 6, 1))


def test_window_page_shows_the_warning_and_asks_for_the_reason(client, auth, freeze_today):
    freeze_today(date(2027, 6, 1))
    auth.login_as("unit", unit=unit_named("县卫健局"))
    card = _card()
    token = make_token(card)
    db.session.commit()
    data = {"kind": "medical", "redeemed_on": "2027-06-01", "note": "体检"}
    assert client.post(f"/window/{token}", data=data).status_code == 302
    warned = client.post(f"/window/{token}", data=data).get_data(as_text=True)
    assert 'id="repeat-warning"' in warned and "已于 2027-06-01 由县卫健局兑现" in warned
    assert 'name="repeat_reason"' in warned and "仍然记录" in warned
    assert _count() == 1
    done = client.post(f"/window/{token}", data={**data, "repeat_reason": "上次误录，本次为复查"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已记录" in done and "再次兑现：上次误录，本次为复查" in done
    assert _count() == 2


def test_benefit_frequency_is_edited_with_the_texts(client, auth):
    auth.login_as("admin")
    page = client.get("/cards/benefits").get_data(as_text=True)
    assert "兑现频次" in page
    client.post("/cards/benefits", data={"A_housing": "人才公寓", "A_housing_frequency": "yearly"})
    housing = db.session.scalar(select(TierBenefit).where(TierBenefit.tier == "A",
                                                          TierBenefit.kind == "housing"))
    assert (housing.text, housing.frequency) == ("人才公寓", "yearly")
    client.post("/cards/benefits", data={"A_housing": "人才公寓二期"})  # left out: kept
    db.session.refresh(housing)
    assert (housing.text, housing.frequency) == ("人才公寓二期", "yearly")
    bad = client.post("/cards/benefits", data={"A_housing": "x", "A_housing_frequency": "hourly"})
    assert "不是有效的" in bad.get_data(as_text=True)


def test_scanner_box_finds_the_card_by_address_token_number_or_dynamic_code(client, auth):
    auth.login_as("unit", unit=unit_named("县卫健局"))
    card = _card()
    db.session.commit()
    token = make_token(card)
    window = f"/window/{token}"
    assert "扫码/输入卡号" in client.get("/window").get_data(as_text=True)
    for typed in (f"https://rc.shuangpai.gov.cn/cards/verify/{token}", token, card.number,
                  card.number.lower(), f" {card.number} ",
                  f"http://x/cards/verify/live/{make_dynamic_token(card)}"):
        response = client.get("/window", query_string={"code": typed})
        assert response.status_code == 302 and response.location.endswith(window), typed
    unknown = client.get("/window", query_string={"code": "LBYC-2020-999999"})
    assert unknown.status_code == 404 and "没有卡号为 LBYC-2020-999999 的卡" in unknown.get_data(as_text=True)
    junk = client.get("/window", query_string={"code": "hello"})
    assert junk.status_code == 404 and "无法识别" in junk.get_data(as_text=True)
    auth.login_as("talent")
    assert client.get("/window", query_string={"code": card.number}).status_code == 403
