"""Helpers the feature APIs share: JSON bodies, validation through forms, list envelopes."""
from flask import request

from talent.core.errors import ApiError
from talent.core.forms import JsonTypeError, form_labels, json_to_formdata
from talent.core.pagination import Page

# What a client may echo back from a GET without meaning to change it.
READ_ONLY_FIELDS = frozenset({"id", "created_at", "updated_at"})


def json_body() -> dict:
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "请求体应为 JSON 对象（Content-Type: application/json）")
    if not isinstance(data, dict):
        raise ApiError(400, "请求体应为 JSON 对象")
    return data


def validated(form_class, data: dict, *, base: dict | None = None, **form_kwargs):
    """Validate a JSON object through a page's form class; 422 with field messages on failure.

    ``base`` holds current values for a PATCH, so absent fields keep their value
    and the whole record is checked as it will be saved.
    """
    data = {k: v for k, v in data.items() if k not in READ_ONLY_FIELDS}
    unknown = sorted(set(data) - set(form_labels(form_class)))
    if unknown:
        raise ApiError(422, fields={name: ["未知字段"] for name in unknown})
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
        "page": page.page,
        "per_page": page.per_page,
    }
