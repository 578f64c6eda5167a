"""Allowance policies (and their versions), claims and their steps."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.auth.models import User
from talent.core.timeutil import iso_utc, utcnow
from talent.extensions import db
from talent.registry.models import Talent

MONEY = Numeric(12, 2)
PERIODS = {"monthly": "按月", "yearly": "按年", "once": "一次性"}
# The steps a chain may hold, in the only order they may come; "paid" always ends it.
STEPS = {"reviewed": "组织部（人才办）审核", "rechecked": "县人社局复核", "approved": "县财政局核拨"}
DEFAULT_CHAIN = ["reviewed", "rechecked", "approved"]
STATUSES = {
    "submitted": "已提交",
    "reviewed": "人才办已审核",
    "rechecked": "人社局已复核",
    "approved": "财政局已核拨",
    "paid": "已发放",
    "returned": "退回修改",
    "rejected": "不予发放",
    "stopped": "已停发",
}
OPEN_STATUSES = ("submitted", "reviewed", "rechecked", "returned")


def money(value: Any) -> str | None:
    """How the API writes money: a string with two places."""
    return None if value is None else f"{Decimal(value):.2f}"


class AllowancePolicy(db.Model):
    """A policy's identity; what it says lives in its versions (a change makes a new one)."""

    __tablename__ = "allowance_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The current version number; also the optimistic-concurrency check of a PATCH.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    versions: Mapped[list["PolicyVersion"]] = relationship(
        back_populates="policy", order_by="PolicyVersion.number", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> "PolicyVersion":
        return self.versions[-1]

    def to_dict(self) -> dict:
        c = self.current
        return {
            "id": self.id,
            "active": self.active,
            "version": self.version,
            "version_id": c.id,
            "name": c.name,
            "document_no": c.document_no,
            "amount": money(c.amount),
            "period": c.period,
            "months": c.months,
            "budget": money(c.budget),
            "year": c.year,
            "eligibility": c.eligibility,
            "chain": c.chain,
            "note": c.note,
            "created_at": iso_utc(c.created_at),
        }


class PolicyVersion(db.Model):
    """One version of a policy, never edited; claims point to the version they were made under."""

    __tablename__ = "allowance_policy_versions"
    __table_args__ = (
        Index("uq_allowance_policy_versions_policy_number", "policy_id", "number", unique=True),
        CheckConstraint("period IN ('monthly', 'yearly', 'once')", name="period"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("budget >= 0", name="budget_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("allowance_policies.id"), index=True)
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(100))
    document_no: Mapped[str] = mapped_column(String(100), default="")  # 文号
    amount: Mapped[Decimal] = mapped_column(MONEY)  # 元 per month, per year or once
    period: Mapped[str] = mapped_column(String(10))
    months: Mapped[int | None] = mapped_column()  # how long it runs from the talent's start; None: open
    budget: Mapped[Decimal] = mapped_column(MONEY)  # 元 per calendar year
    year: Mapped[int] = mapped_column()  # the first year it applies
    # {"tiers": [...], "categories": [...], "educations": [...], "introduced_within_years": N|null}
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    chain: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_CHAIN))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    policy: Mapped[AllowancePolicy] = relationship(back_populates="versions")


class AllowanceClaim(db.Model):
    __tablename__ = "allowance_claims"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="status"),
        CheckConstraint("period_to >= period_from", name="period_order"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("paid_amount IS NULL OR paid_amount <= approved_amount", name="paid_within_approved"),
        # Covering indexes: the ledger's sums per policy and per talent read the index alone.
        Index(
            "ix_allowance_claims_year_policy", "year", "policy_id", "status", "approved_amount", "paid_amount"
        ),
        Index(
            "ix_allowance_claims_year_talent", "year", "talent_id", "status", "approved_amount", "paid_amount"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("allowance_policies.id"), index=True)
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("allowance_policy_versions.id"))
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id"), index=True)
    period_from: Mapped[date] = mapped_column(Date)  # first day of the first month
    period_to: Mapped[date] = mapped_column(Date, index=True)  # last day of the last month
    year: Mapped[int] = mapped_column()  # a claim lies inside one calendar year
    amount: Mapped[Decimal] = mapped_column(MONEY)  # computed from the version and the period
    approved_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    paid_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    paid_on: Mapped[date | None] = mapped_column(Date, index=True)
    voucher_no: Mapped[str] = mapped_column(String(60), default="")  # 凭证号 / bank reference
    status: Mapped[str] = mapped_column(String(10), default="submitted", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # A running monthly claim cut short (the talent left, the card was revoked): the last day paid.
    stopped_on: Mapped[date | None] = mapped_column(Date)
    budget_override: Mapped[str] = mapped_column(String(200), default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__: ClassVar = {"version_id_col": version}

    talent: Mapped[Talent] = relationship()
    policy: Mapped[AllowancePolicy] = relationship()
    policy_version: Mapped[PolicyVersion] = relationship()
    submitted_by: Mapped[User | None] = relationship()
    steps: Mapped[list["ClaimStep"]] = relationship(order_by="ClaimStep.id", cascade="all, delete-orphan")
    files: Mapped[list["ClaimFile"]] = relationship(order_by="ClaimFile.id", cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def period_text(self) -> str:
        return f"{self.period_from:%Y-%m} 至 {self.period_to:%Y-%m}"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "policy_id": self.policy_id,
            "policy_version": self.policy_version.number,
            "policy_name": self.policy_version.name,
            "talent_id": self.talent_id,
            "talent_name": self.talent.name,
            "period_from": f"{self.period_from:%Y-%m}",
            "period_to": f"{self.period_to:%Y-%m}",
            "amount": money(self.amount),
            "approved_amount": money(self.approved_amount),
            "paid_amount": money(self.paid_amount),
            "paid_on": self.paid_on.isoformat() if self.paid_on else None,
            "voucher_no": self.voucher_no,
            "status": self.status,
            "note": self.note,
            "stopped_on": self.stopped_on.isoformat() if self.stopped_on else None,
            "steps": [s.to_dict() for s in self.steps],
            "files": [
                {"id": f.id, "name": f.filename, "content_type": f.content_type, "size": f.size}
                for f in self.files
            ],
            "version": self.version,
            "created_at": iso_utc(self.created_at),
        }


class ClaimStep(db.Model):
    __tablename__ = "allowance_claim_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("allowance_claims.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(500), default="")

    actor: Mapped[User | None] = relationship()

    def to_dict(self) -> dict:
        return {
            "at": iso_utc(self.at),
            "action": self.action,
            "to": self.to_status,
            "note": self.note,
            "by": self.actor.label if self.actor else None,
        }


class ClaimFile(db.Model):
    """Claim material (PDF, JPEG, PNG) checked by content and kept under ``UPLOAD_DIR``."""

    __tablename__ = "allowance_claim_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("allowance_claims.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
