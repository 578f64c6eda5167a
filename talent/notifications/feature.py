"""The in-app inbox (站内消息) every feature writes to: a bell with an unread count, a list, read
marks — and the outbox that carries notices on by SMS, e-mail and work-group robots, with the
``flask worker`` that sends them (its ``background`` hook)."""
from flask import g

from talent.core.features import Feature, MenuEntry
from talent.core.masking import mask_phone
from talent.core.permissions import Permission, acting_user
from talent.notifications import admin, api, openapi, operations, outbox, views


def unread_notifications() -> int:
    """The bell's count, asked once per page and only by pages that show the bell."""
    if "unread_notifications" not in g:
        user = acting_user()
        g.unread_notifications = operations.unread_count(user) if user is not None else 0
    return g.unread_notifications


feature = Feature(
    name="notifications",
    blueprints=(views.bp, admin.bp),
    api_blueprints=(api.bp,),
    menu=(
        MenuEntry("notifications_admin.deliveries", "短信邮件发送记录", "send", Permission.USERS_MANAGE,
                  order=96, group="系统管理"),
        MenuEntry("notifications_admin.webhooks", "单位工作群机器人", "robot", Permission.USERS_MANAGE,
                  order=97, group="系统管理"),
    ),
    audit_objects={"deliveries": "短信邮件发送", "unit_webhooks": "单位工作群机器人"},
    audit_actions={"resend": "重新发送", "contact": "修改联系方式", "channels": "修改通知渠道"},
    openapi=openapi.openapi,
    template_globals={"unread_notifications": unread_notifications},
    template_filters={"mask_phone": mask_phone},
    daily=outbox.send_digests,
    background=outbox.run_batch,
)
