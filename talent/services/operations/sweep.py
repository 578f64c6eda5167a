"""The daily sweep: mark newly overdue requests and tell their handlers (idempotent)."""
from contextlib import nullcontext
from datetime import date

from flask import current_app, has_request_context, url_for
from sqlalchemy import insert, select, update

from talent.auth.models import User
from talent.core import timeutil
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.notifications import operations as inbox
from talent.notifications.models import Notification
from talent.services.models import (
    ServiceEvent,
    ServiceRequest,
)
from talent.services.operations.common import handlers, log

# --- the daily sweep ----------------------------------------------------------------------------

def sweep(today: date | None = None) -> dict:
    """Mark requests that became overdue since the last run and tell their handling units.

    Idempotent: a request is marked once per deadline (``overdue_since``), and each
    notification carries a key, so a second run the same day changes nothing. Marking does
    not bump the request's version: a clerk's open page stays valid.
    """
    today = today or timeutil.today()
    rows = db.session.execute(
        select(ServiceRequest.id, ServiceRequest.number, ServiceRequest.unit_id, ServiceRequest.status,
               ServiceRequest.deadline_on, ServiceRequest.title)
        .where(ServiceRequest.deadline_on < today, ServiceRequest.overdue_since.is_(None))
        .order_by(ServiceRequest.id)).all()
    if not rows:
        return {"overdue": 0, "notified": 0}
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(update(ServiceRequest).where(ServiceRequest.id.in_(chunk))
                           .values(overdue_since=today)
                           .execution_options(synchronize_session=False))
    now = utcnow()
    db.session.execute(insert(ServiceEvent), [
        {"request_id": r.id, "at": now, "actor_id": None, "actor_name": "系统", "move": "overdue",
         "from_status": r.status, "to_status": r.status, "internal": True,
         "note": f"{'受理' if r.status == 'submitted' else '办理'}期限 {r.deadline_on} 已过"}
        for r in rows])
    notified = _notify_overdue(rows)
    log.info("sweep %s: %d newly overdue, %d notifications", today, len(rows), notified)
    return {"overdue": len(rows), "notified": notified}


def _notify_overdue(rows) -> int:
    """The inbox's ``notify`` per request, in bulk: one message per handler and request, keyed by
    request and deadline, so a message already written is never written twice."""
    staff: dict[int, list[User]] = {}
    keys = {r.id: f"services:{r.id}:overdue:{r.deadline_on.isoformat()}" for r in rows}
    already: set[tuple[int, str]] = set()
    key_list = list(keys.values())
    for start in range(0, len(key_list), 500):
        already.update(tuple(row) for row in db.session.execute(
            select(Notification.user_id, Notification.key).where(
                Notification.key.in_(key_list[start:start + 500]))))
    now, messages, units, accounts = utcnow(), [], {}, {}
    with nullcontext() if has_request_context() else current_app.test_request_context():
        for r in rows:
            if r.unit_id not in staff:
                staff[r.unit_id] = [u for u in handlers(r.unit_id) if u.active]
            users = staff[r.unit_id]
            what = "受理" if r.status == "submitted" else "办理"
            target = url_for("services.detail", request_id=r.id)
            for u in users:
                if (u.id, keys[r.id]) in already:
                    continue
                accounts[u.id] = u
                units[len(messages)] = r.unit_id
                messages.append({"user_id": u.id, "kind": "service_overdue", "created_at": now,
                                 "title": f"{r.number} 已超过{what}期限（{r.deadline_on}）",
                                 "body": r.title[:500], "link": target, "key": keys[r.id]})
    return inbox.notify_bulk(messages, accounts, units)
