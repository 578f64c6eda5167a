"""泷泊英才VIP卡: rule versions, tier benefits, cards, their numbers and the scans of their QR codes."""
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.core import timeutil
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.registry.models import Talent

# Stored statuses; "expired" is never stored — a card is expired by its date alone.
CARD_STATUSES = {"active": "有效", "revoked": "已注销", "replaced": "已换卡作废"}
SHOWN_STATUSES = {**CARD_STATUSES, "expired": "已过期"}
BENEFIT_KINDS = {"housing": "住房保障", "medical": "医疗服务", "education": "子女教育",
                 "other": "其他待遇"}
# How often a benefit may be given; a repeat within the period needs the clerk's reason.
BENEFIT_FREQUENCIES = {"once": "限一次", "yearly": "每年一次", "unlimited": "不限次数"}
DEFAULT_FREQUENCIES = {"housing": "once", "medical": "yearly", "education": "yearly",
                       "other": "unlimited"}


def status_on(status: str, expires_on: date, day: date | None = None) -> str:
    """What a card is on a day: its stored status, or "expired" once its date has passed."""
    if status == "active" and expires_on < (day or timeutil.today()):
        return "expired"
    return status


class CardRuleSet(db.Model):
    """One version of the eligibility rules; never edited, only superseded by a newer version."""

    __tablename__ = "card_rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    effective_on: Mapped[date] = mapped_column(Date, index=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class TierBenefit(db.Model):
    """What a card of a tier entitles its holder to, by kind; plain text the county edits."""

    __tablename__ = "tier_benefits"
    __table_args__ = (Index("uq_tier_benefits_tier_kind", "tier", "kind", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tier: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[str] = mapped_column(String(10), default="unlimited", server_default="unlimited")
    # Optimistic concurrency: every UPDATE checks and bumps it (a stale form is refused).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__: ClassVar = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return BENEFIT_KINDS.get(self.kind, self.kind)

    @property
    def frequency_label(self) -> str:
        return BENEFIT_FREQUENCIES.get(self.frequency, self.frequency)


class CardCounter(db.Model):
    """The last number handed out per year; incremented atomically so numbers are never reused."""

    __tablename__ = "card_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Card(db.Model):
    __tablename__ = "cards"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'revoked', 'replaced')", name="status"),
        CheckConstraint("expires_on > issued_on", name="expiry_after_issue"),
        # At most one active card per talent, enforced by the database itself.
        Index("uq_cards_one_active_per_talent", "talent_id", unique=True,
              sqlite_where=db.text("status = 'active'"),
              postgresql_where=db.text("status = 'active'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id"), index=True)
    tier: Mapped[str] = mapped_column(String(10), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("card_rule_sets.id"))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoke_reason: Mapped[str] = mapped_column(String(200), default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    talent: Mapped[Talent] = relationship()
    rule_set: Mapped[CardRuleSet] = relationship()

    def status_on(self, day: date | None = None) -> str:
        return status_on(self.status, self.expires_on, day)

    @property
    def shown_status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return SHOWN_STATUSES[self.status_on()]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "number": self.number,
            "talent_id": self.talent_id,
            "tier": self.tier,
            "issued_on": self.issued_on.isoformat(),
            "expires_on": self.expires_on.isoformat(),
            "status": self.status_on(),
            "rule_version": self.rule_set.version,
            "revoked_on": self.revoked_on.isoformat() if self.revoked_on else None,
            "revoke_reason": self.revoke_reason or None,
            "replaces_id": self.replaces_id,
        }


class CardScan(db.Model):
    """One verification of a QR code: when and with what result (no personal data)."""

    __tablename__ = "card_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"), index=True)
    result: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(10), default="page")


class TalentEligibility(db.Model):
    """The tier a talent qualifies for (``None``: none) under one card-rule version, stored so the
    推荐发放名单 is an index range, not the rules evaluated over every talent (cards/eligibility.py)."""

    __tablename__ = "talent_eligibility"
    __table_args__ = (
        # The list: one version's eligible talents in id order (tier read from the index).
        Index("ix_talent_eligibility_version", "rule_version", "talent_id", "tier"),
    )

    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    rule_version: Mapped[int] = mapped_column()
    tier: Mapped[str | None] = mapped_column(String(4))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class EligibilityRun(db.Model):
    """The worker's recomputation of every talent under one rule version, batch after batch
    (``next_talent_id``: where the next batch starts); finished when ``finished_at`` is set."""

    __tablename__ = "eligibility_runs"

    rule_version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    next_talent_id: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
