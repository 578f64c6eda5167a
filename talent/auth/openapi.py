"""The sign-in part of the OpenAPI document."""
from talent.auth.models import UNIT_KINDS
from talent.core.openapi import ERROR, ERRORS, PAGING, enum, json_content, list_of, path_id


def openapi() -> tuple[dict, dict]:
    paths = {
            "/api/v1/auth/token": {
                "post": {
                    "summary": "换取访问令牌",
                    "security": [],
                    "requestBody": json_content({"type": "object", "required": ["username", "password"],
                                          "properties": {"username": {"type": "string"},
                                                         "password": {"type": "string"}}}),
                    "responses": {"200": json_content({"type": "object", "properties": {
                        "token": {"type": "string"},
                        "expires_at": {"type": "string", "format": "date-time"},
                        "role": {"type": "string"}}}), "400": ERROR, "401": ERROR,
                        "403": ERROR,  # password_change_required: a one-time password
                        "422": ERROR},
                }
            },
            "/api/v1/units": {
                "get": {"summary": "单位（管理员）", "parameters": PAGING,
                        "responses": {"200": json_content(list_of("#/components/schemas/Unit")), **ERRORS}},
                "post": {"summary": "新增单位（管理员）",
                         "requestBody": json_content({"allOf": [
                             {"$ref": "#/components/schemas/UnitInput"},
                             {"type": "object", "required": ["name", "kind"]}]}),
                         "responses": {"201": json_content({"$ref": "#/components/schemas/Unit"}), **ERRORS}},
            },
            "/api/v1/units/{unit_id}": {
                "parameters": [path_id("unit_id")],
                "patch": {"summary": "修改、停用或恢复单位（管理员；单位不删除，version 过期 409）",
                          "requestBody": json_content({"allOf": [
                              {"$ref": "#/components/schemas/UnitInput"},
                              {"type": "object", "required": ["version"],
                               "properties": {"version": {"type": "integer"}}}]}),
                          "responses": {"200": json_content({"$ref": "#/components/schemas/Unit"}),
                                        **ERRORS}},
            },
    }
    unit_input = {"name": {"type": "string", "minLength": 1, "maxLength": 60, "pattern": r"\S",
                           "x-server-rule": True},  # unique among units
                  "kind": enum(UNIT_KINDS),
                  "sort_order": {"type": "integer", "minimum": 0, "maximum": 100000},
                  "active": {"type": "boolean"},
                  "group_name": {"type": "string", "nullable": True}}
    schemas = {
        "UnitInput": {"type": "object", "properties": unit_input},
        "Unit": {"type": "object", "properties": {"id": {"type": "integer"}, **unit_input,
                                                  "version": {"type": "integer"}}},
    }
    return paths, schemas
