"""Backup and restore drill: write, back up, write more, restore → exactly the backed-up state."""
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from talent.core import backup as backups
from talent.extensions import db
from talent.registry import operations as registry
from talent.registry.models import Talent
from tests.factories import TalentFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _state() -> dict:
    """Every row of every table, in a stable order."""
    db.session.expire_all()
    state = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(table.select().order_by(*table.primary_key.columns)).all()
            state[table.name] = [tuple(row) for row in rows]
    return state


def test_restore_brings_back_exactly_the_backed_up_state(app, runner, tmp_path):
    clerk = UserFactory(role="org")
    kept = TalentFactory(name="欧阳湘云", employer="双牌县虎杖生物科技有限公司")
    db.session.commit()
    registry.update_talent(clerk, kept, {"id_number": kept.id_number, "title_name": "研究员"})
    db.session.commit()
    kept_id, clerk_id = kept.id, clerk.id
    before = _state()
    target = tmp_path / "drill" / "before.bak"
    result = runner.invoke(args=["backup", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.exists() and (target.stat().st_mode & 0o777) == 0o600

    again = db.session.get(Talent, kept_id)
    registry.update_talent(db.session.get(type(clerk), clerk_id), again,
                           {"id_number": again.id_number, "employer": "改过的单位"})
    TalentFactory(name="后来登记的人")
    db.session.commit()
    assert _state() != before

    refused = runner.invoke(args=["restore", str(target)], input="n\n")
    assert refused.exit_code != 0 and _state() != before
    result = runner.invoke(args=["restore", str(target), "--yes", "--dir", str(tmp_path / "safety")])
    assert result.exit_code == 0, result.output
    assert _state() == before
    employer = db.session.scalar(select(Talent.employer).where(Talent.id == kept_id))
    assert employer == "双牌县虎杖生物科技有限公司"
    # what the restore replaced was kept too
    assert len(list((tmp_path / "safety").iterdir())) == 1


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    bogus = tmp_path / "bogus.bak"
    bogus.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0 and "不是" in result.output


def test_backup_keeps_only_the_newest(runner, tmp_path):
    for _ in range(3):
        assert runner.invoke(args=["backup", "--dir", str(tmp_path), "--keep", "2"]).exit_code == 0
    assert len(list(tmp_path.glob("talent-*"))) == 2


def test_sqlite_backup_is_consistent_while_the_app_keeps_writing(app, tmp_path, db_backend):
    if db_backend != "sqlite":
        pytest.skip("pg_dump takes a snapshot by itself")
    TalentFactory()
    db.session.commit()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    stop = threading.Event()
    written = []

    def writer():
        with app.app_context():
            while not stop.is_set():
                TalentFactory()
                db.session.commit()
                written.append(1)
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = [backups.backup(url, tmp_path / f"copy-{n}.sqlite") for n in range(3)]
    finally:
        stop.set()
        thread.join()
    assert written, "the writer never ran"
    for copy in copies:
        with sqlite3.connect(copy) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            talents = connection.execute("SELECT count(*) FROM talents").fetchone()[0]
            audited = connection.execute("SELECT count(*) FROM audit_entries").fetchone()[0]
            assert talents >= 1 and audited >= 0


def test_make_clean_db_keeps_a_backup(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    database = tmp_path / "talent.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT)")
        connection.execute("INSERT INTO users (username) VALUES ('zzb')")
    result = subprocess.run(["make", "-s", "clean-db", f"DB_FILE={database}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert not database.exists()
    (kept,) = (tmp_path / "backups").glob("talent-*.sqlite")
    with sqlite3.connect(kept) as connection:
        assert connection.execute("SELECT username FROM users").fetchall() == [("zzb",)]


def test_audit_trigger_survives_a_postgresql_restore(app, runner, tmp_path, db_backend):
    if db_backend != "postgresql":
        pytest.skip("PostgreSQL only")
    target = tmp_path / "pg.dump"
    assert runner.invoke(args=["backup", "--output", str(target)]).exit_code == 0
    assert runner.invoke(args=["restore", str(target), "--yes", "--dir", str(tmp_path)]).exit_code == 0
    triggers = db.session.scalar(text(
        "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_entries_append_only'"))
    assert triggers == 1
