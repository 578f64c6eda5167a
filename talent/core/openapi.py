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
            "email": {"type": "string", "format": "email"},
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
                        "token": {"type": "string"}, "expires_at": {"type": "string"},
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
