"""The dashboard's maintained figures: equal to a grouping over every talent after any mix of
changes, rebuilt by ``flask rebuild-summaries``, and never losing a concurrent update."""
import os
import threading
from collections import Counter

import pytest
from sqlalchemy import select

from talent.extensions import db
from talent.registry import figures
from talent.registry import operations as registry
from talent.registry.models import Talent, TalentFigure
from tests.factories import TalentFactory, UserFactory, talent_values


def test_maintained_figures_equal_a_rebuild_after_mixed_changes(app, runner):
    clerk = UserFactory(role="org")
    kept, moved = TalentFactory(), TalentFactory()
    leaving = TalentFactory(nationality="US", source="introduced")
    registry.update_talent(clerk, moved, {"id_number": moved.id_number, "field": "biomedicine",
                                          "education": "doctorate"})
    registry.update_talent(clerk, kept, {"id_number": kept.id_number, "phone": "13900000000"})
    registry.mark_left(clerk, leaving)
    registry.create_talents(clerk, [talent_values(category="young"), talent_values(source="introduced"),
                                    talent_values(status="left")])
    gone = TalentFactory(category="leading")
    db.session.flush()
    db.session.delete(gone)
    db.session.commit()
    maintained = figures.counted()
    assert maintained == figures.grouped()
    assert sum(maintained.values()) == 6
    summary = registry.talent_summary()
    assert (summary["active"], summary["left"], summary["foreign"], summary["introduced"]) == (4, 2, 0, 1)
    db.session.execute(TalentFigure.__table__.update().values(n=99))  # damaged: rebuild repairs it
    db.session.commit()
    result = runner.invoke(args=["rebuild-summaries"])
    assert result.exit_code == 0 and "registry.talent_figures:" in result.output
    assert figures.counted() == maintained


def test_two_transactions_adding_to_one_counter_lose_nothing(app, db_backend):
    if db_backend != "postgresql":
        pytest.skip("SQLite has one writer at a time; the race needs two")
    key = ("active", "none", "bamboo_wood", "master", "local", False)
    first, second = db.engine.connect(), db.engine.connect()
    try:
        first.begin()
        figures.apply_deltas(first, Counter({key: 1}))  # holds the row (or the key) until commit
        done = threading.Event()

        def other():
            with second.begin():
                figures.apply_deltas(second, Counter({key: 1}))  # waits for the first, then adds
            done.set()

        thread = threading.Thread(target=other)
        thread.start()
        assert not done.wait(0.5)  # blocked by the first transaction, not reading a stale value
        first.commit()
        thread.join(10)
        assert done.is_set()
    finally:
        first.close()
        second.close()
    stored = db.session.scalar(select(TalentFigure.n).where(TalentFigure.status == "active",
                                                            TalentFigure.category == "none"))
    assert stored == 2
    assert db.session.scalar(select(Talent.id).limit(1)) is None  # counters only, no talents made


def _real_deadlock() -> Exception:
    """Two transactions taking two counter rows in opposite orders, as two imports flushing
    their batches could: PostgreSQL aborts one of them. Returns the error that one got."""
    first_key = ("active", "none", "bamboo_wood", "master", "local", False)
    second_key = ("active", "none", "biomedicine", "master", "local", False)
    first, second = db.engine.connect(), db.engine.connect()
    errors: list[Exception] = []

    def take(connection, key):
        try:
            figures.apply_deltas(connection, Counter({key: 1}))
        except Exception as error:  # the one PostgreSQL picked as the victim
            errors.append(error)
            connection.rollback()

    try:
        pids = []
        for connection in (first, second):
            connection.begin()
            connection.exec_driver_sql("SET LOCAL deadlock_timeout = '100ms'")
            pids.append(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar())
        take(first, first_key)
        take(second, second_key)
        assert not errors
        # Each now waits for the row the other holds: a cycle.
        waiting = [threading.Thread(target=take, args=(first, second_key)),
                   threading.Thread(target=take, args=(second, first_key))]
        for thread in waiting:
            thread.start()
        for thread in waiting:
            thread.join(10)
        if any(thread.is_alive() for thread in waiting):  # never detected: fail, do not hang
            with db.engine.connect() as third:
                for pid in pids:
                    third.exec_driver_sql(f"SELECT pg_cancel_backend({int(pid)})")
            for thread in waiting:
                thread.join(10)
        for connection in (first, second):
            if connection.in_transaction():
                connection.rollback()
    finally:
        first.close()
        second.close()
    assert len(errors) == 1, errors
    return errors[0]


def test_a_deadlock_on_the_counters_is_a_retry_not_a_500_and_saves_nothing(
        app, db_backend, client, api_token, monkeypatch):
    """What the user sees when PostgreSQL breaks a deadlock on the counter rows: the request is
    refused as "try again" (503, Retry-After), and nothing of it is kept."""
    if db_backend != "postgresql":
        pytest.skip("SQLite has one writer at a time; it cannot deadlock")
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        # The throwaway server inherits libfaketime, under which its deadlock timer never fires
        # (seen: both sides waiting for 12 minutes). The handler is the same on any date.
        pytest.skip("PostgreSQL's deadlock detection does not run under libfaketime")
    from sqlalchemy.exc import OperationalError

    from talent.core.errors import CLASH_MESSAGE
    from tests.registry.test_api import NEW

    deadlock = _real_deadlock()
    assert isinstance(deadlock, OperationalError) and deadlock.orig.sqlstate == "40P01"
    headers = api_token("org")

    def victim(connection, deltas):
        raise deadlock

    monkeypatch.setattr(figures, "apply_deltas", victim)  # this request is the one aborted
    response = client.post("/api/v1/talents", json=NEW, headers=headers)
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"]["message"] == CLASH_MESSAGE
    assert response.headers["Retry-After"] == "1"
    assert db.session.scalar(select(Talent.id).where(Talent.name == NEW["name"])) is None
    monkeypatch.undo()
    assert client.post("/api/v1/talents", json=NEW, headers=headers).status_code == 201  # the retry
