"""The 组织部 dashboard's figures, maintained instead of grouped per page view.

``talent_figures`` holds one row per combination of status × category × field × education ×
source × foreign with its number of talents (a few hundred rows at most). Every flush that
inserts, deletes or changes one of those columns of a talent adds its delta in the same
transaction, as ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`` — the database adds,
so two transactions moving the same counter never lose an update (PostgreSQL locks the row
for the second until the first ends, then adds to the committed value).

Rows written around the ORM (a bulk load with Core, a restore) are not counted:
``flask rebuild-summaries`` recomputes the table from the talents (``rebuild``).
"""
from collections import Counter

from sqlalchemy import delete, event, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from talent.extensions import db
from talent.registry.models import Talent, TalentFigure

KEY = ("status", "category", "field", "education", "source")
WATCHED = (*KEY, "nationality")


def _key_of(values) -> tuple:
    return (*(values[c] for c in KEY), values["nationality"] != "CN")


def _current(talent: Talent) -> tuple:
    return _key_of({c: getattr(talent, c) for c in WATCHED})


def _before(talent: Talent) -> tuple:
    """The key the talent had before this flush (history is still there in ``after_flush``)."""
    state = inspect(talent)
    values = {}
    for column in WATCHED:
        history = state.attrs[column].history
        values[column] = history.deleted[0] if history.deleted else getattr(talent, column)
    return _key_of(values)


def _changed(talent: Talent) -> bool:
    state = inspect(talent)
    return any(state.attrs[column].history.has_changes() for column in WATCHED)


def upsert(connection, table, keys: list[str], rows: list[dict], add: str | None = None,
           replace: tuple[str, ...] = ()):
    """INSERT these rows; on a key already there, ``add`` the column's new value to the stored
    one (``n = n + excluded.n``) and/or ``replace`` columns. One statement, either engine."""
    if not rows:
        return
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(rows)
    values = {c: statement.excluded[c] for c in replace}
    if add:
        values[add] = table.c[add] + statement.excluded[add]
    connection.execute(statement.on_conflict_do_update(index_elements=keys, set_=values))


def _columns() -> list[str]:
    return [*KEY, "is_foreign"]


def apply_deltas(connection, deltas: Counter) -> None:
    # Sorted, so two transactions touching the same rows lock them in the same order (no deadlock).
    rows = [dict(zip(_columns(), key, strict=True), n=n) for key, n in sorted(deltas.items()) if n]
    for row in rows:  # one statement per row: a multi-row upsert may not name a key twice
        upsert(connection, TalentFigure.__table__, _columns(), [row], add="n")


@event.listens_for(Session, "after_flush")
def _count_changes(session: Session, _context) -> None:
    deltas: Counter = Counter()
    new = session.new  # a new set at each access: once, not once per changed talent
    for obj in new:
        if isinstance(obj, Talent):
            deltas[_current(obj)] += 1
    for obj in session.dirty:
        if isinstance(obj, Talent) and obj not in new and _changed(obj):
            deltas[_before(obj)] -= 1
            deltas[_current(obj)] += 1
    for obj in session.deleted:
        if isinstance(obj, Talent):
            deltas[_before(obj)] -= 1
    if any(deltas.values()):
        apply_deltas(session.connection(), deltas)


def counted() -> dict[tuple, int]:
    """The maintained figures, without empty rows."""
    return {tuple(getattr(r, c) for c in _columns()): r.n
            for r in db.session.scalars(select(TalentFigure)) if r.n}


def grouped() -> dict[tuple, int]:
    """The same figures grouped over every talent: what ``rebuild`` stores (and a test compares)."""
    foreign = (Talent.nationality != "CN").label("is_foreign")
    query = select(*(getattr(Talent, c) for c in KEY), foreign, func.count()).group_by(
        *(getattr(Talent, c) for c in KEY), foreign)
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(query)}


def rebuild() -> int:
    """Recompute ``talent_figures`` from the talents; returns the number of rows stored."""
    figures = grouped()
    db.session.execute(delete(TalentFigure))
    db.session.flush()
    for key, n in figures.items():
        db.session.add(TalentFigure(**dict(zip(_columns(), key, strict=True)), n=n))
    db.session.flush()
    return len(figures)
