"""待遇兑现统计 from maintained per-year counters instead of a grouping per page view.

``benefit_figures`` holds per year × unit × kind the redemptions and the people they went to;
``benefit_recipients`` remembers who has been counted, so a person's second redemption of the
year adds to ``times`` only. Each flush that records (or, outside the application's own
operations, changes or deletes) a redemption adjusts both in the same transaction:
- an arrival inserts its recipient row with ``ON CONFLICT DO NOTHING`` — a row inserted is a new
  person — and adds one redemption (``core.counters.add_counts``: added by the database);
- a departure removes the recipient row when no redemption of theirs is left in the group.
``flask rebuild-summaries`` recomputes both tables from the redemptions (``rebuild``).
"""
from collections import defaultdict
from datetime import date

from sqlalchemy import Integer, cast, delete, event, exists, extract, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from talent.benefits.models import BenefitFigure, BenefitRecipient, Redemption
from talent.core.counters import add_counts, changed, values_before, values_now
from talent.extensions import db

GROUP = ["year", "unit_id", "kind"]
WATCHED = ("redeemed_on", "unit_id", "kind", "talent_id")


def _who(values) -> tuple:
    """(year, unit, kind, talent) of a redemption with these values."""
    return values["redeemed_on"].year, values["unit_id"], values["kind"], values["talent_id"]


def _now(obj: Redemption) -> tuple:
    return _who(values_now(obj, WATCHED))


def _before(obj: Redemption) -> tuple:
    return _who(values_before(obj, WATCHED))


def _remember(connection, who: tuple) -> bool:
    """Record a recipient; True when they were not counted yet."""
    insert_ = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    row = dict(zip([*GROUP, "talent_id"], who, strict=True))
    statement = insert_(BenefitRecipient).values(row).on_conflict_do_nothing()
    return connection.execute(statement.returning(BenefitRecipient.talent_id)).first() is not None


def _forget(connection, who: tuple) -> bool:
    """Drop a recipient who has no redemption left in the group; True when dropped."""
    year, unit_id, kind, talent_id = who
    r, b = Redemption, BenefitRecipient
    left = exists().where(r.talent_id == talent_id, r.unit_id == unit_id, r.kind == kind,
                          r.redeemed_on.between(date(year, 1, 1), date(year, 12, 31)))
    return connection.execute(delete(b).where(
        b.year == year, b.unit_id == unit_id, b.kind == kind, b.talent_id == talent_id, ~left)
        .returning(b.talent_id)).first() is not None


@event.listens_for(Session, "before_flush")
def _load_deleted(session: Session, _context, _instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, Redemption):
            _now(obj)  # read while the row is there


@event.listens_for(Session, "after_flush")
def _count_changes(session: Session, _context) -> None:
    arrivals, departures = [], []
    new = session.new  # a new set at each access: once, not once per changed row
    for obj in new:
        if isinstance(obj, Redemption):
            arrivals.append(_now(obj))
    for obj in session.dirty:
        if isinstance(obj, Redemption) and obj not in new and changed(obj, WATCHED):
            departures.append(_before(obj))
            arrivals.append(_now(obj))
    for obj in session.deleted:
        if isinstance(obj, Redemption):
            departures.append(_before(obj))
    if not (arrivals or departures):
        return
    connection = session.connection()
    deltas: dict[tuple, dict[str, int]] = defaultdict(lambda: {"times": 0, "people": 0})
    for who in sorted(departures):  # in key order, like the counters: no deadlock between two
        deltas[who[:3]]["times"] -= 1
        deltas[who[:3]]["people"] -= _forget(connection, who)
    for who in sorted(arrivals):
        deltas[who[:3]]["times"] += 1
        deltas[who[:3]]["people"] += _remember(connection, who)
    add_counts(connection, BenefitFigure.__table__, GROUP, deltas)


def _year_of():
    return cast(extract("year", Redemption.redeemed_on), Integer)


def grouped() -> dict[tuple, tuple[int, int]]:
    """(year, unit, kind) → (times, people), grouped over every redemption."""
    year = _year_of()
    r = Redemption
    query = select(year, r.unit_id, r.kind, func.count(), func.count(r.talent_id.distinct())).group_by(
        year, r.unit_id, r.kind)
    rows = db.session.execute(query)
    return {(int(y), unit, kind): (times, people) for y, unit, kind, times, people in rows}


def counted() -> dict[tuple, tuple[int, int]]:
    f = BenefitFigure
    return {(y, unit, kind): (times, people) for y, unit, kind, times, people in db.session.execute(
        select(f.year, f.unit_id, f.kind, f.times, f.people)) if times or people}


def rebuild() -> dict[str, int]:
    """Recompute both tables from the redemptions, each in one INSERT … SELECT."""
    year = _year_of()
    r = Redemption
    db.session.execute(delete(BenefitFigure))
    db.session.execute(delete(BenefitRecipient))
    db.session.execute(insert(BenefitRecipient).from_select(
        [*GROUP, "talent_id"], select(year, r.unit_id, r.kind, r.talent_id).distinct()))
    db.session.execute(insert(BenefitFigure).from_select(
        [*GROUP, "times", "people"],
        select(year, r.unit_id, r.kind, func.count(), func.count(r.talent_id.distinct()))
        .group_by(year, r.unit_id, r.kind)))
    db.session.flush()
    return {table.__tablename__: db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in (BenefitFigure, BenefitRecipient)}
