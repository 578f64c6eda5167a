"""One request, one transaction: savepoints nest inside it on SQLite as on PostgreSQL (issue 7.1)."""
from sqlalchemy import func, select

from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.registry import operations as registry
from talent.registry.models import Talent
from tests.factories import TalentFactory, resident_id


def _values(**extra) -> dict:
    return {"name": "李明", "gender": "male", "id_type": "resident_id", "id_number": resident_id(),
            "nationality": "CN", "education": "master", "employer": "县科工信局", "field": "bamboo_wood",
            **extra}


def test_rollback_after_a_nested_flush_leaves_nothing(app):
    registry.create_talent(None, _values())  # flushes inside a savepoint
    db.session.rollback()
    assert db.session.scalar(select(func.count(Talent.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_rollback_after_a_nested_update_keeps_the_old_value(app):
    talent = TalentFactory(employer="旧单位")
    db.session.commit()
    registry.update_talent(None, talent, {**_values(id_number=talent.id_number), "employer": "新单位"})
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Talent, talent.id).employer == "旧单位"
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_work_seen_by_another_connection_only_after_commit(app):
    registry.create_talent(None, _values())
    with db.engine.connect() as other:
        assert other.scalar(select(func.count(Talent.id))) == 0
    db.session.commit()
    with db.engine.connect() as other:
        assert other.scalar(select(func.count(Talent.id))) == 1
