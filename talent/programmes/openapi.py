"""The programmes and recommendations part of the OpenAPI document."""
from talent.core.openapi import ERROR, ERRORS, PAGING, enum, json_content, list_of, path_id, query_param
from talent.programmes.models import LEVELS, OUTCOMES, SOURCES
from talent.programmes.operations import RecommendationQuery

PROGRAMME = {"$ref": "#/components/schemas/Programme"}
RECOMMENDATION = {"$ref": "#/components/schemas/Recommendation"}


def schemas() -> dict:
    date = {"type": "string", "format": "date", "nullable": True}
    read_only = {"readOnly": True}
    return {
        "Programme": {
            "type": "object",
            "required": ["name", "level"],
            "properties": {
                "id": {"type": "integer", **read_only},
                "name": {"type": "string", "maxLength": 100},
                "level": enum(LEVELS),
                "organiser": {"type": "string", "maxLength": 100},
                "description": {"type": "string", "maxLength": 500},
                "active": {"type": "boolean", "default": True,
                           "description": "false: 停止受理推荐（历史记录保留）"},
                "calls": {"type": "array", **read_only, "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "year": {"type": "integer"}, "deadline": date}}},
            },
        },
        "Recommendation": {
            "type": "object",
            "required": ["talent_id", "programme_id", "year"],
            "properties": {
                "id": {"type": "integer", **read_only},
                "talent_id": {"type": "integer", "description": "不能在修改时更换"},
                "talent_name": {"type": "string", **read_only},
                "programme_id": {"type": "integer"},
                "programme": {"type": "string", **read_only},
                "level": {**enum(LEVELS), **read_only},
                "year": {"type": "integer", "minimum": 2000, "maximum": 2100,
                         "description": "申报年度；该项目该年度的申报批次不存在时自动建立"},
                "deadline": {**date, **read_only},
                "source": {**enum(SOURCES), "default": "other",
                           "description": "发掘渠道；other 时 note 必填"},
                "note": {"type": "string", "maxLength": 500},
                "outcome": {**enum(OUTCOMES), "default": "pending"},
                "decided_on": {**date, "description": "selected / not_selected 时必填"},
                "document_no": {"type": "string", "maxLength": 100},
                "attachment": {"type": "object", "nullable": True, **read_only, "properties": {
                    "name": {"type": "string"}, "content_type": {"type": "string"},
                    "size": {"type": "integer"}}},
                "version": {"type": "integer",
                            "description": "PATCH 必须带上读取时的 version；已被他人修改时 409"},
                "created_at": {"type": "string", "format": "date-time", **read_only},
                "updated_at": {"type": "string", "format": "date-time", **read_only},
            },
        },
    }


def openapi() -> tuple[dict, dict]:
    paths = {
        "/api/v1/programmes": {
            "get": {
                "summary": "人才项目列表",
                "parameters": [query_param("level", enum(LEVELS)),
                               query_param("active", {"type": "boolean"}), *PAGING],
                "responses": {"200": json_content(list_of(PROGRAMME["$ref"])), "401": ERROR, "403": ERROR},
            },
            "post": {
                "summary": "新增人才项目（管理员、县委组织部）",
                "requestBody": json_content(PROGRAMME),
                "responses": {"201": json_content(PROGRAMME), **ERRORS},
            },
        },
        "/api/v1/recommendations": {
            "get": {
                "summary": "推荐申报列表（县委组织部看全部，人才本人只看自己的）",
                "parameters": [
                    query_param("year", {"type": "integer"}),
                    query_param("programme_id", {"type": "integer"}),
                    query_param("level", enum(RecommendationQuery.LEVEL_FILTERS)),
                    query_param("outcome", enum(OUTCOMES)),
                    query_param("source", enum(SOURCES)),
                    query_param("talent_id", {"type": "integer"}),
                    query_param("q", {"type": "string", "description": "人才姓名"}),
                    *PAGING,
                ],
                "responses": {"200": json_content(list_of(RECOMMENDATION["$ref"])), "401": ERROR,
                              "403": ERROR},
            },
            "post": {
                "summary": "推荐人才申报项目（县委组织部）；结果为 selected 时同步提升人才的入选人才计划等级",
                "requestBody": json_content(RECOMMENDATION),
                "responses": {"201": json_content(RECOMMENDATION), **ERRORS},
            },
        },
        "/api/v1/recommendations/{recommendation_id}": {
            "parameters": [path_id("recommendation_id")],
            "get": {"summary": "推荐申报详情", "responses": {"200": json_content(RECOMMENDATION), **ERRORS}},
            "patch": {"summary": "修改推荐申报或记录结果（须带 version）",
                      "requestBody": json_content(RECOMMENDATION),
                      "responses": {"200": json_content(RECOMMENDATION), **ERRORS}},
        },
    }
    return paths, schemas()
