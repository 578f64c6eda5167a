"""Writing and reading the inbox. Other features call ``notify_*``; they flush, the request commits.

Notifications are not audited: they are a consequence of audited changes, not changes themselves.
"""
from collections.abc import Iterable

from sqlalchemy import Select, func, select, update

from talent.auth.models import User
from talent.core.masking import mask_id_numbers_in_text
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.notifications.models import Notification


def _safe_link(link: str) -> str:
    """Only links inside this site: a notification must never send a reader elsewhere."""
    return link if link.startswith("/") and not link.startswith("//") else ""


def notify(users: Iterable[User], title: str, *, link: str = "", body: str = "", kind: str = "",
           key: str | None = None) -> int:
    """Write one notification per active account; with ``key``, an account that already has a
    notification with that key gets no second one. Returns how many were written."""
    recipients = {u.id: u for u in users if u is not None and u.active}
    if key is not None and recipients:
        already = set(db.session.scalars(select(Notification.user_id).where(
            Notification.key == key, Notification.user_id.in_(recipients))))
        recipients = {uid: u for uid, u in recipients.items() if uid not in already}
    # ID numbers typed into free text (a request's title) never travel in a notification.
    title, body = mask_id_numbers_in_text(title), mask_id_numbers_in_text(body)
    for user_id in recipients:
        db.session.add(Notification(user_id=user_id, title=title[:200], body=body[:500],
                                    link=_safe_link(link)[:300], kind=kind, key=key))
    db.session.flush()
    return len(recipients)


def unit_users(unit_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.unit_id == unit_id, User.role == "unit", User.active.is_(True))))


def talent_users(talent_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.talent_id == talent_id, User.active.is_(True))))


def role_users(role: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == role, User.active.is_(True))))


def notify_unit(unit_id: int, title: str, **kwargs) -> int:
    return notify(unit_users(unit_id), title, **kwargs)


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
