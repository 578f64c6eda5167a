"""The audit log exported for an 等保 review: the filters of the page, text never a formula,
values as people read them, and the export recorded in the log."""
from datetime import datetime
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from talent.core import audit
from talent.extensions import db
from tests.factories import TalentFactory


def test_export_follows_the_filters_is_formula_safe_and_is_audited(client, auth):
    admin = auth.login_as("admin")
    talent = TalentFactory(name="欧阳湘云")
    entry = audit.record(admin, "update", talent, {"education": ["master", "doctorate"],
                                                   "employer": [None, "=HYPERLINK(\"http://x\")"]},
                         summary="=1+1")
    entry.at = datetime(2026, 11, 26, 17, 30, 5)  # 2026-11-27 01:30:05 in 双牌
    audit.record(admin, "create", TalentFactory(name="唐志刚"), summary="唐志刚")
    db.session.commit()
    page = client.get("/audit?object_type=talents&action=update").get_data(as_text=True)
    assert 'href="/audit.xlsx?' in page and "object_type=talents" in page
    response = client.get("/audit.xlsx?object_type=talents&action=update")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "时间（北京时间）" and len(rows) == 2  # only the filtered entry
    row = rows[1]
    assert row[0] == "2026-11-27 01:30:05" and row[2] == "修改" and row[3] == "人才"
    assert row[5] == "=1+1"
    assert "学历：硕士研究生 → 博士研究生" in row[6] and '=HYPERLINK("http://x")' in row[6]
    cells = next(sheet.iter_rows(min_row=2))
    assert all(c.data_type != "f" for c in cells)  # text, never a formula
    logged = db.session.scalar(select(audit.AuditEntry).where(audit.AuditEntry.action == "export")
                               .order_by(audit.AuditEntry.id.desc()))
    assert logged.summary == "操作日志" and logged.changes["rows"] == [None, 1]
    assert logged.changes["filters"][1] == {"object_type": "talents", "action": "update"}


def test_only_auditors_export(client, auth):
    for role in ("org", "unit", "talent"):
        auth.login_as(role)
        assert client.get("/audit.xlsx").status_code == 403
