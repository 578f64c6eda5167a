from talent.notifications.operations import notify
from tests.factories import UserFactory


def route_ids(user, role, ids):
    # The signed-in user's own notification (anonymous: someone's), so "allowed" is not a 404.
    recipient = user if user is not None else UserFactory(role="org")
    notify([recipient], "测试消息", link="/")
    from talent.extensions import db
    from talent.notifications.models import Notification

    latest = db.session.scalar(db.select(Notification).where(Notification.user_id == recipient.id)
                               .order_by(Notification.id.desc()))
    return {"notification_id": latest.id}
