"""What a claim is worth: the policy version's amount over the claimed period, shown line by line.

Definitions (what the claim page and the ledger say too):
- The talent's *entitlement* runs from the later of 1 January of the policy's first year and the
  day the talent was introduced (``introduced_on``), for the policy's ``months`` (open-ended when
  not set), and ends early on the day a running claim was stopped (the talent left, the card was
  revoked: the end of that month).
- **monthly**: each claimed month inside the entitlement pays the monthly amount; a *part month*
  (the entitlement starts or ends inside it) pays by calendar days: amount × covered days ÷ days
  of that month, rounded half-up to the fen (0.01 元).
- **yearly**: each calendar year touched pays the yearly amount for a whole year, otherwise
  amount × covered days ÷ days of that year, rounded the same way.
- **once**: the amount, once, when the claimed month lies in the entitlement.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    label: str  # 2026-03
    text: str  # 整月 / 18/31 天
    amount: Decimal


@dataclass(frozen=True)
class Computation:
    total: Decimal
    lines: list[Line]
    entitlement_from: date
    entitlement_to: date | None


def quantize(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def entitlement(
    first_year: int, introduced_on: date | None, months: int | None, stopped_on: date | None = None
) -> tuple[date, date | None]:
    start = max(date(first_year, 1, 1), introduced_on or date(first_year, 1, 1))
    end = add_months(start, months) - timedelta(days=1) if months else None
    if stopped_on is not None:
        end = min(end, stopped_on) if end else stopped_on
    return start, end


def _overlap(a: date, b: date, start: date, end: date | None) -> int:
    low, high = max(a, start), min(b, end) if end else b
    return max(0, (high - low).days + 1)


def _months(period_from: date, period_to: date):
    day = period_from.replace(day=1)
    while day <= period_to:
        yield day, month_end(day)
        day = add_months(day, 1)


def compute(
    period: str,
    amount: Decimal,
    first_year: int,
    months: int | None,
    introduced_on: date | None,
    period_from: date,
    period_to: date,
    stopped_on: date | None = None,
) -> Computation:
    """``period_from``/``period_to``: the first day of the first month and the last day of the last."""
    amount = Decimal(amount)
    start, end = entitlement(first_year, introduced_on, months, stopped_on)
    lines: list[Line] = []
    if period == "monthly":
        for first, last in _months(period_from, period_to):
            days, covered = (last - first).days + 1, _overlap(first, last, start, end)
            if covered == days:
                lines.append(Line(f"{first:%Y-%m}", "整月", quantize(amount)))
            elif covered:
                lines.append(
                    Line(f"{first:%Y-%m}", f"{covered}/{days} 天", quantize(amount * covered / days))
                )
            else:
                lines.append(Line(f"{first:%Y-%m}", "不在享受期内", Decimal("0.00")))
    elif period == "yearly":
        for year in range(period_from.year, period_to.year + 1):
            first, last = max(date(year, 1, 1), period_from), min(date(year, 12, 31), period_to)
            days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
            covered = _overlap(first, last, start, end)
            if covered == days:
                lines.append(Line(str(year), "全年", quantize(amount)))
            else:
                lines.append(
                    Line(
                        str(year),
                        f"{covered}/{days} 天" if covered else "不在享受期内",
                        quantize(amount * covered / days),
                    )
                )
    else:  # once
        inside = _overlap(period_from, period_to, start, end) > 0
        lines.append(
            Line(
                f"{period_from:%Y-%m}",
                "一次性" if inside else "不在享受期内",
                quantize(amount) if inside else Decimal("0.00"),
            )
        )
    return Computation(quantize(sum((line.amount for line in lines), Decimal("0"))), lines, start, end)
