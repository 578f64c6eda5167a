"""GET /api/v1/openapi.json — the API contract as an OpenAPI 3 document, assembled from the features.

Each feature contributes ``(paths, schemas)`` through its ``Feature.openapi`` hook, built
from the same choice tables its forms validate against, so the document cannot drift
from what the server accepts; a test checks it against the URL map both ways.
"""
import copy
import re

from flask import Blueprint, current_app

from talent.core.features import installed_features
from talent.core.formschema import body_schema
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
DB_INT_MAX = 2**31 - 1
DATABASE_ID = {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX}


def path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": DATABASE_ID}


PAGING = [query_param("page", {"type": "integer", "minimum": 1}),
          query_param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
          query_param("exact", {"type": "string", "enum": ["1"]})]


# Every operation can answer these: the input boundary (400 bad JSON, 422 refused characters or a
# mistyped query parameter), authentication and permission (401/403), an object the caller may
# not see (404), a version conflict (409), a body over MAX_CONTENT_LENGTH (413), a rate limit
# (429) and a database busy with a long import (503, Retry-After).
COMMON_ERRORS = (400, 401, 403, 404, 409, 413, 422, 429, 503)
METHODS = ("get", "post", "put", "patch", "delete")


def _rule_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def refine(paths: dict) -> None:
    """What the features' hand-written entries leave out, filled in one place for all of them:
    request bodies generated from the forms the endpoints validate with (``@api_body``), every
    error status an operation can answer, and integer query parameters bounded as the input
    boundary reads them. Entries of endpoints without ``@api_body`` keep their own body."""
    for rule in current_app.url_map.iter_rules():
        view = current_app.view_functions.get(rule.endpoint)
        declared = getattr(view, "api_body", None)
        item = paths.get(_rule_path(rule.rule))
        if declared is None or item is None:
            continue
        for method in rule.methods or ():
            operation = item.get(method.lower())
            if isinstance(operation, dict):
                operation["requestBody"] = {"required": True, **json_content(body_schema(declared))}
    for item in paths.values():
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for code in COMMON_ERRORS:
                responses.setdefault(str(code), ERROR)
            for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                schema = parameter.get("schema", {})
                if schema.get("type") == "integer":
                    schema.setdefault("minimum", -DB_INT_MAX)
                    schema.setdefault("maximum", DB_INT_MAX)
                if parameter.get("in") == "query":
                    _printable_strings(schema)
            body = operation.get("requestBody")
            if body:
                body.setdefault("required", True)
                schema = body.get("content", {}).get("application/json", {}).get("schema", {})
                if schema.get("type") == "object":
                    # Bodies are validated through forms, which refuse fields they do not know.
                    schema.setdefault("additionalProperties", False)
                _printable_strings(schema)


# What the input boundary (core/inputs.py) refuses in any text, as a JSON Schema character class.
# (Lone surrogates are refused too; a regex engine working on code points cannot name them.)
FORBIDDEN_CLASS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069\\ufffe\\uffff"
PRINTABLE = f"^[^{FORBIDDEN_CLASS}]*$"
PRINTABLE_NOT_BLANK = f"^[^{FORBIDDEN_CLASS}]*[^{FORBIDDEN_CLASS}\\s][^{FORBIDDEN_CLASS}]*$"


def _printable_strings(schema: dict) -> None:
    """Free-text strings of a request say which characters the boundary refuses (inline schemas
    only: ``$ref`` components are shared with responses)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        if schema.get("pattern") == r"\S":
            schema["pattern"] = PRINTABLE_NOT_BLANK
        else:
            schema.setdefault("pattern", PRINTABLE)
    for child in (schema.get("properties") or {}).values():
        _printable_strings(child)
    if isinstance(schema.get("items"), dict):
        _printable_strings(schema["items"])


def _request_variant(schema: dict, schemas: dict) -> dict:
    """A request body's own copy of a component (``$ref``, or ``allOf`` of components and
    additions): read-only properties left out, so ``refine`` can close it and mark its text."""
    if "$ref" in schema:
        return _request_variant(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas)
    if "allOf" in schema:
        merged: dict = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            variant = _request_variant(part, schemas)
            merged["properties"].update(variant.get("properties", {}))
            merged["required"] += [r for r in variant.get("required", []) if r not in merged["required"]]
        schema = merged
    schema = copy.deepcopy(schema)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        schema["properties"] = {name: prop for name, prop in properties.items() if not prop.get("readOnly")}
        if "required" in schema:
            schema["required"] = [r for r in schema["required"] if r in schema["properties"]]
    if not schema.get("required"):
        schema.pop("required", None)
    return schema


def inline_request_bodies(paths: dict, schemas: dict) -> None:
    """Bodies that name a component shared with responses get a closed copy of their own: a
    client generated from the document must not send fields the forms refuse."""
    for item in paths.values():
        for method in METHODS:
            operation = item.get(method)
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            content = (body or {}).get("content", {}).get("application/json")
            if content and ("$ref" in content.get("schema", {}) or "allOf" in content.get("schema", {})):
                content["schema"] = _request_variant(content["schema"], schemas)


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
    inline_request_bodies(paths, schemas)
    refine(paths)
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
