"""Issuing and the card's life: numbers, refusals, renewal, revocation, re-issue, rule versions."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from talent.cards import operations as cards
from talent.cards.models import Card
from talent.cards.rules import DEFAULT_RULES
from talent.core.audit import AuditEntry
from talent.extensions import db
from tests.factories import TalentFactory, UserFactory


@pytest.fixture
def clerk(app):
    return UserFactory(role="org")


def test_issue_gives_a_numbered_three_year_card(clerk, freeze_today):
    freeze_today(date(2026, 11, 26))
    card = cards.issue_card(clerk, TalentFactory(education="doctorate"))
    assert re.fullmatch(r"LBYC-2026-\d{6}", card.number)
    assert (card.tier, card.issued_on, card.expires_on) == ("B", date(2026, 11, 26), date(2029, 11, 26))
    assert card.rule_set.version == 1
    second = cards.issue_card(clerk, TalentFactory(education="master"))
    assert int(second.number[-6:]) == int(card.number[-6:]) + 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "cards"))
    assert entry.action == "issue" and entry.actor_id == clerk.id


def test_numbers_restart_each_year_and_are_never_reused(clerk):
    first = cards.issue_card(clerk, TalentFactory(education="master"), on=date(2026, 12, 31))
    replacement = cards.reissue_card(clerk, first, on=date(2027, 1, 2))
    assert replacement.number == "LBYC-2027-000001"
    other = cards.issue_card(clerk, TalentFactory(education="master"), on=date(2027, 1, 3))
    assert other.number == "LBYC-2027-000002"
    numbers = list(db.session.scalars(select(Card.number)))
    assert len(numbers) == len(set(numbers)) == 3


def test_issue_refused_when_not_eligible_naming_what_is_missing(clerk):
    with pytest.raises(cards.NotEligible, match="不符合任一类别"):
        cards.issue_card(clerk, TalentFactory(education="bachelor", title_level="none", category="none"))
    with pytest.raises(cards.NotEligible, match="目前在双牌县内工作"):
        cards.issue_card(clerk, TalentFactory(education="doctorate", works_in_county=False))
    assert db.session.scalar(select(Card)) is None


def test_second_card_refused_while_one_is_active(clerk):
    talent = TalentFactory(education="doctorate")
    card = cards.issue_card(clerk, talent)
    with pytest.raises(cards.CardError, match="已持有有效卡"):
        cards.issue_card(clerk, talent)
    card.expires_on = date(2020, 1, 1)
    card.issued_on = date(2017, 1, 1)
    with pytest.raises(cards.CardError, match="请办理续期"):
        cards.issue_card(clerk, talent)


def test_expired_by_date_alone(clerk, freeze_today):
    card = cards.issue_card(clerk, TalentFactory(education="master"), on=date(2026, 1, 10))
    freeze_today(date(2029, 1, 10))
    assert card.status_on() == "active"
    freeze_today(date(2029, 1, 11))
    assert card.status_on() == "expired" and card.status == "active"
    assert card.to_dict()["status"] == "expired"


def test_renew_keeps_number_and_extends(clerk, freeze_today):
    card = cards.issue_card(clerk, TalentFactory(education="master"), on=date(2023, 5, 1))
    freeze_today(date(2026, 6, 1))  # expired on 2026-05-01
    cards.renew_card(clerk, card)
    assert card.expires_on == date(2029, 6, 1) and card.status_on() == "active"
    before = card.number
    cards.renew_card(clerk, card)  # early renewal counts from the current expiry
    assert card.number == before and card.expires_on == date(2032, 6, 1)


def test_renew_refused_when_no_longer_eligible(clerk):
    talent = TalentFactory(education="master")
    card = cards.issue_card(clerk, talent)
    talent.status = "left"
    with pytest.raises(cards.NotEligible):
        cards.renew_card(clerk, card)


def test_revoke_needs_a_reason_and_is_final(clerk):
    card = cards.issue_card(clerk, TalentFactory(education="master"))
    with pytest.raises(cards.CardError, match="必须填写原因"):
        cards.revoke_card(clerk, card, "  ")
    cards.revoke_card(clerk, card, "调离双牌县")
    assert card.status == "revoked" and card.revoke_reason == "调离双牌县"
    with pytest.raises(cards.CardError):
        cards.renew_card(clerk, card)
    with pytest.raises(cards.CardError, match="已注销"):
        cards.revoke_card(clerk, card, "again")


def test_reissue_replaces_the_old_card(clerk):
    talent = TalentFactory(education="master")
    old = cards.issue_card(clerk, talent)
    new = cards.reissue_card(clerk, old)
    assert old.status == "replaced" and new.status == "active"
    assert new.number != old.number and new.replaces_id == old.id
    assert (new.tier, new.expires_on) == (old.tier, old.expires_on)
    assert cards.active_card(talent) is new


def test_new_rule_version_applies_from_its_date(clerk, freeze_today):
    freeze_today(date(2026, 11, 26))
    stricter = {**DEFAULT_RULES, "tiers": [t for t in DEFAULT_RULES["tiers"] if t["code"] != "C"]}
    version = cards.create_rule_version(clerk, stricter, date(2027, 1, 1), "取消C类")
    assert version.version == 2
    master = TalentFactory(education="master")
    assert cards.eligibility(master).tier == "C"  # version 1 still in force
    old_card = cards.issue_card(clerk, master)
    assert old_card.rule_set.version == 1
    freeze_today(date(2027, 1, 1))
    assert cards.current_rule_set().version == 2
    assert not cards.eligibility(master).eligible
    stale = cards.stale_cards()
    assert [c.number for c, _ in stale] == [old_card.number]
    with pytest.raises(cards.NotEligible):
        cards.issue_card(clerk, TalentFactory(education="master"))


def test_rule_version_refuses_bad_rules(clerk):
    with pytest.raises(cards.CardError, match="至少需要一个类别"):
        cards.create_rule_version(clerk, {"tiers": []}, date(2027, 1, 1))


def test_recommended_lists_eligible_talents_without_cards(clerk):
    holder = TalentFactory(education="doctorate")
    waiting = TalentFactory(education="master")
    TalentFactory(education="bachelor", title_level="none", category="none")
    TalentFactory(education="doctorate", status="left")
    cards.issue_card(clerk, holder)
    recommended = list(db.session.scalars(cards.recommended_query()))
    assert recommended == [waiting]
