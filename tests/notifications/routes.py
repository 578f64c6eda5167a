from talent.auth.units import unit_named
from talent.extensions import db
from talent.notifications.models import Delivery, Notification
from talent.notifications.operations import notify
from tests.factories import UserFactory


def route_ids(user, role, ids):
    # The signed-in user's own notification (anonymous: someone's), so "allowed" is not a 404.
    recipient = user if user is not None else UserFactory(role="org")
    notify([recipient], "测试消息", link="/")
    latest = db.session.scalar(db.select(Notification).where(Notification.user_id == recipient.id)
                               .order_by(Notification.id.desc()))
    delivery = Delivery(notification_id=latest.id, user_id=recipient.id, channel="email",
                        address="a@example.org", idem_key=f"walk-{latest.id}", status="dead")
    db.session.add(delivery)
    db.session.flush()
    return {"notification_id": latest.id, "delivery_id": delivery.id,
            "unit_id": ids.get("unit_id") or unit_named("县住建局").id}
