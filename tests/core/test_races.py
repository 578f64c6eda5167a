"""Two clerks at once: the check before a write can pass for both; the database decides, cleanly."""
import pytest
from sqlalchemy import func, select

from talent.cards import operations as cards
from talent.cards.models import Card, CardCounter
from talent.extensions import db
from talent.registry import operations as registry
from talent.registry.models import Talent
from tests.factories import TalentFactory


def test_duplicate_talent_slipping_past_the_check(app, monkeypatch):
    first = TalentFactory()
    db.session.commit()
    monkeypatch.setattr(registry, "_refuse_duplicate", lambda *a, **k: None)  # the other clerk's view
    values = {c: getattr(first, c) for c in ("name", "gender", "id_type", "id_number", "nationality",
                                             "education", "employer", "field")}
    with pytest.raises(registry.DuplicateIdNumber) as caught:
        registry.create_talent(None, values)
    assert caught.value.existing.id == first.id
    # the request's transaction is still usable after the refused insert
    TalentFactory()
    db.session.commit()
    assert db.session.scalar(select(func.count(Talent.id))) == 2


def test_duplicate_on_update_slipping_past_the_check(app, monkeypatch):
    first, second = TalentFactory(), TalentFactory()
    db.session.commit()
    monkeypatch.setattr(registry, "_refuse_duplicate", lambda *a, **k: None)
    with pytest.raises(registry.DuplicateIdNumber):
        registry.update_talent(None, second, {"id_number": first.id_number})
    db.session.rollback()
    db.session.refresh(second)
    assert second.id_number != first.id_number


def test_second_card_slipping_past_the_check(app, monkeypatch):
    talent = TalentFactory(education="doctorate")
    cards.issue_card(None, talent)
    db.session.commit()
    monkeypatch.setattr(cards, "active_card", lambda t: None)
    with pytest.raises(cards.CardError, match="刚刚已由他人发卡"):
        cards.issue_card(None, talent)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Card.id))) == 1


def test_first_card_of_a_year_started_by_two_clerks(app, monkeypatch):
    db.session.add(CardCounter(year=2031, last=7))  # the other clerk's row, already there
    db.session.flush()
    real_execute = db.session.execute
    calls = []

    def first_update_finds_nothing(statement, *args, **kwargs):
        result = real_execute(statement, *args, **kwargs)
        if "UPDATE card_counters" in str(statement) and not calls:
            calls.append(1)
            result.scalar()  # consume; pretend the row was not there yet
            return _Empty()
        return result

    class _Empty:
        def scalar(self):
            return None

    monkeypatch.setattr(db.session, "execute", first_update_finds_nothing)
    assert cards.next_number(2031) == "LBYC-2031-000009"
