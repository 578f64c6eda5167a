"""Writing and reading the inbox. Other features call ``notify_*``; they flush, the request commits.

``notify`` (and ``notify_bulk`` for the sweeps) is the one place notifications are written: each
also writes the SMS, e-mail and work-group deliveries the notice needs (:mod:`.outbox`), in the
same transaction, so every notice — whichever feature sends it — reaches people outside the browser.

Notifications are not audited: they are a consequence of audited changes, not changes themselves.
"""
from collections.abc import Iterable, Mapping, Sequence

from flask import current_app, has_request_context, url_for
from sqlalchemy import Select, func, select, update

from talent.auth.models import User
from talent.core import audit
from talent.core.masking import mask_id_numbers_in_text
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.notifications import outbox, rules
from talent.notifications.models import ChannelChoice, Notification


def link(endpoint: str, **values) -> str:
    """A site-relative URL for a notification, also from the CLI where there is no request."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def _safe_link(link: str) -> str:
    """Only links inside this site: a notification must never send a reader elsewhere."""
    return link if link.startswith("/") and not link.startswith("//") else ""


def notify(users: Iterable[User], title: str, *, link: str = "", body: str = "", kind: str = "",
           key: str | None = None, unit_id: int | None = None) -> int:
    """Write one notification per active account; with ``key``, an account that already has a
    notification with that key gets no second one. Returns how many were written. ``unit_id``:
    the notice is addressed to that unit (its work-group robot may receive it too)."""
    recipients = {u.id: u for u in users if u is not None and u.active}
    if key is not None and recipients:
        already = set(db.session.scalars(select(Notification.user_id).where(
            Notification.key == key, Notification.user_id.in_(recipients))))
        recipients = {uid: u for uid, u in recipients.items() if uid not in already}
    # ID numbers typed into free text (a request's title) never travel in a notification.
    title, body = mask_id_numbers_in_text(title), mask_id_numbers_in_text(body)
    written = []
    for user_id, user in recipients.items():
        note = Notification(user_id=user_id, title=title[:200], body=body[:500],
                            link=_safe_link(link)[:300], kind=kind, key=key)
        db.session.add(note)
        written.append((note, user))
    db.session.flush()
    outbox.enqueue(written, unit_id=unit_id)
    return len(written)


def notify_bulk(messages: Sequence[dict], users: Mapping[int, User], unit_of: Mapping[int, int] | None = None
                ) -> int:
    """Many notifications at once (a sweep's): ``messages`` are Notification column values, ``users``
    the accounts by id; ``unit_of`` maps a message's position to the unit it is addressed to.
    Their deliveries are written as ``notify`` writes them."""
    notes = [Notification(**{**m, "link": _safe_link(m.get("link", ""))[:300]}) for m in messages]
    db.session.add_all(notes)
    db.session.flush()
    # one notice (a title) to one unit's accounts is one message for the unit's robot
    by_notice: dict[tuple[int | None, str], list] = {}
    for position, note in enumerate(notes):
        by_notice.setdefault(((unit_of or {}).get(position), note.title), []).append(
            (note, users[note.user_id]))
    for (unit_id, _title), written in by_notice.items():
        outbox.enqueue(written, unit_id=unit_id)
    return len(notes)


def unit_users(unit_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.unit_id == unit_id, User.active.is_(True))))


def talent_users(talent_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.talent_id == talent_id, User.active.is_(True))))


def role_users(role: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == role, User.active.is_(True))))


def notify_unit(unit_id: int, title: str, **kwargs) -> int:
    return notify(unit_users(unit_id), title, unit_id=unit_id, **kwargs)


def notify_talent(talent_id: int, title: str, **kwargs) -> int:
    return notify(talent_users(talent_id), title, **kwargs)


def visible_to(user) -> Select:
    return select(Notification).where(Notification.user_id == user.id)


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_read(user, notification: Notification) -> None:
    if notification.user_id == user.id and notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(user) -> int:
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount or 0


def channel_choices(user) -> dict[str, tuple[bool, bool]]:
    """(sms, email) per group of notices for this account: its choices, else the defaults."""
    chosen = {c.group: (c.sms, c.email) for c in db.session.scalars(
        select(ChannelChoice).where(ChannelChoice.user_id == user.id))}
    return {group: chosen.get(group) or rules.default_channels(user, group) for group in rules.GROUPS}


def set_channel_choices(user, choices: Mapping[str, tuple[bool, bool]]) -> dict:
    """Store the account's choices (every group, so a later change of defaults does not flip them);
    audited as a change to the account."""
    before = channel_choices(user)
    changes = {}
    for group, (sms, email) in choices.items():
        if group not in rules.GROUPS:
            continue
        row = db.session.get(ChannelChoice, (user.id, group))
        if row is None:
            db.session.add(ChannelChoice(user_id=user.id, group=group, sms=sms, email=email))
        else:
            row.sms, row.email = sms, email
        if before[group] != (sms, email):
            changes[f"channels.{group}"] = [_label(before[group]), _label((sms, email))]
    db.session.flush()
    if changes:
        audit.record(user, "channels", user, changes, summary=user.username)
    return changes


def _label(pair: tuple[bool, bool]) -> str:
    return "、".join(name for on, name in zip(pair, ("短信", "邮件"), strict=True) if on) or "仅站内"
