"""Transaction helpers shared by the features' operations."""
from contextlib import contextmanager

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from talent.core.errors import StaleEdit
from talent.extensions import db


def check_version(obj, expected: int | None) -> None:
    """Refuse a change made from a stale copy: ``expected`` is the ``version`` the form or API
    client read (None: the caller did not say, nothing to check). The UPDATE checks again
    (``version_id_col``), for two saves in the same instant."""
    if expected is not None and expected != obj.version:
        raise StaleEdit(obj.version)


@contextmanager
def guarded_flush(on_conflict):
    """Flush inside a savepoint; a unique-constraint race becomes ``on_conflict()``'s exception.

    Operations check for duplicates before writing, but two clerks can pass that
    check at the same moment; the database's constraint is the last word. The
    savepoint keeps the request's transaction usable, so the view can still
    answer with a clear message instead of a 500.
    """
    savepoint = db.session.begin_nested()
    try:
        yield
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise on_conflict() from None
    else:
        savepoint.commit()


class _YearStarted(Exception):
    """Another request created the year's counter row at the same moment."""


def next_in_year(counter, year: int) -> int:
    """The next number of ``year`` from a per-year counter table (columns ``year``, ``last``):
    an atomic increment, so two clerks never get the same number; the year's first request
    creates the row, and one racing it takes the increment instead."""
    bump = update(counter).where(counter.year == year).values(last=counter.last + 1).returning(counter.last)
    bumped = db.session.execute(bump).scalar()
    if bumped is not None:
        return bumped
    try:
        with guarded_flush(_YearStarted):
            db.session.add(counter(year=year, last=1))
        return 1
    except _YearStarted:
        return db.session.execute(bump).scalar()
