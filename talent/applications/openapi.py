"""The card-applications part of the OpenAPI document."""
from talent.applications.machine import TARGETS
from talent.applications.models import STARTED_BY, STATUSES
from talent.core.openapi import ERROR, ERRORS, PAGING, enum, json_content, list_of, path_id, query_param

APPLICATION = {"$ref": "#/components/schemas/CardApplication"}


def schemas() -> dict:
    read_only = {"readOnly": True}
    date = {"type": "string", "format": "date", "nullable": True, **read_only}
    return {
        "CardApplication": {
            "type": "object",
            "properties": {
                "id": {"type": "integer", **read_only},
                "talent_id": {"type": "integer", "x-server-rule": True,
                              "description": "用人单位、组织部代为申请时必填；人才本人省略"},
                "talent_name": {"type": "string", **read_only},
                "employer_id": {"type": "integer", "x-server-rule": True,
                                "description": "省略时取人才登记的用人单位（用人单位账户为本单位）"},
                "employer": {"type": "string", **read_only},
                "note": {"type": "string", "maxLength": 1000},
                "status": {**enum(STATUSES), **read_only},
                "eligible_tier": {"type": "string", "nullable": True, **read_only,
                                  "description": "申请时按现行发卡规则可申请的最高档次（就高）"},
                "rule_version": {"type": "integer", **read_only},
                "started_by": {**enum(STARTED_BY), **read_only},
                "submitted_on": date, "decided_on": date,
                "card_id": {"type": "integer", "nullable": True, **read_only,
                            "description": "批准后发放的卡"},
                "card_number": {"type": "string", "nullable": True, **read_only},
                "files": {"type": "array", **read_only, "items": {"type": "object"}},
                "steps": {"type": "array", **read_only, "items": {"type": "object"}},
                "version": {"type": "integer", **read_only},
                "created_at": {"type": "string", "format": "date-time", **read_only},
                "updated_at": {"type": "string", "format": "date-time", **read_only},
            },
        },
        "CardApplicationTransition": {
            "type": "object",
            "required": ["to", "version"],
            "properties": {
                "to": {**enum(TARGETS), "description": "confirmed/declined：用人单位；approved/returned/"
                       "rejected：县委组织部；submitted：退回后重新提交；withdrawn：本人撤回"},
                "note": {"type": "string", "maxLength": 500,
                         "description": "declined、returned、rejected 必填"},
                "version": {"type": "integer", "description": "读取时的 version；已被他人办理时 409"},
            },
        },
    }


def openapi() -> tuple[dict, dict]:
    paths = {
        "/api/v1/card-applications": {
            "get": {"summary": "VIP卡申请（人才看本人的，用人单位看本单位人员的，组织部看全部）",
                    "parameters": [query_param("status", enum(STATUSES)),
                                   query_param("talent_id", {"type": "integer"}), *PAGING],
                    "responses": {"200": json_content(list_of(APPLICATION["$ref"])), "401": ERROR,
                                  "403": ERROR}},
            "post": {"summary": "申请VIP卡（人才：{note}；用人单位或组织部：{talent_id, note}）",
                     "requestBody": json_content(APPLICATION),
                     "responses": {"201": json_content(APPLICATION), **ERRORS}},
        },
        "/api/v1/card-applications/{application_id}": {
            "parameters": [path_id("application_id")],
            "get": {"summary": "VIP卡申请详情", "responses": {"200": json_content(APPLICATION), **ERRORS}},
        },
        "/api/v1/card-applications/{application_id}/transition": {
            "parameters": [path_id("application_id")],
            "post": {"summary": "办理：确认、不予确认、批准（发卡）、退回、不予通过、重新提交、撤回",
                     "requestBody": json_content({"$ref": "#/components/schemas/CardApplicationTransition"}),
                     "responses": {"200": json_content(APPLICATION), **ERRORS}},
        },
    }
    return paths, schemas()
