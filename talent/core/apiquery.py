"""Query parameters of the API checked against the OpenAPI document: the document is the contract,
so a parameter it declares as an integer, a boolean, a date or one of an enum is refused with 422
when it is anything else (``?target_id=null`` was silently ignored and answered the whole list).
Parameters the document does not declare are left to the view (they are ignored).
"""
import re
from datetime import date

from flask import current_app, request

from talent.core.validators import DB_INT_MAX

CACHE_KEY = "talent_api_query_parameters"
BOOLEANS = {"true", "false", "1", "0"}


def _rule_to_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _parameters() -> dict:
    """(OpenAPI path, method) → [(name, schema)] of the declared query parameters; built once per
    app from the same document ``/api/v1/openapi.json`` serves."""
    cached = current_app.extensions.get(CACHE_KEY)
    if cached is None:
        from talent.core.openapi import build_document

        cached = {}
        for path, item in build_document()["paths"].items():
            shared = [p for p in item.get("parameters", []) if p.get("in") == "query"]
            for method, operation in item.items():
                if method == "parameters" or not isinstance(operation, dict):
                    continue
                own = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
                cached[(path, method.upper())] = [(p["name"], p.get("schema", {}))
                                                  for p in shared + own]
        current_app.extensions[CACHE_KEY] = cached
    return cached


def mismatch(raw: str, schema: dict) -> str | None:
    """Why ``raw`` does not fit ``schema``, in Chinese; None when it does."""
    kind = schema.get("type")
    if kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]{1,10}", raw.strip()):
            return "应为整数"
        value = int(raw)
        low, high = schema.get("minimum", -DB_INT_MAX), schema.get("maximum", DB_INT_MAX)
        if not low <= value <= high:
            return f"应在 {low} 到 {high} 之间"
    elif kind == "number":
        try:
            value = float(raw)
        except ValueError:
            return "应为数字"
        if value != value or value in (float("inf"), float("-inf")):
            return "应为有限的数字"
    elif kind == "boolean":
        if raw not in BOOLEANS:
            return "应为 true 或 false"
    elif kind == "string":
        if "enum" in schema and raw not in schema["enum"]:
            return "可选值：" + "、".join(str(v) for v in schema["enum"])
        if schema.get("format") == "date":
            try:
                date.fromisoformat(raw)
            except ValueError:
                return "日期格式应为 年-月-日，如 2024-05-01"
        if "maxLength" in schema and len(raw) > schema["maxLength"]:
            return f"不能超过 {schema['maxLength']} 个字符"
        if "pattern" in schema and not re.search(schema["pattern"], raw):
            return "格式不正确"
    return None


VERSION_MISSING = "请提供读取记录时得到的 version（整数），以免覆盖他人的修改"


def check_api_version(body: dict) -> None:
    """Every PATCH (and move) of a versioned object carries the version the client read: without
    it the stale check was skipped and a write could silently undo someone else's (422).
    Called by ``core.api.json_body``, i.e. after the view loaded the object (404 comes first)."""
    if request.url_rule is None:
        return
    view = current_app.view_functions.get(request.url_rule.endpoint)
    declared = getattr(view, "api_body", None)
    if declared is not None and declared.version and "version" not in body:
        from talent.core.inputs import InputRefused

        raise InputRefused(422, VERSION_MISSING, {"version": [VERSION_MISSING]})


def check_api_query() -> None:
    if request.url_rule is None or not request.path.startswith("/api/v1/"):
        return

    declared = _parameters().get((_rule_to_path(request.url_rule.rule), request.method))
    if not declared:
        return
    from talent.core.inputs import InputRefused

    errors = {}
    for name, schema in declared:
        for raw in request.args.getlist(name):
            if (problem := mismatch(raw, schema)) is not None:
                errors[name] = [problem]
                break
    if errors:
        raise InputRefused(422, "查询参数不正确", errors)
