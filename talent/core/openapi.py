"""GET /api/v1/openapi.json — the API contract as an OpenAPI 3 document, assembled from the features.

Each feature contributes ``(paths, schemas)`` through its ``Feature.openapi`` hook, built
from the same choice tables its forms validate against, so the document cannot drift
from what the server accepts; a test checks it against the URL map both ways.
"""
from flask import Blueprint

from talent.core.features import installed_features
from talent.core.permissions import public

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

ERROR = {"$ref": "#/components/responses/Error"}
ERRORS = {str(code): ERROR for code in (400, 401, 403, 404, 409, 422)}


def enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


def list_of(ref: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": ref}},
            "total": {"type": "integer", "description": "至多 10000 时为确切总数；超过时为下限 10000"},
            "total_is_estimate": {"type": "boolean",
                                  "description": "true：匹配超过 total 条（下限）；?exact=1 取确切总数"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    }


def json_content(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def query_param(name: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema}


# Ids are 32-bit in the database; the document says so, and larger ones are 404/422, not errors.
DATABASE_ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": DATABASE_ID}


PAGING = [query_param("page", {"type": "integer", "minimum": 1}),
          query_param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
          query_param("exact", {"type": "string", "enum": ["1"]})]


def build_document() -> dict:
    paths: dict = {}
    schemas: dict = {
        "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"type": "string"}}}}}}},
    }
    for feature in installed_features():
        if feature.openapi is not None:
            feature_paths, feature_schemas = feature.openapi()
            paths.update(feature_paths)
            schemas.update(feature_schemas)
    paths["/api/v1/openapi.json"] = {
        "get": {"summary": "本文档", "security": [],
                "responses": {"200": {"description": "OpenAPI 3 文档"}}}
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "泷泊英才 API", "version": "1.0.0",
                 "description": "双牌县人才服务系统接口。先以用户名密码换取令牌，"
                                "再以 Authorization: Bearer 调用。"},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
            "responses": {"Error": {"description": "错误",
                                    **json_content({"$ref": "#/components/schemas/Error"})}},
        },
    }


@bp.get("/openapi.json")
@public
def openapi_document():
    return build_document()
