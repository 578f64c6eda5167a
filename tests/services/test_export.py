"""The service-request 台账: the queue as filtered, as the clerk may see it (own unit's requests, ID
numbers masked unless the role may see them), read back with openpyxl; long lists go to the worker."""
import re
from html import unescape
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.jobs import operations as jobs
from talent.jobs.models import Job
from talent.services import operations as services
from tests.services.conftest import file_housing, in_state, sign_in, unit_user


def _rows(response) -> list[tuple]:
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))


def _export_link(client, query: str) -> str:
    page = client.get(f"/services{query}").get_data(as_text=True)
    return unescape(re.search(r'id="queue-export" href="([^"]+)"', page).group(1))


def test_the_ledger_holds_what_the_clerk_may_see_with_the_filters_of_the_page(client, people, today):
    waiting = in_state(people, "waiting_materials")
    done = in_state(people, "completed")
    school = services.file_request(people.talent_user, people.talent, services.type_by_code("education"),
                                   "子女入学", "一年级入学")  # 县教育局's, not 住建局's
    jyj = unit_user("县教育局")
    db.session.commit()
    sign_in(client, people.zjj)
    rows = _rows(client.get(_export_link(client, "")))  # the queue opens on 未办结
    assert rows[0][:5] == ("编号", "服务事项", "标题", "申请人", "证件号码")
    assert [r[0] for r in rows[1:]] == [waiting.number]
    row = dict(zip(rows[0], rows[1], strict=True))
    id_number = people.talent.id_number
    assert row["申请人"] == "李明" and row["状态"] == "待补件" and row["办理单位"] == "县住建局"
    assert row["证件号码"] == id_number[:3] + "*" * 13 + id_number[-2:]  # a unit clerk: masked
    assert row["联系电话"] == people.talent.phone
    everything = _rows(client.get(_export_link(client, "?status=")))  # 全部状态
    assert sorted(r[0] for r in everything[1:]) == sorted([waiting.number, done.number])
    completed = dict(zip(everything[0], next(r for r in everything if r[0] == done.number), strict=True))
    assert completed["按时办结"] == "是" and completed["办结日期"] is not None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.actor_id == people.zjj.id and entry.changes["rows"] == [None, 2]
    assert entry.changes["full_id_numbers"] == [None, False]

    sign_in(client, jyj)  # another unit: its own request only
    assert [r[0] for r in _rows(client.get("/services/export.xlsx?status="))[1:]] == [school.number]
    sign_in(client, people.org)  # 组织部: every unit's, ID numbers whole
    rows = _rows(client.get("/services/export.xlsx?status=&q=" + school.number))
    assert [r[0] for r in rows[1:]] == [school.number] and rows[1][4] == id_number
    sign_in(client, people.talent_user)
    assert client.get("/services/export.xlsx").status_code == 403


def test_a_long_ledger_is_written_by_the_worker_for_the_requester_alone(app, client, people, today):
    app.config["EXPORT_SYNC_LIMIT"] = 1
    numbers = [file_housing(people).number for _ in range(2)]
    db.session.commit()
    sign_in(client, people.zjj)
    response = client.get("/services/export.xlsx")
    job = db.session.scalar(select(Job))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert (job.kind, job.total, job.user_id) == ("services.requests_export", 2, people.zjj.id)
    assert job.params["args"]["unit_id"] == people.zjj.unit_id
    assert jobs.run_next() == {"done": 1}
    db.session.expire_all()
    rows = _rows(client.get(f"/jobs/{job.id}/download"))
    assert sorted(r[0] for r in rows[1:]) == sorted(numbers) and "*" in rows[1][4]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.actor_id == people.zjj.id and "后台导出" in entry.summary
    sign_in(client, people.zjj2)  # a colleague at the same desk: not their file
    assert client.get(f"/jobs/{job.id}/download").status_code == 404
