"""Working days: the State Council's schedule with 调休, a fallback for unknown years, overrides first."""
from datetime import date

from talent.extensions import db
from talent.services import operations as services
from talent.services import workdays
from talent.services.workdays import Calendar


def test_national_day_and_make_up_saturday_2026():
    calendar = Calendar()
    assert not calendar.is_workday(date(2026, 10, 1))
    assert not calendar.is_workday(date(2026, 10, 7))  # a Wednesday inside the holiday
    assert calendar.is_workday(date(2026, 10, 10))  # Saturday, 调休 make-up day
    # Filed on Wednesday 30 September: two working days later is Friday 9 October.
    assert calendar.add(date(2026, 9, 30), 2) == date(2026, 10, 9)
    assert calendar.add(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert calendar.between(date(2026, 9, 30), date(2026, 10, 10)) == 3


def test_unknown_year_falls_back_to_monday_to_friday():
    assert not workdays.package_knows(2027)
    assert workdays.package_knows(2026)
    calendar = Calendar()
    assert calendar.add(date(2027, 1, 1), 1) == date(2027, 1, 4)  # Friday → Monday
    assert calendar.is_workday(date(2027, 10, 1))  # unknown holiday: a plain Friday for now


def test_overrides_win_over_package_and_fallback(app):
    services.set_override(None, date(2027, 1, 4), False, "元旦补休")
    services.set_override(None, date(2026, 10, 10), False, "本县不调休")
    services.set_override(None, date(2027, 1, 9), True, "调休上班")
    db.session.commit()
    calendar = workdays.load()
    assert not calendar.is_workday(date(2027, 1, 4))
    assert not calendar.is_workday(date(2026, 10, 10))
    assert calendar.is_workday(date(2027, 1, 9))  # a Saturday
    assert calendar.add(date(2027, 1, 1), 1) == date(2027, 1, 5)
    special = {day: workday for day, workday, _o in workdays.year_days(calendar, 2027)}
    assert special == {date(2027, 1, 4): False, date(2027, 1, 9): True}
    assert services.delete_override(None, date(2027, 1, 4))
    assert workdays.load().is_workday(date(2027, 1, 4))


def test_between_counts_days_after_start_up_to_end():
    calendar = Calendar()
    monday = date(2026, 11, 2)
    assert calendar.between(monday, monday) == 0
    assert calendar.between(monday, date(2026, 11, 4)) == 2
    assert calendar.between(date(2026, 11, 6), date(2026, 11, 9)) == 1  # Friday → Monday
