"""The task-tracker part of the OpenAPI document."""
from talent.core.openapi import ERRORS, PAGING, enum, json_content, list_of, path_id, query_param
from talent.tasks.models import COMPARISONS, ITEM_STATUSES, LIGHTS, REPORT_STATUSES, SCOPES, SOURCES

NULLABLE_NUMBER = {"type": "number", "nullable": True}


def openapi() -> tuple[dict, dict]:
    light = {**enum(LIGHTS), "nullable": True}
    schemas = {
        "Indicator": {"type": "object", "properties": {
            "id": {"type": "integer"}, "plan_id": {"type": "integer"},
            "item_id": {"type": "integer", "nullable": True}, "scope": enum(SCOPES),
            "name": {"type": "string"}, "measure": {"type": "string", "example": "亿元"},
            "target": NULLABLE_NUMBER, "comparison": enum(COMPARISONS),
            "baseline_value": NULLABLE_NUMBER, "baseline_year": {"type": "integer", "nullable": True},
            "level_measure": {"type": "string", "nullable": True}, "source": enum(SOURCES),
            "metric_key": {"type": "string", "nullable": True}, "connected": {"type": "boolean"},
            "source_note": {"type": "string"}, "actual": NULLABLE_NUMBER, "level": NULLABLE_NUMBER,
            "actual_period": {"type": "string", "nullable": True}, "progress": NULLABLE_NUMBER,
            "light": light, "light_reason": {"type": "string"}}},
        "Task": {"type": "object", "properties": {
            "id": {"type": "integer"}, "plan_id": {"type": "integer"},
            "code": {"type": "string", "example": "4.3"}, "action": {"type": "string"},
            "title": {"type": "string"}, "text": {"type": "string"},
            "lead_units": {"type": "array", "items": {"type": "string"}},
            "responsible_units": {"type": "array", "items": {"type": "string"}},
            "deadline": {"type": "string", "format": "date"}, "status": enum(ITEM_STATUSES),
            "light": enum(LIGHTS), "light_reason": {"type": "string"},
            "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}}}},
        "Plan": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "year": {"type": "integer"},
            "starts_on": {"type": "string", "format": "date"},
            "ends_on": {"type": "string", "format": "date"}, "office_unit": {"type": "string"},
            "convener": {"type": "string"}, "deputy_conveners": {"type": "string"},
            "member_units": {"type": "array", "items": {"type": "string"}},
            "tolerance": {"type": "integer"},
            "actions": {"type": "array", "items": {"type": "object"}},
            "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}}}},
        "Report": {"type": "object", "properties": {
            "id": {"type": "integer"}, "item_id": {"type": "integer"}, "unit": {"type": "string"},
            "period": {"type": "string", "example": "2023-06"}, "narrative": {"type": "string"},
            "problems": {"type": "string"}, "status": enum(REPORT_STATUSES),
            "review_comment": {"type": "string"}, "version": {"type": "integer"},
            "values": {"type": "object", "additionalProperties": {"type": "number"}},
            "submitted_at": {"type": "string", "format": "date-time"},
            "reviewed_at": {"type": "string", "format": "date-time", "nullable": True}}},
    }
    task_id = path_id("task_id")
    paths = {
        "/api/v1/plans": {"get": {"summary": "工作方案（含工作任务与总体目标指标）", "parameters": PAGING,
                                  "responses": {"200": json_content(list_of("#/components/schemas/Plan")),
                                                **ERRORS}}},
        "/api/v1/tasks": {"get": {
            "summary": "工作事项及其指标、灯色",
            "parameters": [query_param("plan_id", {"type": "integer"}),
                           query_param("unit", {"type": "string", "description": "单位名称",
                                                        "x-server-rule": True}),
                           query_param("code", {"type": "string", "example": "2.1"}), *PAGING],
            "responses": {"200": json_content(list_of("#/components/schemas/Task")), **ERRORS}}},
        "/api/v1/tasks/{task_id}": {"parameters": [task_id], "get": {
            "summary": "一个工作事项",
            "responses": {"200": json_content({"$ref": "#/components/schemas/Task"}), **ERRORS}}},
        "/api/v1/tasks/{task_id}/reports": {
            "parameters": [task_id],
            "get": {"summary": "该事项的月度进度报告",
                    "parameters": [query_param("period", {"type": "string"}), *PAGING],
                    "responses": {"200": json_content(list_of("#/components/schemas/Report")), **ERRORS}},
            "post": {"summary": "报送月度进度（牵头或责任单位人员；其他人 403）",
                     "requestBody": json_content({"type": "object", "required": ["period", "narrative"],
                                                  "properties": {
                         "period": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"},
                         "narrative": {"type": "string"}, "problems": {"type": "string"},
                         "values": {"type": "object", "description": "指标编号 → 累计完成值",
                                    "additionalProperties": {"type": "number", "minimum": 0}},
                         "unit_id": {"type": "integer", "description": "管理员代报时指定单位"}}}),
                     "responses": {"201": json_content({"$ref": "#/components/schemas/Report"}),
                                   **ERRORS}}},
        "/api/v1/indicators": {"get": {
            "summary": "指标（含总体目标、工作任务和工作事项指标）",
            "parameters": [query_param("plan_id", {"type": "integer"}),
                           query_param("item_id", {"type": "integer"}),
                           query_param("source", enum(SOURCES)), *PAGING],
            "responses": {"200": json_content(list_of("#/components/schemas/Indicator")), **ERRORS}}},
    }
    return paths, schemas
