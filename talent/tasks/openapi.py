"""The task-tracker part of the OpenAPI document."""
from talent.core.openapi import ERRORS, PAGING, enum, json_content, list_of, path_id, query_param
from talent.tasks.models import (
    AGGREGATIONS,
    COMPARISONS,
    DIRECTIVE_GRADES,
    DIRECTIVE_STATUSES,
    ITEM_STATUSES,
    LIGHT_LABELS,
    OUTCOMES,
    PLAN_STATUSES,
    REPORT_STATUSES,
    SCOPES,
    SOURCES,
)

NULLABLE_NUMBER = {"type": "number", "nullable": True}


def openapi() -> tuple[dict, dict]:
    light = {**enum(LIGHT_LABELS), "nullable": True}
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
            "light": light, "light_reason": {"type": "string"},
            "aggregation": enum(AGGREGATIONS), "cumulative": {"type": "boolean"},
            "named_units": {"type": "array", "items": {"type": "string"},
                            "description": "另行指定可报送该指标的单位（如增长率由县统计局报送）"},
            "year": {"type": "integer", "description": "计算口径年度（系统数据指标按年计算）"},
            "computed_at": {"type": "string", "format": "date-time", "nullable": True,
                            "description": "系统数据指标：所用数据的计算时间（UTC，后台每分钟内刷新；"
                                           "累计指标取各年中最早的）；其他指标为 null"},
            "computed_stale": {"type": "boolean",
                               "description": "系统数据超过数个刷新周期未更新（后台任务可能未运行）"}}},
        "Contribution": {"type": "object", "properties": {
            "unit": {"type": "string"}, "unit_id": {"type": "integer"}, "value": {"type": "number"},
            "period": {"type": "string", "example": "2026-11"},
            "status": {"type": "string", "enum": ["confirmed", "submitted"]}}},
        "Task": {"type": "object", "properties": {
            "id": {"type": "integer"}, "plan_id": {"type": "integer"},
            "code": {"type": "string", "example": "4.3"}, "action": {"type": "string"},
            "title": {"type": "string"}, "text": {"type": "string"},
            "lead_units": {"type": "array", "items": {"type": "string"}},
            "responsible_units": {"type": "array", "items": {"type": "string"}},
            "deadline": {"type": "string", "format": "date"}, "status": enum(ITEM_STATUSES),
            "light": enum(LIGHT_LABELS), "light_reason": {"type": "string"},
            "outcome": {"type": "string", "enum": list(OUTCOMES), "nullable": True},
            "outcome_note": {"type": "string", "nullable": True},
            "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}}}},
        "Plan": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "year": {"type": "integer"},
            "starts_on": {"type": "string", "format": "date"},
            "ends_on": {"type": "string", "format": "date"}, "status": enum(PLAN_STATUSES),
            "final_evaluation": {"type": "string", "nullable": True},
            "closed_at": {"type": "string", "format": "date-time", "nullable": True},
            "copied_from_id": {"type": "integer", "nullable": True}, "office_unit": {"type": "string"},
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
            "submitted_by_id": {"type": "integer", "nullable": True},
            "reviewed_by_id": {"type": "integer", "nullable": True},
            "submitted_at": {"type": "string", "format": "date-time"},
            "reviewed_at": {"type": "string", "format": "date-time", "nullable": True}}},
    }
    task_id = path_id("task_id")
    indicator_id = path_id("task_indicator_id")
    directive_id = path_id("task_directive_id")
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
        "/api/v1/indicators/{task_indicator_id}": {"parameters": [indicator_id], "get": {
            "summary": "一个指标：某年度（year）或截至某月（period）的全县数及各单位贡献",
            "parameters": [query_param("year", {"type": "integer", "example": 2024}),
                           query_param("period", {"type": "string", "example": "2024-06"})],
            "responses": {"200": json_content({"allOf": [
                {"$ref": "#/components/schemas/Indicator"},
                {"type": "object", "properties": {"contributions": {
                    "type": "array", "items": {"$ref": "#/components/schemas/Contribution"}}}}]}),
                **ERRORS}}},
        "/api/v1/indicators/{task_indicator_id}/values": {"parameters": [indicator_id], "post": {
            "summary": ("填报总体目标或工作任务指标（专班办公室；工作任务的牵头单位；指标上指定的单位；"
                        "其他 403）"),
            "requestBody": json_content({"type": "object", "required": ["period", "value"], "properties": {
                "period": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"},
                "value": {"type": "number"}, "unit_id": {"type": "integer", "description": "代填单位"},
                "note": {"type": "string", "maxLength": 500}}}),
            "responses": {"201": json_content({"$ref": "#/components/schemas/Indicator"}), **ERRORS}}},
        "/api/v1/reports/{task_report_id}/review": {"parameters": [path_id("task_report_id")], "post": {
            "summary": ("确认或退回进度报告（四眼原则：报送人本人 403；专班办公室自己的报告由办公室其他人员"
                        "或专班召集人确认；版本过期 409）"),
            "requestBody": json_content({"type": "object", "required": ["decision", "version"],
                                         "properties": {
                "decision": {"type": "string", "enum": ["confirm", "return"]},
                "comment": {"type": "string", "maxLength": 500}, "version": {"type": "integer"}}}),
            "responses": {"200": json_content({"$ref": "#/components/schemas/Report"}), **ERRORS}}},
        "/api/v1/tasks/{task_id}/directives": {"parameters": [task_id], "post": {
            "summary": "发督办单（专班办公室；发给该事项任一牵头或责任单位）",
            "requestBody": json_content({"type": "object",
                                         "required": ["unit_id", "grade", "request", "reply_by"],
                                         "properties": {
                "unit_id": {"type": "integer"}, "grade": enum(DIRECTIVE_GRADES),
                "request": {"type": "string", "maxLength": 2000},
                "reply_by": {"type": "string", "format": "date"},
                "responsible_person": {"type": "string", "maxLength": 40}}}),
            "responses": {"201": json_content({"$ref": "#/components/schemas/Directive"}), **ERRORS}}},
        "/api/v1/directives/{task_directive_id}/receipt": {"parameters": [directive_id], "post": {
            "summary": "签收督办单（被督办单位人员）",
            "responses": {"200": json_content({"$ref": "#/components/schemas/Directive"}), **ERRORS}}},
        "/api/v1/directives/{task_directive_id}/reply": {"parameters": [directive_id], "post": {
            "summary": "回复督办单（签收后；被督办单位人员）",
            "requestBody": json_content({"type": "object", "required": ["text"],
                                         "properties": {"text": {"type": "string", "maxLength": 3000}}}),
            "responses": {"200": json_content({"$ref": "#/components/schemas/Directive"}), **ERRORS}}},
    }
    schemas["Directive"] = {"type": "object", "properties": {
        "id": {"type": "integer"},
        "number": {"type": "string", "example": "督办〔2026〕3号", "nullable": True},
        "item_id": {"type": "integer"}, "unit": {"type": "string"}, "unit_id": {"type": "integer"},
        "grade": enum(DIRECTIVE_GRADES), "responsible_person": {"type": "string", "nullable": True},
        "request": {"type": "string"}, "reply_by": {"type": "string", "format": "date"},
        "acknowledge_by": {"type": "string", "format": "date", "nullable": True},
        "acknowledged_at": {"type": "string", "format": "date-time", "nullable": True},
        "escalated_on": {"type": "string", "format": "date", "nullable": True},
        "status": enum(DIRECTIVE_STATUSES), "reply": {"type": "string", "nullable": True},
        "replied_at": {"type": "string", "format": "date-time", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"}}}
    return paths, schemas
