"""``service_figures``, kept in step with the service requests in the same transaction.

A request counts in (at most) two day rows: as received on the day it was filed
(``handling_days = NO_DAYS``), and — once completed — as completed on the day of its last
completion, under its handling working days, with its on-time flag, rating and "ever reopened";
and in the month rows of those days alike, so a year's figures sum twelve months' rows.
Every flush that files, changes or deletes a request subtracts the old contribution of each
changed request and adds its new one (``core.counters.add_counts``: sorted, added by the
database). The columns that decide a contribution load their old value when set
(``active_history`` on the model), so the old contribution is always known here.

Rows written around the ORM (a bulk load with Core, a restore) are not counted:
``flask rebuild-summaries`` recomputes the table (``rebuild``) with the grouping ``grouped_rows``,
the same one the migration filled it with and the one the tests compare the counters with.
"""
from collections import defaultdict

from sqlalchemy import Date, case, cast, delete, event, func, insert, literal_column, select, union_all
from sqlalchemy.orm import Session

from talent.core.counters import add_counts, changed, values_before, values_now
from talent.extensions import db
from talent.services.models import NO_DAYS, ServiceFigure, ServiceRequest

KEY = ["span", "day", "unit_id", "type_id", "handling_days"]
COUNTS = ["received", "completed", "on_time", "rating_sum", "rated", "reopened"]
WATCHED = ("filed_on", "completed_on", "handling_days", "on_time", "rating", "reopen_count", "unit_id",
           "type_id")


def _contribution(values) -> dict[tuple, list[int]]:
    """What a request with these column values adds to ``service_figures``: key → counts."""
    rows: dict[tuple, list[int]] = {}
    unit_id, type_id = values["unit_id"], values["type_id"]
    if values["filed_on"] is not None:
        rows[(values["filed_on"], unit_id, type_id, NO_DAYS)] = [1, 0, 0, 0, 0, 0]
    if values["completed_on"] is not None:
        days = values["handling_days"]
        key = (values["completed_on"], unit_id, type_id, NO_DAYS if days is None else days)
        rating = values["rating"]
        completion = [0, 1, int(values["on_time"] is True), rating or 0, int(rating is not None),
                      int((values["reopen_count"] or 0) > 0)]
        rows[key] = [a + b for a, b in zip(rows.get(key, [0] * 6), completion, strict=True)]
    return rows


@event.listens_for(Session, "before_flush")
def _load_deleted(session: Session, _context, _instances) -> None:
    """A request about to be deleted: its counted values, read while its row is still there
    (an expired one could not load them after the DELETE)."""
    for obj in session.deleted:
        if isinstance(obj, ServiceRequest):
            values_now(obj, WATCHED)


@event.listens_for(Session, "after_flush")
def _count_changes(session: Session, _context) -> None:
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0] * 6)

    def add(values, sign: int) -> None:
        for key, counts in _contribution(values).items():
            deltas[key] = [d + sign * c for d, c in zip(deltas[key], counts, strict=True)]

    new = session.new  # a new set at each access: once, not once per changed row
    for obj in new:
        if isinstance(obj, ServiceRequest):
            add(values_now(obj, WATCHED), 1)
    for obj in session.dirty:
        if isinstance(obj, ServiceRequest) and obj not in new and changed(obj, WATCHED):
            add(values_before(obj, WATCHED), -1)
            add(values_now(obj, WATCHED), 1)
    for obj in session.deleted:
        if isinstance(obj, ServiceRequest):
            add(values_before(obj, WATCHED), -1)
    if not deltas:
        return
    # Each day's change goes to its day's row and its month's.
    spans: dict[tuple, dict[str, int]] = {}
    for (day, *rest), counts in deltas.items():
        for key in (("day", day, *rest), ("month", day.replace(day=1), *rest)):
            total = spans.setdefault(key, dict.fromkeys(COUNTS, 0))
            for column, n in zip(COUNTS, counts, strict=True):
                total[column] += n
    add_counts(session.connection(), ServiceFigure.__table__, KEY, spans)


# Inline, not a bound parameter: PostgreSQL matches a grouped expression by its text, and the same
# parameter rendered twice ($1, $2) would not match itself.
NO_DAYS_SQL = str(NO_DAYS)


def handling_days_key():
    """A request's handling days as ``service_figures`` keys them (``NO_DAYS`` when unknown)."""
    return func.coalesce(ServiceRequest.handling_days, literal_column(NO_DAYS_SQL))


def grouped_rows():
    """``service_figures``'s day rows computed by grouping every request: a SELECT of KEY + COUNTS."""
    r = ServiceRequest
    zero = literal_column("0")
    filed = select(literal_column("'day'").label("span"), r.filed_on.label("day"), r.unit_id, r.type_id,
                   literal_column(NO_DAYS_SQL).label("handling_days"), func.count().label("received"),
                   *(zero.label(c) for c in COUNTS[1:])).group_by(r.filed_on, r.unit_id, r.type_id)
    days = handling_days_key()
    completed = select(
        literal_column("'day'"), r.completed_on, r.unit_id, r.type_id, days, zero, func.count(),
        func.sum(case((r.on_time.is_(True), 1), else_=0)), func.coalesce(func.sum(r.rating), 0),
        func.count(r.rating), func.sum(case((r.reopen_count > 0, 1), else_=0)),
    ).where(r.completed_on.is_not(None)).group_by(r.completed_on, r.unit_id, r.type_id, days)
    both = union_all(filed, completed).subquery()
    return select(*(both.c[c] for c in KEY), *(func.sum(both.c[c]).label(c) for c in COUNTS)
                  ).group_by(*(both.c[c] for c in KEY))


def _month_rows():
    """The month rows summed from the day rows: a SELECT of KEY + COUNTS."""
    f = ServiceFigure
    if db.session.connection().dialect.name == "postgresql":
        month = cast(func.date_trunc(literal_column("'month'"), f.day), Date)
    else:
        month = func.date(f.day, literal_column("'start of month'"))
    key = (month, f.unit_id, f.type_id, f.handling_days)
    return (select(literal_column("'month'"), *key, *(func.sum(getattr(f, c)) for c in COUNTS))
            .where(f.span == "day").group_by(*key))


def grouped() -> dict[tuple, tuple[int, ...]]:
    """The figures grouped over every request — the day rows, and the month rows as their sums:
    what ``rebuild`` stores, what the maintained counters must equal."""
    rows: dict[tuple, tuple[int, ...]] = {}
    for row in db.session.execute(grouped_rows()):
        counts = tuple(int(n) for n in row[5:])
        rows[tuple(row[:5])] = counts
        month = ("month", row.day.replace(day=1), *row[2:5])
        rows[month] = tuple(a + b for a, b in zip(rows.get(month, (0,) * 6), counts, strict=True))
    return rows


def counted() -> dict[tuple, tuple[int, ...]]:
    """The maintained figures, without rows that have come down to nothing."""
    table = ServiceFigure.__table__
    rows = db.session.execute(select(*(table.c[c] for c in KEY + COUNTS)))
    return {tuple(row[:5]): tuple(row[5:]) for row in rows if any(row[5:])}


def rebuild() -> int:
    """Recompute ``service_figures`` from the requests (the day rows in one INSERT … SELECT, the
    month rows in another from them); returns its rows."""
    db.session.execute(delete(ServiceFigure))
    db.session.execute(insert(ServiceFigure).from_select(KEY + COUNTS, grouped_rows()))
    db.session.execute(insert(ServiceFigure).from_select(KEY + COUNTS, _month_rows()))
    db.session.flush()
    return db.session.scalar(select(func.count()).select_from(ServiceFigure)) or 0
