"""The dashboard's maintained figures: equal to a grouping over every talent after any mix of
changes, rebuilt by ``flask rebuild-summaries``, and never losing a concurrent update."""
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
