"""The service-request part of the OpenAPI document."""
from talent.core.openapi import ERRORS, PAGING, enum, json_content, list_of, path_id, query_param
from talent.services.machine import MOVES
from talent.services.models import STATUSES

REQUEST_ID = path_id("request_id")
SERVICE_REQUEST = {"$ref": "#/components/schemas/ServiceRequest"}
NEW_REQUEST = {"type": "object", "required": ["type", "title", "description"], "properties": {
    "type": {"type": "string", "example": "housing"}, "title": {"type": "string", "maxLength": 100},
    "description": {"type": "string", "maxLength": 2000},
    "talent_id": {"type": "integer", "description": "县委组织部代人才提交时必填"}}}


def _schema() -> dict:
    return {"type": "object", "properties": {
        "id": {"type": "integer"}, "number": {"type": "string", "example": "FW-2026-000123"},
        "type": {"type": "string", "example": "housing"}, "title": {"type": "string"},
        "description": {"type": "string"}, "talent_id": {"type": "integer"},
        "unit": {"type": "string", "description": "handling unit's name"},
        "status": enum(STATUSES), "priority": {"type": "boolean"},
        "accept_due_on": {"type": "string", "format": "date"},
        "due_on": {"type": "string", "format": "date", "nullable": True},
        "overdue": {"type": "boolean"}, "version": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "rating": {"type": "integer", "nullable": True, "minimum": 1, "maximum": 5}}}


def openapi() -> tuple[dict, dict]:
    flag = {"type": "string", "enum": ["1", "0"]}
    paths = {
        "/api/v1/service-requests": {
            "get": {"summary": "服务申请列表（人才：本人的；单位：本单位办理的；组织部、管理员：全部）",
                    "parameters": [query_param("status", enum([*STATUSES, "open"])),
                                   query_param("type", {"type": "string"}),
                                   query_param("overdue", flag), query_param("soon", flag),
                                   query_param("priority", flag), query_param("unit_id", {"type": "integer"}),
                                   query_param("q", {"type": "string"}), *PAGING],
                    "responses": {"200": json_content(list_of("#/components/schemas/ServiceRequest")),
                                  **ERRORS}},
            "post": {"summary": "提交服务申请（人才本人；县委组织部代提交时填 talent_id）",
                     "requestBody": json_content(NEW_REQUEST),
                     "responses": {"201": json_content(SERVICE_REQUEST), **ERRORS}},
        },
        "/api/v1/service-requests/{request_id}": {
            "parameters": [REQUEST_ID],
            "get": {"summary": "服务申请详情", "responses": {"200": json_content(SERVICE_REQUEST), **ERRORS}},
        },
        "/api/v1/service-requests/{request_id}/transition": {
            "parameters": [REQUEST_ID],
            "post": {"summary": "办理操作：to 为目标状态或操作名（" + "、".join(MOVES) + "）；"
                                "version 过期返回 409，状态机不允许返回 422，其他单位返回 403",
                     "requestBody": json_content({"type": "object", "required": ["to", "version"],
                                                  "properties": {"to": {"type": "string"},
                                                                 "note": {"type": "string"},
                                                                 "version": {"type": "integer"},
                                                                 "unit_id": {"type": "integer",
                                                                             "description": "转交时必填"}}}),
                     "responses": {"200": json_content(SERVICE_REQUEST), **ERRORS}},
        },
        "/api/v1/service-requests/{request_id}/rating": {
            "parameters": [REQUEST_ID],
            "post": {"summary": "人才评价已办结的申请（1–5 星）",
                     "requestBody": json_content({"type": "object", "required": ["score"],
                                                  "properties": {"score": {"type": "integer", "minimum": 1,
                                                                           "maximum": 5},
                                                                 "comment": {"type": "string"}}}),
                     "responses": {"200": json_content(SERVICE_REQUEST), **ERRORS}},
        },
    }
    return paths, {"ServiceRequest": _schema()}
