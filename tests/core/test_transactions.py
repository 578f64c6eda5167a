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


# --- a worker killed half-way through a big import ----------------------------------------------

KILLED_IMPORT = r"""
import sys, tempfile, threading
from datetime import date, timedelta
from talent import create_app
from talent.core import audit
from talent.core.spreadsheet import SheetRows
from talent.registry.spreadsheet import import_talents
from tests.factories import resident_id

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "k" * 40,
                  "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}, instance_path=tempfile.mkdtemp())
rows = [(n + 2, {"姓名": "李明", "证件号码": resident_id(date(1970, 1, 1) + timedelta(days=n), sequence=7),
                 "学历": "硕士研究生", "工作单位": "湖南双牌竹木科技有限公司",
                 "专业领域": "农林产品(竹木)精深加工"}) for n in range(int(sys.argv[2]))]
real_record_many = audit.record_many

def record_then_hang(actor, action, items):
    real_record_many(actor, action, items[: len(items) // 2])  # every talent, half the audit rows
    from talent.extensions import db
    db.session.flush()
    print("written", flush=True)
    threading.Event().wait()  # until killed (no timed sleep: it works under any clock)

audit.record_many = record_then_hang
with app.app_context():
    import_talents(None, SheetRows(headers=[], rows=rows))
"""


def test_a_killed_import_leaves_nothing_behind(app, database_url):
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT, database_url, "400"], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(root)})
    try:
        line = child.stdout.readline()
        assert line.strip() == "written", child.stderr.read()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    db.session.rollback()
    assert db.session.scalar(select(func.count(Talent.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_an_import_audits_each_talent_it_creates(app, make_user):
    from talent.core.spreadsheet import SheetRows
    from talent.registry.spreadsheet import import_talents

    clerk = make_user("org")
    rows = [(n + 2, {"姓名": name, "证件号码": resident_id(), "学历": "硕士研究生",
                     "工作单位": "湖南双牌竹木科技有限公司", "专业领域": "农林产品(竹木)精深加工"})
            for n, name in enumerate(["李明", "唐志刚", "欧阳湘云"])]
    report = import_talents(clerk, SheetRows(headers=[], rows=rows))
    db.session.commit()
    assert report.ok and len(report.created) == 3
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.object_id)).all()
    assert [(e.action, e.object_type, e.object_id, e.actor_id, e.summary) for e in entries] == [
        ("create", "talents", t.id, clerk.id, t.name) for t in report.created]
    assert entries[0].changes["name"] == [None, "李明"]
    assert entries[0].changes["id_number"][1].count("*") >= 8  # masked in the log
