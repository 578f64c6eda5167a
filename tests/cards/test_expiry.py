"""Cards about to expire: listed for 组织部, a reminder to the holder once, a notice in the portal."""
from datetime import date

from talent.cards import operations as cards
from talent.extensions import db
from talent.notifications.models import Notification
from talent.notifications.operations import unread_count
from talent.registry.models import Talent
from tests.factories import TalentFactory, UserFactory


def _card_issued_on(day, freeze_today, **talent):
    freeze_today(day)
    return cards.issue_card(None, TalentFactory(education="doctorate", **talent))


def test_expiring_lists_cards_within_sixty_days_only(app, freeze_today):
    soon = _card_issued_on(date(2024, 1, 10), freeze_today)      # expires 2027-01-10
    later = _card_issued_on(date(2024, 6, 1), freeze_today)      # expires 2027-06-01
    freeze_today(date(2026, 11, 26))
    assert list(db.session.scalars(cards.expiring_query())) == [soon]
    assert later not in list(db.session.scalars(cards.expiring_query()))


def test_sweep_reminds_each_holder_once(app, runner, freeze_today):
    card = _card_issued_on(date(2024, 1, 10), freeze_today)
    holder = UserFactory(role="talent", talent_id=card.talent_id)
    db.session.commit()
    freeze_today(date(2026, 11, 26))
    first = runner.invoke(args=["sweep"])
    assert first.exit_code == 0 and "到期提醒 1" in first.output
    second = runner.invoke(args=["sweep"])
    assert "到期提醒 0" in second.output
    assert unread_count(holder) == 1
    note = db.session.scalar(db.select(Notification))
    assert "2027-01-10" in note.title and note.link == "/me"


def test_org_sees_the_panel_and_list_and_the_holder_the_notice(client, auth, freeze_today):
    user = auth.login_as("talent")
    freeze_today(date(2024, 1, 10))
    talent = db.session.get(Talent, user.talent_id)
    talent.education = "doctorate"
    cards.issue_card(None, talent)
    db.session.commit()
    freeze_today(date(2026, 12, 1))
    assert "40 天后" in client.get("/me").get_data(as_text=True)
    auth.login_as("org")
    assert "1 张" in client.get("/").get_data(as_text=True)
    assert talent.name in client.get("/cards/expiring").get_data(as_text=True)
    freeze_today(date(2026, 6, 1))
    assert "近期没有即将到期的卡片" in client.get("/cards/expiring").get_data(as_text=True)
