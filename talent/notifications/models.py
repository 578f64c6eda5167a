from datetime import datetime
from typing import ClassVar

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.core.timeutil import iso_utc, utcnow
from talent.extensions import db


class Notification(db.Model):
    """One message to one account. Messages to a unit or a talent are fanned out to their
    accounts when written, so each reader has their own read mark."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_inbox", "user_id", "read_at", "id"),
        # A key makes a reminder idempotent: a sweep run twice notifies once.
        UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(500), default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()

    deliveries: Mapped[list["Delivery"]] = relationship(back_populates="notification",
                                                        order_by="Delivery.id", passive_deletes=True)

    @property
    def unread(self) -> bool:
        return self.read_at is None

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "body": self.body, "link": self.link,
                "created_at": iso_utc(self.created_at), "read_at": iso_utc(self.read_at),
                "unread": self.unread,
                "deliveries": [{"channel": d.channel, "status": d.status, "attempts": d.attempts,
                                "sent_at": iso_utc(d.sent_at), "error": d.last_error}
                               for d in self.deliveries]}


DELIVERY_STATUSES = ("queued", "sending", "sent", "failed", "dead", "capped")
CHANNELS = ("email", "sms", "wecom", "dingtalk")


class Delivery(db.Model):
    """One message to send outside the browser for one notification — the transactional outbox.

    Written in the same transaction as its notification, so a notice is never lost between the
    database and a provider; the worker claims rows (``status``/``lease_until``), sends them and
    records the provider's answer. ``idem_key`` is made once and sent with every attempt (the
    e-mail's Message-ID, the SMS provider's session context, the gateway's msgid), so a provider
    that has already accepted it can tell a retry from a new message.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "not_before"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in DELIVERY_STATUSES)})", name="status"),
        CheckConstraint(f"channel IN ({', '.join(repr(c) for c in CHANNELS)})", name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"),
                                                 index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(200), default="")  # mobile or e-mail; webhooks: ""
    kind: Mapped[str] = mapped_column(String(40), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(String(500), default="")
    idem_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column()
    worker: Mapped[str] = mapped_column(String(80), default="")
    last_error: Mapped[str] = mapped_column(String(500), default="")
    provider_ref: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()

    notification: Mapped[Notification] = relationship(back_populates="deliveries")

    STATUS_LABELS: ClassVar = {"queued": "待发送", "sending": "发送中", "sent": "已发送",
                               "failed": "发送失败，将重试", "dead": "已放弃",
                               "capped": "超出当日上限，并入摘要"}
    CHANNEL_LABELS: ClassVar = {"email": "电子邮件", "sms": "短信",
                                "wecom": "企业微信群", "dingtalk": "钉钉群"}

    @property
    def status_label(self) -> str:
        return self.STATUS_LABELS.get(self.status, self.status)

    @property
    def channel_label(self) -> str:
        return self.CHANNEL_LABELS.get(self.channel, self.channel)


class ChannelChoice(db.Model):
    """An account's own choice of channels for one group of notices (absent: the defaults)."""

    __tablename__ = "notification_channel_choices"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    group: Mapped[str] = mapped_column(String(20), primary_key=True)
    sms: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[bool] = mapped_column(Boolean, default=False)


class UnitWebhook(db.Model):
    """A unit's work-group robot (企业微信 群机器人 or 钉钉 with its signing secret), set by the admin."""

    __tablename__ = "unit_webhooks"
    __table_args__ = (CheckConstraint("kind IN ('wecom', 'dingtalk')", name="kind"),)

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(String(300))
    secret: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def id(self) -> int:  # the audit log's handle
        return self.unit_id
