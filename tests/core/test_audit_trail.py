"""Exports leave an audit trail, and the audit log cannot be rewritten on PostgreSQL."""
import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from talent.cards import operations as cards
from talent.core import audit
from talent.core.audit import AuditEntry
from talent.extensions import db
from tests.conftest import make_app
from tests.core.test_migrations import empty_database  # noqa: F401 - a fixture
from tests.factories import TalentFactory


def _exports():
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")
                                   .order_by(AuditEntry.id)))


def test_talent_export_is_audited_with_filters_rows_and_id_disclosure(client, auth):
    TalentFactory(field="healthcare")
    TalentFactory(field="healthcare")
    TalentFactory(field="new_energy_materials")
    db.session.commit()
    unit = auth.login_as("unit")
    assert client.get("/talents/export.xlsx?field=healthcare&q=",
                      environ_base={"REMOTE_ADDR": "10.3.3.3"}).status_code == 200
    client.post("/logout")
    org = auth.login_as("org")
    client.get("/talents/export.xlsx")
    first, second = _exports()
    assert (first.actor_id, first.object_type, first.summary, first.client) == \
        (unit.id, "talents", "科技人才信息库", "10.3.3.3")
    assert first.changes["filters"][1] == {"field": "healthcare", "sort": "-id"}
    assert first.changes["rows"][1] == 2 and first.changes["full_id_numbers"][1] is False
    assert second.actor_id == org.id and second.changes["rows"][1] == 3
    assert second.changes["full_id_numbers"][1] is True


def test_recommended_list_export_is_audited(client, auth):
    TalentFactory(education="doctorate")
    db.session.commit()
    auth.login_as("org")
    assert client.get("/cards/recommended.xlsx").status_code == 200
    (entry,) = _exports()
    assert entry.summary == "泷泊英才VIP卡推荐发放名单" and entry.changes["full_id_numbers"][1] is True
    assert entry.changes["rows"][1] == 1
    assert entry.changes["filters"][1] == {"rule_version": cards.current_rule_set().version}


def test_export_entries_read_in_the_audit_log_page(client, auth):
    auth.login_as("admin")
    client.get("/talents/export.xlsx", environ_base={"REMOTE_ADDR": "10.4.4.4"})
    page = client.get("/audit").get_data(as_text=True)
    assert "导出" in page and "科技人才信息库" in page and "10.4.4.4" in page


def _one_entry() -> int:
    entry = audit.record(None, "create", audit.Subject("talents", 0), summary="原始记录")
    db.session.commit()
    return entry.id


def test_audit_log_refuses_update_and_delete_on_postgresql(app, db_backend):
    if db_backend != "postgresql":
        pytest.skip("append-only is enforced by a PostgreSQL trigger")
    entry_id = _one_entry()
    for statement in ("UPDATE audit_entries SET summary = '篡改' WHERE id = :id",
                      "DELETE FROM audit_entries WHERE id = :id"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement), {"id": entry_id})
        db.session.rollback()
    assert db.session.get(AuditEntry, entry_id).summary == "原始记录"
    # new entries are still welcome
    assert _one_entry() > entry_id


def test_the_migration_installs_the_trigger(empty_database, db_backend):  # noqa: F811
    if db_backend != "postgresql":
        pytest.skip("append-only is enforced by a PostgreSQL trigger")
    migrated = make_app(empty_database)
    with migrated.app_context():
        upgrade()
        db.session.execute(text(
            "INSERT INTO audit_entries (at, actor_name, action, object_type, object_id, summary, "
            "changes, client) VALUES (now(), 'system', 'create', 'talents', 1, 'x', '{}', '')"))
        db.session.commit()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("DELETE FROM audit_entries"))
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_the_migration_re_masks_entries_written_before_it(empty_database):  # noqa: F811
    from flask_migrate import downgrade

    migrated = make_app(empty_database)
    with migrated.app_context():
        upgrade()
        downgrade(revision="60f63a3c657f")
        db.session.execute(text(
            "INSERT INTO audit_entries (at, actor_name, action, object_type, object_id, summary, "
            "changes) VALUES (CURRENT_TIMESTAMP, 'system', 'create', 'talents', 1, 'x', :changes)"),
            {"changes": '{"id_number": [null, "431***********0017"], "birth_date": [null, "1985-03-15"]}'})
        db.session.commit()
        upgrade()
        changes = db.session.scalar(select(AuditEntry.changes))
        assert changes == {"id_number": [None, "431*************17"], "birth_date": [None, "1985"]}
        db.session.remove()
        db.engine.dispose()
