"""Unbound extension objects; ``create_app`` binds them."""
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from talent.core.replica import RoutingSession

# Stable constraint names let Alembic alter SQLite tables in batch mode.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Statistics, dashboards and exports may read a streaming replica (core/replica.py).
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()


# How long a write waits for SQLite's write lock before the app answers "busy, try again".
SQLITE_BUSY_TIMEOUT_MS = 5000


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__ == "sqlite3"


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, _record):
    """WAL for concurrent readers, enforced foreign keys, and a wait instead of 'database is locked'.

    The driver's own transaction handling is switched off (``isolation_level = None``) and
    ``_begin_sqlite`` below begins transactions instead: pysqlite emitted ``BEGIN`` only before
    INSERT/UPDATE/DELETE, never before ``SAVEPOINT``, so a ``RELEASE SAVEPOINT`` committed on
    its own and a later rollback kept half a request's work (SQLAlchemy documents the problem
    and this kind of fix under "Serializable isolation / Savepoints / Transactional DDL").
    """
    if not _is_sqlite(dbapi_connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten content is zeroed, not left in free pages: personal data removed
    # or replaced (a number re-encrypted, a record's old version) is gone from the file too.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


# Statements that only read (or begin by themselves); anything else — INSERT, UPDATE, DELETE,
# SAVEPOINT, DDL — writes.
_READS = ("SELECT", "PRAGMA", "EXPLAIN", "BEGIN")


@event.listens_for(Engine, "before_cursor_execute")
def _begin_sqlite(connection, cursor, statement, _parameters, _context, _executemany):
    """On SQLite, the first statement that writes — or opens a savepoint — begins a real
    transaction; everything up to commit or rollback is then one unit, savepoints nested in it.

    ``BEGIN IMMEDIATE`` takes the write lock at once (waiting up to ``busy_timeout``), so a
    transaction never holds a stale read snapshot that it later fails to write from; reads
    before the first write run on their own, as pysqlite ran them, so readers never queue.
    """
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection.in_transaction or statement.lstrip()[:7].upper().startswith(_READS):
        return
    cursor.execute("BEGIN IMMEDIATE")
