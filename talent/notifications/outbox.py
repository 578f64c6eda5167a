"""The transactional outbox: deliveries written with their notification, sent by the worker.

Writing (:func:`enqueue`) happens inside the operation that created the notification, so the
notice and its SMS/e-mail commit or roll back together. Sending (:func:`run_batch`) is the
worker's: it claims due rows, sends each, and records the answer, one short transaction per row.

Claiming is safe with any number of workers. On PostgreSQL the candidates are locked with
``SELECT … FOR UPDATE SKIP LOCKED``, so two workers take disjoint rows without waiting; on SQLite
the claim is one ``UPDATE … WHERE id IN (SELECT …)`` inside ``BEGIN IMMEDIATE`` (see
``talent.extensions``), which serialises claimers. Either way a row is claimed with a token and a
lease: a worker killed mid-batch leaves rows that are claimable again when their lease ends. Right
before each send a worker renews the lease of that row — only if the claim is still its own and
unexpired — so a batch slowed by a provider never sends a row another worker has taken over, and
a worker whose lease ran out cannot record a result over another's claim. (A single send is
bounded by the channels' 15-second timeouts, far inside the 120-second lease.)

Delivery is at least once with the window narrowed to one row: a row is marked sent in its own
transaction right after the provider accepts it; only a crash between the provider's answer and
that commit resends it — and then with the same idempotency key (Message-ID, SessionContext,
msgid), which lets the provider or the mail system drop the repeat.
"""
import logging
import os
import socket
import uuid
from collections.abc import Sequence
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from talent.core import audit, timeutil
from talent.core.timeutil import utcnow
from talent.core.validators import InvalidValue, check_mobile
from talent.extensions import db
from talent.notifications import channels, rules
from talent.notifications.models import ChannelChoice, Delivery, Notification, UnitWebhook

log = logging.getLogger(__name__)

LEASE_SECONDS = 120
# Waits after the 1st, 2nd … failed attempt; after the last one the delivery is given up (dead).
BACKOFF_SECONDS = (30, 120, 600, 1800, 3600, 3 * 3600)


# --- writing --------------------------------------------------------------------------------------

def mobile_of(user, record: dict | None = None) -> str:
    """The account's own mobile number, else (a talent's account) the talent record's, if it is a
    mainland mobile number (a landline cannot take an SMS). ``record``: the talent's contact, if
    already read."""
    phone = user.phone or (record if record is not None else talent_contact(user))["phone"]
    try:
        return check_mobile(phone)
    except InvalidValue:
        return ""


def email_of(user, record: dict | None = None) -> str:
    return user.email or (record if record is not None else talent_contact(user))["email"]


def talent_contact(user) -> dict:
    """The phone and e-mail on the talent record behind a talent's account (empty otherwise)."""
    if user.role != "talent" or not user.talent_id:
        return {"phone": "", "email": ""}
    from talent.registry.models import Talent

    row = db.session.execute(select(Talent.phone, Talent.email).where(Talent.id == user.talent_id)).first()
    return {"phone": row.phone or "", "email": row.email or ""} if row else {"phone": "", "email": ""}


def choices_for(users: Sequence, group: str) -> dict[int, tuple[bool, bool]]:
    """(sms, email) per account for a group: the account's choice, else the role's default."""
    chosen = {c.user_id: (c.sms, c.email) for c in db.session.scalars(select(ChannelChoice).where(
        ChannelChoice.group == group, ChannelChoice.user_id.in_([u.id for u in users])))}
    return {u.id: chosen.get(u.id) or rules.default_channels(u, group) for u in users}


def _sms_sent_today(user_id: int, now) -> int:
    start = timeutil.utc_start_of(timeutil.to_local(now).date())
    return db.session.scalar(select(func.count(Delivery.id)).where(
        Delivery.user_id == user_id, Delivery.channel == "sms", Delivery.status != "capped",
        Delivery.created_at >= start)) or 0


def enqueue(written: Sequence[tuple[Notification, object]], unit_id: int | None = None) -> int:
    """The deliveries for freshly written notifications (flushed, with ids), in the same
    transaction. ``unit_id``: the notice went to a unit, whose work-group robot may take it too."""
    if not written:
        return 0
    now, added = utcnow(), []
    email_on, sms_on = channels.email_enabled(), channels.sms_enabled()
    by_group: dict[str, list] = {}
    for note, user in written:
        by_group.setdefault(rules.group_of(note.kind), []).append((note, user))
    for group, pairs in by_group.items():
        wanted = choices_for([u for _n, u in pairs], group) if (email_on or sms_on) else {}
        for note, user in pairs:
            sms, email = wanted.get(user.id, (False, False))
            sms, email = sms and sms_on, email and email_on
            # the talent record is read once, and only when the account lacks what is needed
            lacking = (email and not user.email) or (sms and not user.phone)
            record = talent_contact(user) if lacking else {"phone": "", "email": ""}
            if email and (address := email_of(user, record)):
                added.append(Delivery(notification_id=note.id, user_id=user.id, channel="email",
                                      address=address, kind=note.kind, subject=rules.outside_text(
                                          note.title, note.kind)[:200],
                                      text=rules.email_text(note.title, note.kind, note.link)))
            if sms and (mobile := mobile_of(user, record)):
                cap = rules.daily_cap()
                capped = cap > 0 and _sms_sent_today(user.id, now) >= cap
                added.append(Delivery(notification_id=note.id, user_id=user.id, channel="sms",
                                      address=mobile, kind=note.kind, status="capped" if capped else "queued",
                                      text=rules.sms_text(note.title, note.kind, note.link),
                                      not_before=rules.quiet_hours_end(now)))
        if unit_id is not None and group in rules.UNIT_ROBOT_GROUPS:
            hook = db.session.get(UnitWebhook, unit_id)
            if hook is not None:
                note = pairs[0][0]
                added.append(Delivery(notification_id=note.id, unit_id=unit_id, channel=hook.kind,
                                      kind=note.kind, text=rules.sms_text(note.title, note.kind, note.link)))
    for delivery in added:
        delivery.idem_key = uuid.uuid4().hex
        delivery.not_before = delivery.not_before or now
        db.session.add(delivery)
    if added:
        db.session.flush()
    return len(added)


# --- sending --------------------------------------------------------------------------------------

def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:60]


def _due(now):
    return or_(and_(Delivery.status.in_(("queued", "failed")), Delivery.not_before <= now),
               and_(Delivery.status == "sending", Delivery.lease_until < now))


def _lease_seconds() -> int:
    return int(current_app.config.get("WORKER_LEASE_SECONDS") or LEASE_SECONDS)


def claim(limit: int = 20) -> tuple[str, list[int]]:
    """Take up to ``limit`` due deliveries for this worker; commits the claim."""
    now = utcnow()
    token = f"{worker_name()}:{uuid.uuid4().hex[:12]}"
    values = {"status": "sending", "lease_until": now + timedelta(seconds=_lease_seconds()),
              "worker": token, "attempts": Delivery.attempts + 1}
    candidates = select(Delivery.id).where(_due(now)).order_by(Delivery.not_before, Delivery.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.scalars(candidates.with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(**values)
                               .execution_options(synchronize_session=False))
    else:  # one statement: BEGIN IMMEDIATE already holds SQLite's write lock
        db.session.execute(update(Delivery).where(Delivery.id.in_(candidates.scalar_subquery()))
                           .values(**values).execution_options(synchronize_session=False))
        ids = list(db.session.scalars(select(Delivery.id).where(Delivery.worker == token,
                                                                Delivery.status == "sending")))
    db.session.commit()
    return token, sorted(ids)


def _send(delivery: Delivery) -> str:
    if delivery.channel == "email":
        if not channels.email_enabled():
            raise channels.DeliveryError("电子邮件渠道未配置（SMTP_HOST）", permanent=True)
        return channels.send_email(delivery.address, delivery.subject, delivery.text, delivery.idem_key)
    if delivery.channel == "sms":
        return channels.send_sms(delivery.address, delivery.text, rules.group_of(delivery.kind),
                                 delivery.idem_key)
    hook = db.session.get(UnitWebhook, delivery.unit_id) if delivery.unit_id else None
    if hook is None or hook.kind != delivery.channel:
        raise channels.DeliveryError("该单位的工作群机器人已删除或更换", permanent=True)
    return channels.send_robot(hook.kind, hook.url, hook.secret, delivery.text)


def deliver(delivery_id: int, token: str) -> str:
    """Send one claimed delivery and record the outcome; returns the new status."""
    mine = and_(Delivery.id == delivery_id, Delivery.worker == token, Delivery.status == "sending")
    # Renew the lease just before sending, and only if the claim is still ours: a batch that took
    # longer than the lease (slow providers) may have been taken over meanwhile — then the other
    # worker sends it and this one must not. After the renewal no one can take it for a lease.
    renewed = db.session.execute(update(Delivery).where(mine, Delivery.lease_until >= utcnow()).values(
        lease_until=utcnow() + timedelta(seconds=_lease_seconds())).execution_options(
        synchronize_session=False)).rowcount
    db.session.commit()
    delivery = db.session.get(Delivery, delivery_id) if renewed else None
    if delivery is None:
        return "skipped"
    now = utcnow()
    if delivery.channel == "sms" and rules.in_quiet_hours(now):
        outcome = {"status": "queued", "not_before": rules.quiet_hours_end(now),
                   "attempts": Delivery.attempts - 1, "lease_until": None}
    else:
        try:
            reference = _send(delivery)
        except channels.DeliveryError as error:
            attempts = delivery.attempts
            give_up = error.permanent or attempts > len(BACKOFF_SECONDS)
            outcome = {"status": "dead" if give_up else "failed", "last_error": error.message,
                       "lease_until": None}
            if not give_up:
                outcome["not_before"] = now + timedelta(seconds=BACKOFF_SECONDS[attempts - 1])
            log.warning("delivery %s (%s) attempt %s failed: %s", delivery_id, delivery.channel,
                        attempts, error.message)
        else:
            outcome = {"status": "sent", "sent_at": now, "provider_ref": str(reference)[:120],
                       "last_error": "", "lease_until": None}
    db.session.rollback()  # nothing of this session's reads is kept open over the update
    db.session.execute(update(Delivery).where(mine).values(**outcome)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return outcome["status"]


def run_batch(limit: int | None = None) -> dict[str, int]:
    token, ids = claim(limit or int(current_app.config.get("WORKER_BATCH") or 20))
    counts: dict[str, int] = {}
    for delivery_id in ids:
        status = deliver(delivery_id, token)
        counts[status] = counts.get(status, 0) + 1
    return counts


def run_until_idle(limit: int = 20, max_batches: int = 100) -> dict[str, int]:
    total: dict[str, int] = {}
    for _ in range(max_batches):
        counts = run_batch(limit)
        if not counts:
            break
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
    return total


# --- the daily digest -----------------------------------------------------------------------------

def send_digests(today) -> dict[str, int]:
    """For each account whose SMS were held back by the daily cap on the day before ``today``, one
    SMS saying how many (sent from 08:00). Idempotent: the held deliveries are marked as digested."""
    from talent.auth.models import User
    from talent.notifications.operations import notify

    start, end = timeutil.utc_start_of(today - timedelta(days=1)), timeutil.utc_start_of(today)
    held = db.session.execute(
        select(Delivery.user_id, func.count(Delivery.id)).where(
            Delivery.status == "capped", Delivery.provider_ref == "", Delivery.created_at >= start,
            Delivery.created_at < end).group_by(Delivery.user_id)).all()
    sent = 0
    for user_id, count in held:
        user = db.session.get(User, user_id)
        mobile = mobile_of(user) if user is not None and user.active else ""
        title = f"昨天另有 {count} 条通知超出每日短信条数，未发短信"
        if mobile and notify([user], title, link="/notifications", kind="sms_digest",
                             key=f"sms-digest:{today.isoformat()}"):
            note = db.session.scalar(select(Notification).where(
                Notification.user_id == user_id, Notification.key == f"sms-digest:{today.isoformat()}"))
            db.session.add(Delivery(notification_id=note.id, user_id=user_id, channel="sms", address=mobile,
                                    kind="sms_digest", text=rules.sms_text(title, "sms_digest", note.link),
                                    idem_key=uuid.uuid4().hex, not_before=rules.quiet_hours_end(utcnow())))
            sent += 1
        db.session.execute(update(Delivery).where(
            Delivery.user_id == user_id, Delivery.status == "capped", Delivery.provider_ref == "",
            Delivery.created_at >= start, Delivery.created_at < end).values(provider_ref="digest")
            .execution_options(synchronize_session=False))
    db.session.flush()
    return {"sms_digests": sent}


# --- the dead-letter list -------------------------------------------------------------------------

def dead_letters():
    return select(Delivery).where(Delivery.status == "dead").order_by(Delivery.id.desc())


def resend(actor, delivery: Delivery) -> bool:
    """Put a given-up delivery back in the queue, with the same idempotency key."""
    if delivery.status != "dead":
        return False
    delivery.status, delivery.attempts, delivery.not_before = "queued", 0, utcnow()
    delivery.lease_until = None
    db.session.flush()
    audit.record(actor, "resend", delivery, {"status": ["dead", "queued"]},
                 summary=f"{delivery.channel_label} {delivery.last_error[:60]}")
    return True


def configured_channels() -> dict[str, bool]:
    config = current_app.config
    return {"email": channels.email_enabled(), "sms": channels.sms_enabled(),
            "sms_provider": bool(config.get("SMS_PROVIDER"))}
