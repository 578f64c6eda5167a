"""The notifications part of the OpenAPI document."""
from talent.core.openapi import ERROR, ERRORS, PAGING, enum, json_content, list_of, path_id, query_param
from talent.notifications.models import CHANNELS, DELIVERY_STATUSES

NOTIFICATION = {"$ref": "#/components/schemas/Notification"}


def schemas() -> dict:
    when = {"type": "string", "format": "date-time", "nullable": True}
    return {"Notification": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string"}, "title": {"type": "string"},
        "body": {"type": "string"}, "link": {"type": "string", "description": "站内相对地址"},
        "created_at": {"type": "string", "format": "date-time"}, "read_at": when,
        "unread": {"type": "boolean"},
        "deliveries": {"type": "array", "description": "短信、邮件、工作群的发送状态", "items": {
            "type": "object", "properties": {
                "channel": enum(CHANNELS), "status": enum(DELIVERY_STATUSES),
                "attempts": {"type": "integer"}, "sent_at": when,
                "error": {"type": "string", "description": "供应商最后一次的答复"}}}},
    }}}


def openapi() -> tuple[dict, dict]:
    paths = {
        "/api/v1/notifications": {"get": {
            "summary": "本人的站内消息，新的在前",
            "parameters": [query_param("unread", {"type": "boolean", "description": "true 只看未读"}),
                           *PAGING],
            "responses": {"200": json_content(list_of(NOTIFICATION["$ref"])), "401": ERROR}}},
        "/api/v1/notifications/{notification_id}/read": {
            "parameters": [path_id("notification_id")],
            "post": {"summary": "标为已读（他人的消息 404）",
                     "responses": {"200": json_content(NOTIFICATION), **ERRORS}}},
    }
    return paths, schemas()
