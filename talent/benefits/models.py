from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.cards.models import BENEFIT_KINDS
from talent.core.timeutil import utcnow
from talent.extensions import db


class BenefitProvider(db.Model):
    """Which unit provides each kind of card benefit (住房保障 → 县住建局 …); reference data."""

    __tablename__ = "benefit_providers"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))

    unit = relationship("Unit")


class Redemption(db.Model):
    """One benefit given to a cardholder at a window, recorded by the clerk who gave it."""

    __tablename__ = "redemptions"
    __table_args__ = (Index("ix_redemptions_unit_day", "unit_id", "redeemed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    redeemed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")
    # Why the clerk went on when the same benefit had already been given within its period.
    repeat_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    card = relationship("Card")
    unit = relationship("Unit")
    clerk = relationship("User")

    @property
    def kind_label(self) -> str:
        return BENEFIT_KINDS.get(self.kind, self.kind)


class BenefitFigure(db.Model):
    """Redemptions of one year per unit and benefit kind, and the number of different people they
    went to: the 待遇兑现统计 page reads these rows (maintained by ``benefits/figures.py``)."""

    __tablename__ = "benefit_figures"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    times: Mapped[int] = mapped_column(default=0)
    people: Mapped[int] = mapped_column(default=0)


class BenefitRecipient(db.Model):
    """Who has had a benefit kind from a unit in a year: one row per person, so ``people`` above
    grows only on a person's first redemption (an INSERT that does nothing on a conflict tells)."""

    __tablename__ = "benefit_recipients"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    talent_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
