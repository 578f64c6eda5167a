"""What unit users see of an ID number and a birth date cannot be put back together.

With the old mask (first three, last four) plus the full birth date and gender, every resident
ID narrowed to a handful of candidates. Now they see the first three and last two characters and
the birth year only: in pages, the API, exports and the audit log.
"""
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select
from stdnum.cn import ric

from talent.core.audit import AuditEntry
from talent.core.masking import mask_id_number_short
from talent.extensions import db
from talent.registry import operations
from tests.factories import TalentFactory, UserFactory, resident_id

BIRTH = date(1985, 3, 15)


def _talent():
    talent = TalentFactory(name="何建平", id_number=resident_id(birth=BIRTH, male=True, sequence=7),
                           gender="male", birth_date=BIRTH, field="healthcare")
    db.session.commit()
    return talent


def candidates(masked: str, year: int, male: bool, area: str = "431123") -> int:
    """How many valid resident IDs fit what a unit user sees, even knowing the county code."""
    count, day = 0, date(year, 1, 1)
    while day.year == year:
        for sequence in range(1000):
            if (sequence % 2 == 1) != male:
                continue
            body = f"{area}{day:%Y%m%d}{sequence:03d}"
            number = body + ric.calc_check_digit(body + "X")
            if number[:3] == masked[:3] and number[-2:] == masked[-2:]:
                count += 1
        day += timedelta(days=1)
    return count


def test_what_a_unit_user_sees_leaves_hundreds_of_candidates(app):
    talent = _talent()
    masked = mask_id_number_short(talent.id_number)
    assert masked == talent.id_number[:3] + "*" * 13 + talent.id_number[-2:]
    assert candidates(masked, BIRTH.year, male=True) > 1000


def test_pages_show_unit_users_the_birth_year_only(client, auth):
    talent = _talent()
    auth.login_as("unit")
    page = client.get(f"/talents/{talent.id}").get_data(as_text=True)
    assert "1985年" in page and "1985-03-15" not in page
    assert mask_id_number_short(talent.id_number) in page and talent.id_number[-4:] not in page
    client.post("/logout")
    auth.login_as("org")
    page = client.get(f"/talents/{talent.id}").get_data(as_text=True)
    assert "1985-03-15" in page and talent.id_number in page


def test_api_gives_unit_users_the_birth_year_only(client, api_token):
    talent = _talent()
    body = client.get(f"/api/v1/talents/{talent.id}", headers=api_token("unit")).get_json()
    assert body["birth_date"] is None and body["birth_year"] == 1985
    assert body["id_number"] == mask_id_number_short(talent.id_number)
    full = client.get(f"/api/v1/talents/{talent.id}", headers=api_token("org")).get_json()
    assert full["birth_date"] == "1985-03-15" and full["id_number"] == talent.id_number


def test_export_gives_unit_users_the_birth_year_only(client, auth):
    talent = _talent()
    auth.login_as("unit")
    rows = list(load_workbook(BytesIO(client.get("/talents/export.xlsx").data)).active
                .iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    assert row[header.index("出生日期")] == "1985"
    assert row[header.index("证件号码")] == mask_id_number_short(talent.id_number)


def test_audit_log_keeps_the_short_mask_and_the_year(app):
    talent = _talent()
    clerk = UserFactory(role="org")
    new_number = resident_id(birth=date(1986, 4, 2), male=True)
    operations.update_talent(clerk, talent, {"id_number": new_number, "birth_date": date(1986, 4, 2)})
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update"))
    assert entry.changes["birth_date"] == ["1985", "1986"]
    assert entry.changes["id_number"][1] == mask_id_number_short(new_number)
