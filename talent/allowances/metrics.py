"""Yearly figures for the task tracker (item 4.1, 落实好人才引进津贴补贴政策).

The tracker's figures are plain numbers (``Metric.compute`` → float | int); the total is summed as
``Decimal`` in the database and only the final 万元 figure, rounded to the fen, becomes one."""

from decimal import Decimal

from sqlalchemy import func, select

from talent.allowances.models import AllowanceClaim
from talent.extensions import db


def paid_total(year: int) -> float:
    total = db.session.scalar(
        select(func.coalesce(func.sum(AllowanceClaim.paid_amount), 0)).where(
            AllowanceClaim.year == year, AllowanceClaim.status == "paid"
        )
    )
    return float((Decimal(total) / 10000).quantize(Decimal("0.000001")))


def talents_paid(year: int) -> int:
    return (
        db.session.scalar(
            select(func.count(func.distinct(AllowanceClaim.talent_id))).where(
                AllowanceClaim.year == year, AllowanceClaim.status == "paid"
            )
        )
        or 0
    )
