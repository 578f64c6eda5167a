"""The demo is alive on whatever day it is loaded: logs in the last 30 days, requests of this
year (some open, some finished), a card about to expire — the same a year later as today."""
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from talent.cards import operations as cards
from talent.commissioners.models import ServiceLog
from talent.core import timeutil
from talent.extensions import db
from talent.services.models import ServiceRequest
from tests.conftest import _restore_seeded


def _liveliness() -> dict:
    today = timeutil.today()
    this_year = (ServiceRequest.filed_on >= date(today.year, 1, 1)) & (ServiceRequest.filed_on <= today)
    still_open = ServiceRequest.status.in_(("submitted", "accepted", "in_progress", "waiting_materials"))

    def count(query) -> int:
        return db.session.scalar(query) or 0

    return {
        "logs_last_30_days": count(select(func.count(ServiceLog.id)).where(
            ServiceLog.served_on > today - timedelta(days=30), ServiceLog.served_on <= today)),
        "requests_this_year": count(select(func.count(ServiceRequest.id)).where(this_year)),
        "open_this_year": count(select(func.count(ServiceRequest.id)).where(this_year, still_open)),
        "finished_this_year": count(select(func.count(ServiceRequest.id)).where(
            this_year, ServiceRequest.status == "completed")),
        "cards_expiring_in_60_days": len(db.session.scalars(cards.expiring_query(today, 60)).all()),
    }


def _load_demo_on(runner, clock, moment: datetime) -> dict:
    clock(moment, tick=True)
    result = runner.invoke(args=["demo", "--count", "20"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return _liveliness()


def test_the_demo_is_as_lively_a_year_later(runner, clock, database_url):
    today = _load_demo_on(runner, clock, datetime(2026, 12, 5, 10, 0))
    assert all(value > 0 for value in today.values()), today
    db.session.remove()
    _restore_seeded(database_url)
    a_year_later = _load_demo_on(runner, clock, datetime(2027, 12, 5, 10, 0))
    assert a_year_later == today


def test_the_demo_early_in_january_still_has_this_years_work(runner, clock):
    """Two days into a year: the commissioners are already serving and requests are this year's."""
    figures = _load_demo_on(runner, clock, datetime(2028, 1, 2, 9, 0))
    assert all(value > 0 for value in figures.values()), figures
