"""升档: its own action — a new number (old QR void), expiry kept unless a new term, the holder told."""
from datetime import date

import pytest
from sqlalchemy import select

from talent.cards import operations as cards
from talent.cards.models import Card
from talent.cards.verification import make_token, verify_token
from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.notifications.models import Notification
from tests.factories import TalentFactory, UserFactory


@pytest.fixture
def clerk(app):
    return UserFactory(role="org")


def _b_card_now_meeting_a(clerk):
    """A B-class card whose holder has since become 正高级 (A: 正高级 and 博士)."""
    talent = TalentFactory(education="doctorate", title_level="vice_senior")
    card = cards.issue_card(clerk, talent, on=date(2026, 12, 6))
    talent.title_level = "senior"
    db.session.flush()
    return card


def test_upgrade_keeps_expiry_voids_old_qr_and_tells_the_holder(clerk, freeze_today):
    freeze_today(date(2027, 3, 1))
    card = _b_card_now_meeting_a(clerk)
    holder = UserFactory(role="talent", talent_id=card.talent_id)
    old_token = make_token(card)
    new = cards.upgrade_card(clerk, card, "A", rule_version=1)
    assert (new.tier, new.expires_on, new.issued_on) == ("A", date(2029, 12, 6), date(2027, 3, 1))
    assert new.number != card.number and new.replaces_id == card.id
    assert card.status == "replaced"
    db.session.commit()  # the public check reads committed rows on its own connection
    assert verify_token(old_token).status == "replaced"
    assert verify_token(make_token(new)).valid
    note = db.session.scalar(select(Notification).where(Notification.user_id == holder.id))
    assert "A类" in note.title and new.number in note.body
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "upgrade"))
    assert entry.changes["tier"] == ["B", "A"] and entry.object_id == new.id


def test_upgrade_with_a_new_term_starts_three_years_from_today(clerk, freeze_today):
    freeze_today(date(2027, 3, 1))
    new = cards.upgrade_card(clerk, _b_card_now_meeting_a(clerk), "A", new_term=True)
    assert new.expires_on == date(2030, 3, 1)


def test_upgrade_refused_when_the_holder_does_not_qualify(clerk, freeze_today):
    freeze_today(date(2027, 3, 1))
    card = cards.issue_card(clerk, TalentFactory(education="doctorate", title_level="vice_senior"))
    with pytest.raises(cards.NotUpgradable, match="只符合B类") as refused:
        cards.upgrade_card(clerk, card, "A")
    assert refused.value.status == 422
    with pytest.raises(cards.CardError, match="不是升档"):
        cards.upgrade_card(clerk, card, "C")
    with pytest.raises(cards.CardError, match="没有“Z”"):
        cards.upgrade_card(clerk, card, "Z")
    assert card.status == "active"
    assert db.session.scalar(select(db.func.count(Card.id))) == 1


def test_upgrade_against_an_outdated_rule_version_is_stale(clerk, freeze_today):
    freeze_today(date(2027, 3, 1))
    card = _b_card_now_meeting_a(clerk)
    with pytest.raises(cards.StaleEdit):
        cards.upgrade_card(clerk, card, "A", rule_version=7)
    assert card.status == "active"


def test_upgrade_api(client, api_token, freeze_today):
    freeze_today(date(2027, 3, 1))
    headers = api_token("org")
    card = _b_card_now_meeting_a(None)
    plain = cards.issue_card(None, TalentFactory(education="master", title_level="none"))
    db.session.commit()
    for bad in ({}, {"tier": "A"}, {"tier": "A", "version": "1"},
                {"tier": "A", "version": 1, "new_term": "yes"}):
        assert client.post(f"/api/v1/cards/{card.id}/upgrade", json=bad, headers=headers).status_code == 422
    refused = client.post(f"/api/v1/cards/{plain.id}/upgrade", json={"tier": "B", "version": 1},
                          headers=headers)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "not_eligible"
    stale = client.post(f"/api/v1/cards/{card.id}/upgrade", json={"tier": "A", "version": 2}, headers=headers)
    assert stale.status_code == 409
    done = client.post(f"/api/v1/cards/{card.id}/upgrade", json={"tier": "A", "version": 1}, headers=headers)
    assert done.status_code == 201, done.get_json()
    body = done.get_json()
    assert body["tier"] == "A" and body["expires_on"] == "2029-12-06" and body["replaces_id"] == card.id
    again = client.post(f"/api/v1/cards/{card.id}/upgrade", json={"tier": "A", "version": 1}, headers=headers)
    assert again.status_code == 409  # the old card is no longer active
    renewed = client.post(f"/api/v1/cards/{body['id']}/upgrade",
                          json={"tier": "A", "version": 1, "new_term": True}, headers=headers)
    assert renewed.status_code == 422  # already A: not an upgrade
    assert client.post(f"/api/v1/cards/{body['id']}/upgrade", json={"tier": "A", "version": 1},
                       headers=api_token("unit")).status_code == 403


def test_upgrade_page_offers_only_tiers_the_holder_meets(client, auth, freeze_today):
    freeze_today(date(2027, 3, 1))
    auth.login_as("org")
    card = _b_card_now_meeting_a(None)
    db.session.commit()
    page = client.get(f"/cards/{card.id}").get_data(as_text=True)
    assert "升为A类（顶尖人才）" in page
    assert "由B类（领军人才）升为A类（顶尖人才）（依据发卡规则第1版）" in page
    assert "有效期不变，仍至 2029-12-06" in page and "至 2030-03-01" in page
    response = client.post(f"/cards/{card.id}/upgrade", data={"tier": "A", "rule_version": "1",
                                                             "new_term": "0"}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "已升档" in text and "有效期至 2029-12-06" in text
    assert db.session.get(Card, card.id).status == "replaced"
