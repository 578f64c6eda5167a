from flask import g

from talent.core.features import Feature
from talent.core.permissions import acting_user
from talent.notifications import operations, views


def unread_notifications() -> int:
    """The bell's count, asked once per page and only by pages that show the bell."""
    if "unread_notifications" not in g:
        user = acting_user()
        g.unread_notifications = operations.unread_count(user) if user is not None else 0
    return g.unread_notifications


feature = Feature(
    name="notifications",
    blueprints=(views.bp,),
    template_globals={"unread_notifications": unread_notifications},
)
