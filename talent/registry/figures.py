"""The 组织部 dashboard's figures, maintained instead of grouped per page view.

``talent_figures`` holds one row per combination of status × category × field × education ×
source × foreign with its number of talents (a few hundred rows at most). Every flush that
inserts, deletes or changes one of those columns of a talent adds its delta in the same
transaction, as ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`` (``core.counters``) —
the database adds, so two transactions moving the same counter never lose an update.

Rows written around the ORM (a bulk load with Core, a restore) are not counted:
``flask rebuild-summaries`` recomputes the table from the talents (``rebuild``).
"""
from collections import Counter

from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from talent.core.counters import add_counts, changed, values_before, values_now
from talent.extensions import db
from talent.registry.models import Talent, TalentFigure

KEY = ("status", "category", "field", "education", "source")
WATCHED = (*KEY, "nationality")


def _key_of(values) -> tuple:
    return (*(values[c] for c in KEY), values["nationality"] != "CN")


def _current(talent: Talent) -> tuple:
    return _key_of(values_now(talent, WATCHED))


def _before(talent: Talent) -> tuple:
    return _key_of(values_before(talent, WATCHED))


def _columns() -> list[str]:
    return [*KEY, "is_foreign"]


def apply_deltas(connection, deltas: Counter) -> None:
    add_counts(connection, TalentFigure.__table__, _columns(), {key: {"n": n} for key, n in deltas.items()})


@event.listens_for(Session, "after_flush")
def _count_changes(session: Session, _context) -> None:
    deltas: Counter = Counter()
    new = session.new  # a new set at each access: once, not once per changed talent
    for obj in new:
        if isinstance(obj, Talent):
            deltas[_current(obj)] += 1
    for obj in session.dirty:
        if isinstance(obj, Talent) and obj not in new and changed(obj, WATCHED):
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
