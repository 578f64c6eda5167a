"""GET /api/v1/openapi.json — the contract of DESIGN.md as an OpenAPI 3 document.

Enumerations come from the same choice tables the forms validate against, so
the document cannot drift from what the server accepts; a test checks that
every API route appears here.
"""
from flask import Blueprint

from talent.core.permissions import public
from talent.registry import choices

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

ERROR = {"$ref": "#/components/responses/Error"}


def _enum(values: dict) -> dict:
    return {"type": "string", "enum": list(values)}


def _talent_schema() -> dict:
    date = {"type": "string", "format": "date", "nullable": True}
    return {
        "type": "object",
        "required": ["name", "id_number", "education", "employer", "field"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "name": {"type": "string", "maxLength": 50},
            "gender": _enum(choices.GENDERS),
            "id_type": _enum(choices.ID_TYPES),
            "id_number": {"type": "string",
                          "description": "masked (430***********1234) unless the caller may see it whole"},
            "nationality": {"type": "string", "pattern": "^[A-Z]{2}$", "default": "CN"},
            "birth_date": date,
            "phone": {"type": "string"},
            "email": {"type": "string", "description": "an e-mail address, or empty"},
            "education": _enum(choices.EDUCATIONS),
            "title_level": _enum(choices.TITLE_LEVELS),
            "title_name": {"type": "string"},
            "employer": {"type": "string"},
            "field": _enum(choices.FIELDS),
            "category": _enum(choices.CATEGORIES),
            "source": _enum(choices.SOURCES),
            "introduced_on": date,
            "programme_level": _enum(choices.PROGRAMME_LEVELS),
            "works_in_county": {"type": "boolean", "default": True},
            "team_id": {"type": "integer", "nullable": True},
            "honors": {"type": "array", "items": {"type": "string"}},
            "status": _enum(choices.STATUSES),
            "created_at": {"type": "string", "format": "date-time", "readOnly": True},
            "updated_at": {"type": "string", "format": "date-time", "readOnly": True},
        },
    }


def _list_of(ref: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": ref}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    }


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema}


TALENT = {"$ref": "#/components/schemas/Talent"}
TALENT_ID = {"name": "talent_id", "in": "path", "required": True, "schema": {"type": "integer"}}
CARD_ID = {"name": "card_id", "in": "path", "required": True, "schema": {"type": "integer"}}
CARD = {"type": "object", "properties": {
    "id": {"type": "integer"}, "number": {"type": "string", "example": "LBYC-2026-000123"},
    "talent_id": {"type": "integer"}, "tier": {"type": "string", "example": "B"},
    "issued_on": {"type": "string", "format": "date"}, "expires_on": {"type": "string", "format": "date"},
    "status": {"type": "string", "enum": ["active", "expired", "revoked", "replaced"]},
    "rule_version": {"type": "integer"}, "revoked_on": {"type": "string", "nullable": True},
    "revoke_reason": {"type": "string", "nullable": True},
    "replaces_id": {"type": "integer", "nullable": True}, "qr_png": {"type": "string"}}}
VERIFICATION = {"type": "object", "properties": {
    "valid": {"type": "boolean"},
    "status": {"type": "string", "enum": ["active", "expired", "revoked", "replaced", "invalid"]},
    "tier": {"type": "string", "nullable": True},
    "holder": {"type": "string", "description": "masked, e.g. 张*三"},
    "expires_on": {"type": "string", "format": "date", "nullable": True}}}
_CHECK = {"type": "object", "properties": {"criterion": {"type": "string"}, "met": {"type": "boolean"},
                                           "detail": {"type": "string"}}}
ELIGIBILITY = {"type": "object", "properties": {
    "talent_id": {"type": "integer"}, "rule_version": {"type": "integer"},
    "eligible": {"type": "boolean"}, "tier": {"type": "string", "nullable": True},
    "tier_name": {"type": "string"}, "summary": {"type": "string"},
    "requirements": {"type": "array", "items": _CHECK},
    "tiers": {"type": "array", "items": {"type": "object", "properties": {
        "tier": {"type": "string"}, "name": {"type": "string"}, "met": {"type": "boolean"},
        "criteria": {"type": "array", "items": _CHECK}}}}}}


def build_document() -> dict:
    errors = {str(code): ERROR for code in (400, 401, 403, 404, 409, 422)}
    return {
        "openapi": "3.0.3",
        "info": {"title": "泷泊英才 API", "version": "1.0.0",
                 "description": "双牌县人才服务系统接口。先以用户名密码换取令牌，"
                                "再以 Authorization: Bearer 调用。"},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/auth/token": {
                "post": {
                    "summary": "换取访问令牌",
                    "security": [],
                    "requestBody": _json({"type": "object", "required": ["username", "password"],
                                          "properties": {"username": {"type": "string"},
                                                         "password": {"type": "string"}}}),
                    "responses": {"200": _json({"type": "object", "properties": {
                        "token": {"type": "string"},
                        "expires_at": {"type": "string", "format": "date-time"},
                        "role": {"type": "string"}}}), "400": ERROR, "401": ERROR, "422": ERROR},
                }
            },
            "/api/v1/talents": {
                "get": {
                    "summary": "人才列表（可检索、筛选、分页）",
                    "parameters": [
                        _query("q", {"type": "string", "description": "姓名、工作单位或电话"}),
                        _query("category", _enum(choices.CATEGORIES)),
                        _query("field", _enum(choices.FIELDS)),
                        _query("title_level", _enum(choices.TITLE_LEVELS)),
                        _query("education", _enum(choices.EDUCATIONS)),
                        _query("source", _enum(choices.SOURCES)),
                        _query("status", _enum(choices.STATUSES)),
                        _query("nationality", {"type": "string"}),
                        _query("sort", {"type": "string", "example": "-id"}),
                        _query("page", {"type": "integer", "minimum": 1}),
                        _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                    ],
                    "responses": {"200": _json(_list_of("#/components/schemas/Talent")),
                                  "401": ERROR, "403": ERROR},
                },
                "post": {
                    "summary": "登记人才",
                    "requestBody": _json(TALENT),
                    "responses": {"201": _json(TALENT), **errors},
                },
            },
            "/api/v1/talents/{talent_id}": {
                "parameters": [TALENT_ID],
                "get": {"summary": "人才详情", "responses": {"200": _json(TALENT), **errors}},
                "patch": {"summary": "修改人才信息（只需提交要改的字段）",
                          "requestBody": _json(TALENT),
                          "responses": {"200": _json(TALENT), **errors}},
            },
            "/api/v1/talents/{talent_id}/eligibility": {
                "parameters": [TALENT_ID],
                "get": {"summary": "VIP卡资格审核（逐条说明符合与否）；人才本人可查自己的",
                        "responses": {"200": _json(ELIGIBILITY), **errors}},
            },
            "/api/v1/cards": {
                "post": {"summary": "发放VIP卡（不符合条件返回 422 并列出未满足的条件）",
                         "requestBody": _json({"type": "object", "required": ["talent_id"],
                                               "properties": {"talent_id": {"type": "integer"}}}),
                         "responses": {"201": _json(CARD), **errors}},
            },
            "/api/v1/cards/{card_id}": {
                "parameters": [CARD_ID],
                "get": {"summary": "卡片详情", "responses": {"200": _json(CARD), **errors}},
            },
            "/api/v1/cards/{card_id}/revoke": {
                "parameters": [CARD_ID],
                "post": {"summary": "注销（必须填写原因）",
                         "requestBody": _json({"type": "object", "required": ["reason"],
                                               "properties": {"reason": {"type": "string"}}}),
                         "responses": {"200": _json(CARD), **errors}},
            },
            "/api/v1/cards/{card_id}/renew": {
                "parameters": [CARD_ID],
                "post": {"summary": "续期（同一卡号，按现行规则重新审核，有效期三年）",
                         "responses": {"200": _json(CARD), **errors}},
            },
            "/api/v1/cards/{card_id}/reissue": {
                "parameters": [CARD_ID],
                "post": {"summary": "挂失补办（新卡号；原卡二维码失效）",
                         "responses": {"201": _json(CARD), **errors}},
            },
            "/api/v1/cards/{card_id}/qr.png": {
                "parameters": [CARD_ID],
                "get": {"summary": "核验二维码 PNG",
                        "responses": {"200": {"description": "PNG", "content": {"image/png": {}}},
                                      **errors}},
            },
            "/api/v1/cards/verify/{token}": {
                "parameters": [{"name": "token", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "get": {"summary": "公开核验（无需登录，按客户端限流）", "security": [],
                        "responses": {"200": _json(VERIFICATION), "429": ERROR}},
            },
            "/api/v1/openapi.json": {
                "get": {"summary": "本文档", "security": [],
                        "responses": {"200": {"description": "OpenAPI 3 文档"}}}
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Talent": _talent_schema(),
                "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {
                        "type": "array", "items": {"type": "string"}}}}}}},
            },
            "responses": {"Error": {"description": "错误", **_json({"$ref": "#/components/schemas/Error"})}},
        },
    }


@bp.get("/openapi.json")
@public
def openapi_document():
    return build_document()
