"""Reads that may come from a PostgreSQL streaming replica (``DATABASE_REPLICA_URL``).

Only views marked :func:`reads_replica` — statistics, dashboards, exports — read the replica;
every other request, and every write anywhere, uses the primary. Inside a marked request the
session routes each statement (:class:`RoutingSession`): INSERT/UPDATE/DELETE, ``FOR UPDATE``
and everything after the request's first flush go to the primary, plain SELECTs to the replica.

Read your writes: a request that wrote keeps the primary's WAL position after its commit in the
user's session (``_wal``). A marked request reads the replica only once the replica has replayed
up to that position; until then that user's pages come from the primary, so nobody misses what
they have just saved, however far the replica lags.

When the replica lags (by ``REPLICA_LAG_NOTICE_SECONDS`` or more, 30 s by default), a page still reads it
and says how old its figures are: lag comes with load on the primary (a long write burst, a
standby query conflict), and sending the heaviest pages back to the primary then would add to
that load; statistics a minute old, labelled as such, serve 组织部 well. An export has no place
to say so — a file outlives the page — so an export (``reads_replica(exact=True)``) reads the
primary instead when the replica lags. A replica that cannot be reached is left alone for
half a minute (``RETRY_SECONDS``) while the primary answers.
"""
import functools
import logging
import time
from datetime import UTC

from flask import current_app, g, has_request_context, request, session
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, event, text
from sqlalchemy.sql.dml import UpdateBase

EXTENSION = "talent_replica"
RETRY_SECONDS = 30  # after the replica could not be reached, the primary answers this long
log = logging.getLogger(__name__)

# Behind: WAL received but not yet replayed; then the figures are as of the last replayed
# transaction, and the lag is that commit time (the primary's clock) against the replica's
# clock — both database servers', never the app server's.
_STATE = text(
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, behind.since, "
    "       extract(epoch FROM now() - behind.since) "
    "FROM (SELECT CASE WHEN pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn() "
    "                  THEN pg_last_xact_replay_timestamp() END AS since) AS behind")


def replica_url(raw: str) -> str:
    """``DATABASE_REPLICA_URL`` in the driver form the app uses (as ``DATABASE_URL``)."""
    raw = (raw or "").strip()
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def _engine():
    """The replica's engine, made on first use (None when no replica is configured)."""
    url = current_app.config.get("DATABASE_REPLICA_URL")
    if not url:
        return None
    engines = current_app.extensions.setdefault(EXTENSION, {})
    if url not in engines:
        engines[url] = create_engine(url, pool_pre_ping=True, pool_size=5,
                                     connect_args={"connect_timeout": 3})
    return engines[url]


def _lsn_value(lsn: str) -> int:
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, sending a marked request's plain reads to the replica."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and has_request_context() and g.get("replica_engine") is not None:
            writes = (self._flushing or isinstance(clause, UpdateBase)
                      or getattr(clause, "_for_update_arg", None) is not None)
            if not writes:
                return g.replica_engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@event.listens_for(RoutingSession, "after_flush")
def _wrote(_session, _context):
    if has_request_context():
        g.replica_wrote = True
        g.pop("replica_engine", None)  # the rest of this request reads its own writes


def _use_replica(exact: bool) -> None:
    g.pop("replica_as_of", None)
    engine = _engine()
    if engine is None or current_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    down = current_app.extensions.setdefault(EXTENSION + ".down", {})
    if down.get(engine.url, 0.0) > time.monotonic():
        return
    try:
        with engine.connect() as connection:
            in_recovery, replayed, behind_since, lag = connection.execute(_STATE).one()
    except Exception:
        # Not tried again for a while: every marked page would otherwise wait for the timeout.
        down[engine.url] = time.monotonic() + RETRY_SECONDS
        log.exception("read replica unreachable; reading the primary for %s s", RETRY_SECONDS)
        return
    written = session.get("_wal")
    if written and in_recovery:
        if replayed is None or _lsn_value(replayed) < _lsn_value(written):
            return  # this user's own last write is not on the replica yet
        session.pop("_wal", None)
    # Behind by at least the threshold; a negative lag is the two servers' clocks disagreeing.
    if in_recovery and behind_since is not None \
            and max(0.0, float(lag)) >= current_app.config["REPLICA_LAG_NOTICE_SECONDS"]:
        if exact:
            return
        g.replica_as_of = behind_since.astimezone(UTC).replace(tzinfo=None)
    g.replica_engine = engine


def reads_replica(view=None, *, exact: bool = False):
    """Mark a view that only reads as one the replica may answer (see the module's note)."""
    def mark(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            _use_replica(exact)
            try:
                return function(*args, **kwargs)
            finally:
                g.pop("replica_engine", None)
        return wrapper
    return mark(view) if view is not None else mark


def remember_writes(response):
    """After a request that wrote: the primary's WAL position, for the user's next reads."""
    # API clients carry no session cookie (a token instead) and read no marked view.
    if g.pop("replica_wrote", False) and current_app.config.get("DATABASE_REPLICA_URL") \
            and not current_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") \
            and not request.path.startswith("/api/"):
        from talent.extensions import db

        try:
            # The insert position: it includes this request's commit record even when commits are
            # asynchronous (synchronous_commit=off), where the write position may not yet.
            lsn = db.session.execute(text("SELECT pg_current_wal_insert_lsn()::text")).scalar()
            db.session.rollback()
        except Exception:
            log.exception("could not read the primary's WAL position")
            return response
        session["_wal"] = lsn
    return response


def _forget_previous_request() -> None:
    for key in ("replica_engine", "replica_as_of", "replica_wrote"):
        g.pop(key, None)


def install(app) -> None:
    app.before_request(_forget_previous_request)
    app.after_request(remember_writes)

    @app.context_processor
    def replica_notice():
        return {"replica_as_of": g.get("replica_as_of")}
