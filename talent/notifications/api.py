"""/api/v1/notifications: the caller's own inbox, newest first, and read marks (DESIGN.md)."""
from flask import Blueprint, abort, request
from sqlalchemy.orm import selectinload

from talent.core.api import page_envelope
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.notifications import operations
from talent.notifications.models import Notification

bp = Blueprint("notifications_api", __name__, url_prefix="/api/v1")


@bp.get("/notifications")
@require(Permission.SIGNED_IN)
def index():
    query = operations.visible_to(acting_user()).order_by(Notification.id.desc())
    if request.args.get("unread") in ("true", "1"):
        query = query.where(Notification.read_at.is_(None))
    elif request.args.get("unread") == "false":
        query = query.where(Notification.read_at.is_not(None))
    page = paginate(query.options(selectinload(Notification.deliveries)), request.args)
    return page_envelope(page, Notification.to_dict)


@bp.post("/notifications/<int:notification_id>/read")
@require(Permission.SIGNED_IN)
def read(notification_id: int):
    notification = db.session.scalar(operations.visible_to(acting_user()).where(
        Notification.id == notification_id)) or abort(404)
    operations.mark_read(acting_user(), notification)
    db.session.commit()
    return notification.to_dict()
