"""Maintained counters: summary rows a feature keeps in step with its data in the same transaction
as each change, so a statistics page sums a few rows instead of grouping every record.

A feature's ``after_flush`` hook works out each changed row's old and new contribution and hands
the difference to :func:`add_counts`, which adds it in the database
(``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``): two transactions moving the same
counter never lose an update, since PostgreSQL locks the row for the second until the first ends
and then adds to the committed value. Both engines, no feature imported here.
"""
from collections.abc import Iterable, Mapping

from sqlalchemy import inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def upsert(connection, table, keys: list[str], rows: list[dict], add: str | Iterable[str] | None = None,
           replace: tuple[str, ...] = ()):
    """INSERT these rows; on a key already there, ``add`` the columns' new values to the stored
    ones (``n = n + excluded.n``) and/or ``replace`` columns. One statement, either engine.

    ``connection``: a Connection (inside a flush), or the Session itself, which sends the
    statement where the session sends writes (the primary, on a page that reads a replica)."""
    if not rows:
        return
    dialect = connection.dialect if hasattr(connection, "dialect") else connection.get_bind().dialect
    insert = pg_insert if dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(rows)
    values = {c: statement.excluded[c] for c in replace}
    for column in ((add,) if isinstance(add, str) else add or ()):
        values[column] = table.c[column] + statement.excluded[column]
    connection.execute(statement.on_conflict_do_update(index_elements=keys, set_=values))


_ADDING: dict[tuple, object] = {}


def _adding(dialect: str, table, keys: tuple[str, ...], columns: tuple[str, ...]):
    """``INSERT … ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c`` for these columns, built
    once per table and shape, so every flush after the first reuses its compiled form."""
    cache_key = (dialect, table.name, keys, columns)
    if cache_key not in _ADDING:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(table)
        _ADDING[cache_key] = statement.on_conflict_do_update(
            index_elements=list(keys), set_={c: table.c[c] + statement.excluded[c] for c in columns})
    return _ADDING[cache_key]


def add_counts(connection, table, keys: list[str], deltas: Mapping[tuple, Mapping[str, int]]) -> int:
    """Add ``deltas`` (key values → {counter column: change}) to ``table``; keys whose changes are
    all zero are skipped. Returns the number of rows touched.

    Sorted, so two transactions touching the same rows lock them in the same order (no deadlock);
    the keys of a mapping are distinct, so no statement names a row twice."""
    touched = 0
    for key, changes in sorted(deltas.items()):
        if any(changes.values()):
            statement = _adding(connection.dialect.name, table, tuple(keys), tuple(changes))
            connection.execute(statement, {**dict(zip(keys, key, strict=True)), **changes})
            touched += 1
    return touched


# --- what a row counted before this flush ---------------------------------------------------------
# In ``after_flush`` the attributes' history still holds the values the flush replaced.

def values_now(obj, columns) -> dict:
    return {c: getattr(obj, c) for c in columns}


def values_before(obj, columns) -> dict:
    """The values ``obj`` had before this flush.

    A column set with no old value in its history held none the session knew of: on a row
    inserted earlier in the transaction, a column the INSERT left NULL is not in the instance at
    all. For a column mapped with ``active_history=True`` (which loads an expired old value
    before replacing it) that means NULL; for another it is unknown, and the current value is
    taken — so a counter's columns that may be NULL must be mapped with ``active_history``."""
    state = inspect(obj)
    values = {}
    for column in columns:
        history = state.attrs[column].history
        if history.deleted:
            values[column] = history.deleted[0]
        elif history.added and state.manager[column].impl.active_history:
            values[column] = None
        else:
            values[column] = getattr(obj, column)
    return values


def changed(obj, columns) -> bool:
    state = inspect(obj)
    return any(state.attrs[column].history.has_changes() for column in columns)
