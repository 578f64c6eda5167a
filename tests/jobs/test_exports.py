"""Exports past EXPORT_SYNC_LIMIT rows leave the request: the worker writes them with progress, the
requester is told and alone can download, for 7 days."""
from datetime import date, datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.jobs import operations as jobs
from talent.jobs.models import Job
from talent.notifications.models import Notification
from tests.factories import TalentFactory


def test_a_long_export_runs_in_the_background_for_the_requester_alone(app, client, auth):
    app.config["EXPORT_SYNC_LIMIT"] = 3
    clerk = auth.login_as("org")
    names = [TalentFactory().name for _ in range(5)]
    db.session.commit()
    response = client.get("/talents/export.xlsx?status=all")
    job = db.session.scalar(select(Job))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert (job.status, job.total, job.user_id) == ("queued", 5, clerk.id)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "排队中" in page and 'id="job-progress"' in page
    assert jobs.run_next() == {"done": 1} and jobs.run_next() == {}
    db.session.expire_all()
    status = client.get(f"/jobs/{job.id}/status").get_json()
    assert status["status"] == "done" and status["percent"] == 100 and status["done"] == 5
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(BytesIO(download.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 6 and sorted(r[1] for r in rows[1:]) == sorted(names)
    note = db.session.scalar(select(Notification).where(Notification.user_id == clerk.id,
                                                        Notification.kind == "job"))
    assert "已生成" in note.title and note.link == f"/jobs/{job.id}"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.actor_id == clerk.id and entry.changes["rows"] == [None, 5]
    auth.login_as("org")  # a colleague with the same rights: not their file
    for path in ("", "/status", "/download"):
        assert client.get(f"/jobs/{job.id}{path}").status_code == 404


def test_a_short_export_still_downloads_at_once(app, client, auth):
    auth.login_as("org")
    TalentFactory()
    db.session.commit()
    response = client.get("/talents/export.xlsx?status=all")
    assert response.status_code == 200 and db.session.scalar(select(Job)) is None


def test_files_are_removed_after_seven_days(app, client, auth, clock):
    clock(datetime(2026, 12, 7, 10, 0))
    app.config["EXPORT_SYNC_LIMIT"] = 0
    auth.login_as("org")
    TalentFactory()
    db.session.commit()
    client.get("/talents/export.xlsx?status=all")
    jobs.run_next()
    job = db.session.scalar(select(Job))
    path = jobs.path_of(job)
    assert path.exists()
    clock(datetime(2026, 12, 14, 9, 59))
    assert jobs.remove_expired() == {"expired_exports": 0}
    clock(datetime(2026, 12, 14, 10, 1))
    assert jobs.remove_expired() == {"expired_exports": 1}
    assert not path.exists() and job.status == "expired"
    assert client.get(f"/jobs/{job.id}/download").status_code == 404


def test_a_job_whose_worker_died_is_taken_up_again(app, clock):
    from tests.factories import UserFactory

    clock(datetime(2026, 12, 7, 10, 0))
    owner = UserFactory(role="org")
    job = jobs.submit(owner, "registry.talents_export", {"args": {"status": "all"}})
    db.session.commit()
    _token, claimed = jobs.claim()
    assert claimed == job.id and jobs.claim()[1] is None  # running: no one else takes it
    clock(datetime(2026, 12, 7, 10, 0) + timedelta(minutes=jobs.LEASE_MINUTES + 1))
    assert jobs.run_next() == {"done": 1}


def _workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    from talent.registry.spreadsheet import HEADERS

    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def _row(name: str, id_number: str) -> list:
    from talent.registry.spreadsheet import HEADERS

    values = {"姓名": name, "证件号码": id_number, "联系电话": "13874611111", "学历": "博士研究生",
              "工作单位": "双牌县虎杖生物科技有限公司", "专业领域": "生物医药"}
    return [values.get(header.rstrip("*"), "") for header in HEADERS]


def test_a_large_import_runs_in_the_background_and_reports(app, client, auth):
    from talent.registry.models import Talent
    from tests.factories import resident_id

    app.config["IMPORT_SYNC_LIMIT"] = 1
    auth.login_as("org")
    good = [_row("蒋建华", resident_id(date(1985, 3, 15), True)),
            _row("唐丽", resident_id(date(1990, 6, 1), False))]
    response = client.post("/talents/import", data={"file": (BytesIO(_workbook(good)), "人才.xlsx")},
                           content_type="multipart/form-data")
    job = db.session.scalar(select(Job))
    assert response.status_code == 302 and (job.kind, job.total) == ("registry.talents_import", 2)
    assert db.session.scalar(select(Talent).where(Talent.name == "蒋建华")) is None  # not yet
    assert jobs.run_next() == {"done": 1}
    db.session.expire_all()
    assert job.params["result"]["created"] == 2 and job.params["result"]["ok"] is True
    assert db.session.scalar(select(Talent).where(Talent.name == "蒋建华")) is not None
    assert not list((jobs.upload_root("imports")).glob(job.params["stored"]))  # file gone once read
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "共导入 2 名人才" in page

    bad = [_row("王五", "431123198503150012")]  # wrong check digit
    client.post("/talents/import", data={"file": (BytesIO(_workbook(bad * 2)), "错.xlsx")},
                content_type="multipart/form-data")
    assert jobs.run_next() == {"done": 1}
    failed = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert failed.params["result"]["ok"] is False and failed.params["result"]["errors"]
    assert db.session.scalar(select(Talent).where(Talent.name == "王五")) is None


def test_a_long_service_log_export_runs_in_the_background(app, client, auth):
    from tests.commissioners.world import make_world

    world = make_world()
    app.config["EXPORT_SYNC_LIMIT"] = 1
    clerk = auth.login_as("org")
    db.session.commit()
    short = client.get(f"/commissioners/logs/export.xlsx?commissioner_id={world.commissioner.id}")
    assert short.status_code == 200 and db.session.scalar(select(Job)) is None  # one row: at once
    response = client.get("/commissioners/logs/export.xlsx?confirmed=no")
    job = db.session.scalar(select(Job))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert (job.kind, job.total, job.user_id) == ("commissioners.logs_export", 2, clerk.id)
    assert jobs.run_next() == {"done": 1}
    db.session.expire_all()
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200 and job.filename.startswith("科技特派员服务日志-")
    rows = list(load_workbook(BytesIO(download.data), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "服务日期", "科技特派员")
    assert sorted(r[0] for r in rows[1:]) == sorted([world.log.id, world.other_log.id])
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")
                                 .order_by(AuditEntry.id)).all()
    assert [e.changes["rows"] for e in entries] == [[None, 1], [None, 2]]
    assert "后台导出" in entries[1].summary and entries[1].actor_id == clerk.id
    auth.login_as("org")  # a colleague: not their file
    assert client.get(f"/jobs/{job.id}/download").status_code == 404
