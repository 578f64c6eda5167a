"""The ledger and the 财政 workbook: totals add up, read back independently, money as 0.00 numbers."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from talent.allowances import ledger, operations
from tests.factories import TalentFactory


def _paid_claim(world, talent, first, last, approved=None, pay=True):
    claim = operations.file_claim(world.org, world.policy, talent, first, last)
    operations.transition(world.org2, claim, "reviewed", "", claim.version)
    operations.transition(world.hrss, claim, "rechecked", "", claim.version)
    operations.transition(world.finance, claim, "approved", "", claim.version, amount=approved)
    if pay:
        operations.transition(
            world.finance,
            claim,
            "paid",
            "",
            claim.version,
            paid_on=date(2026, 12, 1),
            voucher_no=f"V{claim.id}",
        )
    return claim


def test_ledger_and_workbook_add_up(world, client, auth):
    talents = [TalentFactory(source="introduced", introduced_on=date(2026, 1, d)) for d in (1, 10, 20)]
    _paid_claim(world, talents[0], date(2026, 1, 1), date(2026, 3, 1))  # 6000.00
    _paid_claim(world, talents[1], date(2026, 1, 1), date(2026, 2, 1))  # 22/31 × 2000 = 1419.35 + 2000
    _paid_claim(world, talents[2], date(2026, 1, 1), date(2026, 1, 1), approved="700.10", pay=False)
    operations.file_claim(
        world.org, world.policy, world.talent, date(2026, 4, 1), date(2026, 4, 1)
    )  # not approved
    totals = ledger.totals(2026, world.org)
    assert totals.approved == Decimal("10119.45") and totals.paid == Decimal("9419.35")
    assert totals.outstanding == Decimal("700.10") and totals.claims == 4
    policy_row = next(r for r in ledger.by_policy(2026, world.org) if r.key == world.policy.id)
    assert policy_row.budget_left == Decimal("100000.00") - Decimal("9419.35")
    rows, count = ledger.by_talent(2026, world.org)
    assert count == 4 and sum(r.paid for r in rows) == totals.paid

    auth.login_as("org")
    response = client.get("/allowances/ledger.xlsx?year=2026")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    book = load_workbook(BytesIO(response.data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    body = list(sheet.iter_rows(min_row=2, values_only=False))
    details, total_row = body[:-1], body[-1]
    assert len(details) == 3 and total_row[1].value == "合计"
    for name in ("核拨金额", "已发放", "未发放"):
        column = header.index(name)
        independent = sum(Decimal(str(row[column].value)).quantize(Decimal("0.01")) for row in details)
        assert Decimal(str(total_row[column].value)).quantize(Decimal("0.01")) == independent
        assert all(row[column].number_format == "0.00" for row in details)
    paid_column = header.index("已发放")
    assert sum(Decimal(str(r[paid_column].value)).quantize(Decimal("0.01")) for r in details) == totals.paid
    summary = book.worksheets[1]
    policy_line = next(
        r for r in summary.iter_rows(min_row=2, values_only=True) if r[0] == "引进人才生活补贴"
    )
    assert Decimal(str(policy_line[4])).quantize(Decimal("0.01")) == totals.paid
    page = client.get("/allowances/ledger?year=2026").get_data(as_text=True)
    assert "9,419.35" in page and "700.10" in page
