"""Transaction helpers shared by the features' operations."""
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from talent.extensions import db


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
