"""The ledger (台账): per policy and per talent for a year — approved, paid, outstanding; budget used
and left — and the workbook for 县财政局, whose totals are the sums of its own rows.

"Approved" counts claims that reached 核拨 (approved or paid) at their approved amount; "paid" the
paid amounts; outstanding = approved − paid. Rows are the claims the reader may see
(``operations.visible_to``)."""

import tempfile
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import case, func, select

from talent.allowances.models import AllowanceClaim, AllowancePolicy, PolicyVersion
from talent.allowances.operations import visible_to
from talent.core.spreadsheet import text_cell
from talent.extensions import db
from talent.registry.models import Talent

ZERO = Decimal("0.00")
DONE = ("approved", "paid")


def _sums(year: int, user):
    scope = visible_to(user).where(AllowanceClaim.year == year).subquery()
    approved = func.coalesce(func.sum(case((scope.c.status.in_(DONE), scope.c.approved_amount), else_=0)), 0)
    paid = func.coalesce(func.sum(case((scope.c.status == "paid", scope.c.paid_amount), else_=0)), 0)
    claims = func.count(scope.c.id)
    return scope, approved, paid, claims


def _d(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


@dataclass
class Row:
    key: int
    name: str
    claims: int
    approved: Decimal
    paid: Decimal
    budget: Decimal | None = None
    document_no: str = ""

    @property
    def outstanding(self) -> Decimal:
        return self.approved - self.paid

    @property
    def budget_left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.paid

    def as_dict(self) -> dict:
        out = {
            "claims": self.claims,
            "approved": f"{self.approved:.2f}",
            "paid": f"{self.paid:.2f}",
            "outstanding": f"{self.outstanding:.2f}",
        }
        if self.budget is not None:
            out.update(
                budget=f"{self.budget:.2f}",
                budget_used=f"{self.paid:.2f}",
                budget_left=f"{self.budget_left:.2f}",
            )
        return out


def by_policy(year: int, user) -> list[Row]:
    scope, approved, paid, claims = _sums(year, user)
    sums = {
        pid: (n, _d(a), _d(p))
        for pid, a, p, n in db.session.execute(
            select(scope.c.policy_id, approved, paid, claims).group_by(scope.c.policy_id)
        )
    }
    rows = []
    for policy in db.session.scalars(select(AllowancePolicy).order_by(AllowancePolicy.id)):
        n, a, p = sums.get(policy.id, (0, ZERO, ZERO))
        current: PolicyVersion = policy.current
        rows.append(
            Row(policy.id, current.name, n, a, p, budget=_d(current.budget), document_no=current.document_no)
        )
    return rows


def by_talent(year: int, user, offset: int = 0, limit: int = 50) -> tuple[list[Row], int]:
    """One page of talents (by talent number), each with their sums: the page's talents are picked
    from the (year, talent) index first, and only their claims are summed."""
    scope = visible_to(user).where(AllowanceClaim.year == year).subquery()
    total = db.session.scalar(select(func.count(func.distinct(scope.c.talent_id)))) or 0
    ids = list(
        db.session.scalars(
            select(scope.c.talent_id).distinct().order_by(scope.c.talent_id).offset(offset).limit(limit)
        )
    )
    if not ids:
        return [], total
    page_scope = (
        visible_to(user).where(AllowanceClaim.year == year, AllowanceClaim.talent_id.in_(ids)).subquery()
    )
    approved = func.coalesce(
        func.sum(case((page_scope.c.status.in_(DONE), page_scope.c.approved_amount), else_=0)), 0
    )
    paid = func.coalesce(
        func.sum(case((page_scope.c.status == "paid", page_scope.c.paid_amount), else_=0)), 0
    )
    query = (
        select(page_scope.c.talent_id, Talent.name, func.count(page_scope.c.id), approved, paid)
        .join(Talent, Talent.id == page_scope.c.talent_id)
        .group_by(page_scope.c.talent_id, Talent.name)
        .order_by(page_scope.c.talent_id)
    )
    return [Row(tid, name, n, _d(a), _d(p)) for tid, name, n, a, p in db.session.execute(query)], total


def totals(year: int, user, policies: list[Row] | None = None) -> Row:
    """The sums of the policy rows (every claim belongs to one policy)."""
    rows = policies if policies is not None else by_policy(year, user)
    return Row(
        0,
        "合计",
        sum(r.claims for r in rows),
        sum((r.approved for r in rows), ZERO),
        sum((r.paid for r in rows), ZERO),
    )


# --- the workbook for 县财政局 ----------------------------------------------------------------------

HEADERS = [
    "序号",
    "姓名",
    "人才编号",
    "政策",
    "文号",
    "版本",
    "期间",
    "计算金额",
    "核拨金额",
    "已发放",
    "未发放",
    "发放日期",
    "凭证号",
    "状态",
]
WIDTHS = [6, 10, 10, 24, 24, 6, 18, 14, 14, 14, 14, 12, 20, 10]
MONEY_COLUMNS = (7, 8, 9, 10)


def export_rows(year: int, user):
    """One row per claim of the year that reached 核拨 (approved or paid), by talent."""
    query = (
        visible_to(user)
        .where(AllowanceClaim.year == year, AllowanceClaim.status.in_(DONE))
        .join(Talent, Talent.id == AllowanceClaim.talent_id)
        .join(PolicyVersion, PolicyVersion.id == AllowanceClaim.policy_version_id)
        .with_only_columns(
            Talent.name.label("talent"),
            Talent.id.label("talent_id"),
            PolicyVersion.name.label("policy"),
            PolicyVersion.document_no,
            PolicyVersion.number,
            AllowanceClaim.period_from,
            AllowanceClaim.period_to,
            AllowanceClaim.amount,
            AllowanceClaim.approved_amount,
            AllowanceClaim.paid_amount,
            AllowanceClaim.status,
            AllowanceClaim.paid_on,
            AllowanceClaim.voucher_no,
        )
        .order_by(Talent.name, Talent.id, AllowanceClaim.period_from, AllowanceClaim.id)
    )
    for number, r in enumerate(db.session.execute(query.execution_options(yield_per=2000)), start=1):
        approved, paid = _d(r.approved_amount), _d(r.paid_amount if r.status == "paid" else 0)
        yield [
            number,
            r.talent,
            r.talent_id,
            r.policy,
            r.document_no,
            r.number,
            f"{r.period_from:%Y-%m}至{r.period_to:%Y-%m}",
            _d(r.amount),
            approved,
            paid,
            approved - paid,
            r.paid_on.isoformat() if r.paid_on else "",
            r.voucher_no,
            "已发放" if r.status == "paid" else "已核拨",
        ]


def _plain(sheet, value):
    """A value as openpyxl takes it; only text that could read as a formula gets a cell object."""
    return text_cell(sheet, value)


def _cell(sheet, value, money: bool = False, bold: bool = False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if value[:1] in ("=", "+", "-", "@"):
            cell.quotePrefix = True
    if money:
        cell.number_format = "0.00"
    if bold:
        cell.font = Font(bold=True)
    return cell


def workbook(year: int, user):
    """The .xlsx (two sheets: 明细 and 按政策汇总), written row by row; returns the open file and
    how many claim rows it holds."""
    book = Workbook(write_only=True)
    detail = book.create_sheet(f"{year}年津贴补贴发放明细")
    for index, width in enumerate(WIDTHS):
        detail.column_dimensions[chr(ord("A") + index)].width = width
    detail.freeze_panes = "A2"
    detail.append([_cell(detail, h, bold=True) for h in HEADERS])
    sums = [ZERO] * 4
    count = 0
    for row in export_rows(year, user):
        count += 1
        for i, column in enumerate(MONEY_COLUMNS):
            sums[i] += row[column]
        detail.append(
            [
                _cell(detail, v, money=True) if i in MONEY_COLUMNS else _plain(detail, v)
                for i, v in enumerate(row)
            ]
        )
    detail.append(
        [
            _cell(detail, v, money=i in MONEY_COLUMNS, bold=True)
            for i, v in enumerate(["", "合计", "", "", "", "", f"{count} 笔", *sums, "", "", ""])
        ]
    )
    summary = book.create_sheet("按政策汇总")
    summary.append(
        [
            _cell(summary, h, bold=True)
            for h in ["政策", "文号", "申请笔数", "核拨金额", "已发放", "未发放", "年度预算", "预算余额"]
        ]
    )
    for r in by_policy(year, user):
        summary.append(
            [
                _cell(summary, v, money=i >= 3)
                for i, v in enumerate(
                    [
                        r.name,
                        r.document_no,
                        r.claims,
                        r.approved,
                        r.paid,
                        r.outstanding,
                        r.budget,
                        r.budget_left,
                    ]
                )
            ]
        )
    output = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 — send_file closes it
    book.save(output)
    output.seek(0)
    return output, count
