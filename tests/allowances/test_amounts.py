"""The amount of a claim: whole months, part months by days, years, once — and where it stops."""

from datetime import date
from decimal import Decimal

from talent.allowances.amounts import compute


def test_whole_and_part_months():
    # Introduced 14 March: March covers 18 of 31 days.
    result = compute(
        "monthly", Decimal("2000.00"), 2026, 36, date(2026, 3, 14), date(2026, 3, 1), date(2026, 5, 31)
    )
    assert [(line.label, line.text, line.amount) for line in result.lines] == [
        ("2026-03", "18/31 天", Decimal("1161.29")),
        ("2026-04", "整月", Decimal("2000.00")),
        ("2026-05", "整月", Decimal("2000.00")),
    ]
    assert result.total == Decimal("5161.29")


def test_rounding_is_half_up_to_the_fen():
    # 1000 × 1/3 = 333.333… → 333.33; 1000 × 1/6 … uses a 30-day month: 5/30 → 166.666… → 166.67
    result = compute(
        "monthly", Decimal("1000.00"), 2026, None, date(2026, 4, 26), date(2026, 4, 1), date(2026, 4, 30)
    )
    assert result.lines[0].text == "5/30 天" and result.total == Decimal("166.67")


def test_months_before_the_entitlement_pay_nothing_and_the_term_ends_it():
    result = compute(
        "monthly", Decimal("2000.00"), 2026, 2, date(2026, 3, 1), date(2026, 1, 1), date(2026, 6, 30)
    )
    assert [line.amount for line in result.lines] == [
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("2000.00"),
        Decimal("2000.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]
    assert result.entitlement_to == date(2026, 4, 30)


def test_a_stop_cuts_at_the_stop_day():
    result = compute(
        "monthly",
        Decimal("2000.00"),
        2026,
        None,
        None,
        date(2026, 1, 1),
        date(2026, 12, 31),
        stopped_on=date(2026, 6, 30),
    )
    assert result.total == Decimal("12000.00")


def test_yearly_and_once():
    yearly = compute(
        "yearly", Decimal("12000.00"), 2026, None, date(2026, 7, 1), date(2026, 1, 1), date(2026, 12, 31)
    )
    assert yearly.lines[0].text == "184/365 天" and yearly.total == Decimal("6049.32")
    full = compute("yearly", Decimal("12000.00"), 2025, None, None, date(2026, 1, 1), date(2026, 12, 31))
    assert full.total == Decimal("12000.00")
    once = compute(
        "once", Decimal("50000.00"), 2026, None, date(2026, 3, 14), date(2026, 3, 1), date(2026, 3, 31)
    )
    assert once.total == Decimal("50000.00")
    before = compute(
        "once", Decimal("50000.00"), 2026, None, date(2026, 3, 14), date(2026, 2, 1), date(2026, 2, 28)
    )
    assert before.total == Decimal("0.00")
