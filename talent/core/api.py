"""Helpers the feature APIs share: JSON bodies, validation through forms, list envelopes."""
from flask import request

from talent.core.apiquery import check_api_version
from talent.core.errors import ApiError
from talent.core.forms import JsonTypeError, form_labels, json_to_formdata
from talent.core.pagination import Page

# What a client may echo back from a GET without meaning to change it.
# ("version" is read by the view itself: a PATCH naming a stale one is refused.)
READ_ONLY_FIELDS = frozenset({"id", "created_at", "updated_at", "version", "birth_year"})


# Our bodies are flat objects (a talent's honours are one list deep); deeper is not ours.
MAX_JSON_DEPTH = 8


def json_depth(value, limit: int) -> int:
    """Nesting depth of parsed JSON, walked without recursion and given up past ``limit``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def json_body() -> dict:
    """The request's JSON object; 400 for anything else, deep nesting included (the parser's
    own recursion limit would otherwise surface as a 500)."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise ApiError(400, f"JSON 嵌套层数过多（不超过 {MAX_JSON_DEPTH} 层）") from None
    if data is not None and json_depth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise ApiError(400, f"JSON 嵌套层数过多（不超过 {MAX_JSON_DEPTH} 层）")
    if data is None:
        raise ApiError(400, "请求体应为 JSON 对象（Content-Type: application/json）")
    if not isinstance(data, dict):
        raise ApiError(400, "请求体应为 JSON 对象")
    check_api_version(data)  # after the view loaded the object: 404 before 422
    return data


def _check_json_types(form_class, data: dict) -> None:
    """A text field takes a JSON string (or null), not a number or a boolean: the document says
    ``string``, and a client that sends 12 where text is meant has a bug worth hearing about."""
    from talent.core.formschema import field_json_type

    wrong = {name: ["应为字符串"] for name, value in data.items()
             if value is not None and not isinstance(value, str)
             and field_json_type(form_class, name) == "string"}
    if wrong:
        raise ApiError(422, fields=wrong)


def validated(form_class, data: dict, *, base: dict | None = None, **form_kwargs):
    """Validate a JSON object through a page's form class; 422 with field messages on failure.

    ``base`` holds current values for a PATCH, so absent fields keep their value
    and the whole record is checked as it will be saved.
    """
    # A read-only field is dropped unless the form itself asks for it (a transition's "version").
    labels = form_labels(form_class)
    data = {k: v for k, v in data.items() if k not in READ_ONLY_FIELDS or k in labels}
    unknown = sorted(set(data) - set(labels))
    if unknown:
        raise ApiError(422, fields={name: ["未知字段"] for name in unknown})
    _check_json_types(form_class, data)
    merged = {**(base or {}), **data}
    list_fields = getattr(form_class, "LIST_FIELDS", frozenset())
    try:
        formdata = json_to_formdata(merged, list_fields)
    except JsonTypeError as error:
        raise ApiError(422, fields=error.fields) from None
    form = form_class(formdata=formdata, meta={"csrf": False}, **form_kwargs)
    if not form.validate():
        raise ApiError(422, fields={k: list(v) for k, v in form.errors.items()})
    return form


def page_envelope(page: Page, item) -> dict:
    return {
        "items": [item(obj) for obj in page.items],
        "total": page.total,
        # True: more than ``total`` rows match (a lower bound); ask with ?exact=1 for the count.
        "total_is_estimate": page.total_is_estimate,
        "page": page.page,
        "per_page": page.per_page,
    }
