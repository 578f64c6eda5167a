"""The one input boundary: every query string, form field and JSON body passes here before any
view runs, and every export passes its text through :func:`printable` on the way out.

Refused at the door (no view ever sees them):

- characters no person types and no document format can hold: lone UTF-16 surrogates (a JSON
  ``"\\udfff"`` decodes to one; it cannot be encoded as UTF-8, so every page, export and audit
  entry that showed it answered 500), C0/C1 control characters other than tab, line feed and
  carriage return (openpyxl and python-docx refuse them; PostgreSQL refuses NUL), the bidi
  embedding/override/isolate controls (U+202A–U+202E, U+2066–U+2069: they make ``gpj.exe``
  read as ``exe.jpg``), and the non-characters U+FFFE/U+FFFF (not XML);
- NaN and ±Infinity in JSON (the JSON provider's parser refuses them, also an overflowing
  ``1e999``), and JSON integers past ±2^53 (what every JSON client can represent exactly);
- JSON nested deeper than :data:`talent.core.api.MAX_JSON_DEPTH`.

Integers in query strings are read by one converter: ``request.args.get(name, type=int)``
answers the default for anything that is not a plain decimal within a database integer's
range (never an ``OverflowError`` inside the driver), like ``<int:…>`` in URLs (404 past it).
In the API, a query parameter the OpenAPI document declares is checked against its declared
type (422 when mistyped, e.g. ``?target_id=null``), see :func:`check_api_query`.

Stored data from before this boundary is repaired by ``flask --app app repair-text``
(:mod:`talent.core.repair`).
"""
import json
import math
import re

from flask import flash, has_request_context, request
from flask.json.provider import DefaultJSONProvider
from flask.wrappers import Request
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict

from talent.core.masking import id_numbers_in, mask_id_numbers_in_text
from talent.core.validators import DB_INT_MAX

# Tab, LF and CR are kept: multi-line text (a log's content, a report's narrative) holds them.
_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff"
FORBIDDEN_RE = re.compile(f"[{_FORBIDDEN}]")
# Bidi marks are not refused in text (rare but harmless in a sentence); names of files lose them.
BIDI_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
JSON_INT_LIMIT = 2**53 - 1

MESSAGE = ("含有不可见或无法保存的字符（{}），可能是从其他文档复制时带入的，请删除后重新提交")


def describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def forbidden_char(text: str) -> str | None:
    """The first character of ``text`` that the boundary refuses, or None."""
    found = FORBIDDEN_RE.search(text)
    return found.group() if found else None


def printable(value):
    """``value`` with every character the boundary refuses removed (a lone surrogate becomes
    U+FFFD): for writers of formats that cannot hold them (xlsx, docx, the audit page), so
    text stored before the boundary existed cannot break an export. Non-strings pass."""
    if not isinstance(value, str) or not FORBIDDEN_RE.search(value):
        return value
    return FORBIDDEN_RE.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", value)


def clean_filename(name: str | None, fallback: str = "附件") -> str:
    """A person's file name as we may keep and show it: the last path part, with control and
    bidi characters (``invoice\\u202egpj.exe.pdf`` reads as ``invoicefdp.exe.jpg``) and the
    characters Windows refuses removed."""
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = BIDI_RE.sub("", printable(text)).replace("\ufffd", "")
    text = re.sub(r"[\x00-\x1f:*?\"<>|]", "_", text).strip(" .")
    return text or fallback


# --- JSON ------------------------------------------------------------------------------------

class JsonValueRefused(ValueError):
    """The JSON parser met a value we refuse (NaN, Infinity, an overflowing number)."""


def _refuse_constant(name: str):
    raise JsonValueRefused(f"JSON 中不能有 {name}，请填写有限的数字")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonValueRefused(f"数字 {text[:20]} 超出范围")
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with a parser that refuses NaN/Infinity (Python's accepts them; SQLite then
    answered 500 and PostgreSQL stored them) and numbers that overflow to infinity."""

    def response(self, *args, **kwargs):
        """API answers (not sessions or other uses of ``dumps``): ID numbers inside free text
        masked for whoever may not see them whole."""
        if has_request_context() and not may_see_id_numbers():
            args = tuple(_mask_json(a) for a in args)
            kwargs = {k: _mask_json(v) for k, v in kwargs.items()}
        return super().response(*args, **kwargs)

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_constant", _refuse_constant)
        kwargs.setdefault("parse_float", _finite_float)
        return json.loads(s, **kwargs)


def _walk_json(value, field: str | None, errors: dict) -> None:
    """Record, per top-level field, the first refused character or out-of-range integer."""
    stack = [(value, field)]
    while stack:
        item, name = stack.pop()
        key = name or "body"
        if isinstance(item, str):
            if (char := forbidden_char(item)) is not None:
                errors.setdefault(key, [MESSAGE.format(describe(char))])
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if abs(item) > JSON_INT_LIMIT:
                errors.setdefault(key, ["数值超出允许范围"])
        elif isinstance(item, dict):
            for child_key, child in item.items():
                if (char := forbidden_char(child_key)) is not None:
                    errors.setdefault(key, [MESSAGE.format(describe(char))])
                stack.append((child, name or child_key))
        elif isinstance(item, list):
            stack.extend((child, name) for child in item)


# --- query strings -----------------------------------------------------------------------------

_INT_RE = re.compile(r"[+-]?[0-9]{1,10}")


def query_int(raw, low: int = -DB_INT_MAX, high: int = DB_INT_MAX) -> int:
    """The one reading of an integer in a query string: ASCII decimal within ``low..high``
    (a database integer's range by default); anything else is a ValueError."""
    text = raw.strip() if isinstance(raw, str) else None
    if text is None or not _INT_RE.fullmatch(text):
        raise ValueError(f"not an integer: {raw!r}")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"out of range: {raw!r}")
    return value


class BoundedArgs(ImmutableMultiDict):
    """Query strings and form fields whose ``.get(name, type=int)`` uses :func:`query_int`:
    ``?unit=99999999999999999999999`` reads as absent instead of overflowing in the driver."""

    def get(self, key, default=None, type=None):
        if type is int:
            type = query_int
        return super().get(key, default=default, type=type)


# --- the boundary ------------------------------------------------------------------------------

class InputRefused(Exception):
    def __init__(self, status: int, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


class BoundaryRequest(Request):
    parameter_storage_class = BoundedArgs

    def on_json_loading_failed(self, e):
        if isinstance(e, JsonValueRefused):
            raise InputRefused(400, str(e))
        raise InputRefused(400, "请求体不是有效的 JSON")


def _check_pairs(pairs, errors: dict) -> None:
    for key, value in pairs:
        for text in (key, value):
            if (char := forbidden_char(text)) is not None:
                name = key if forbidden_char(key) is None else "参数名"
                errors.setdefault(name, [MESSAGE.format(describe(char))])


ID_NUMBER_WARNING = ("您填写的内容（{}）中含有身份证号码：已保存，但对无权查看完整号码的人员"
                     "（通知、操作日志、其他单位）自动隐藏为 431*************17。"
                     "如非必要，请不要在标题、说明等文字中填写身份证号码")


def _note_id_numbers(pairs) -> None:
    """Free-text fields that carry a valid resident ID number: the writer is warned once the
    request succeeds (a flash on pages, an ``X-Input-Warning`` header in the API)."""
    fields = sorted({key for key, value in pairs
                     if "id_number" not in key and key != "q" and id_numbers_in(value)})
    if fields:
        request.environ["talent.id_numbers_written"] = fields


def _warn_writer(response):
    fields = request.environ.get("talent.id_numbers_written")
    if not fields or response.status_code >= 400:
        return response
    from talent.core.permissions import is_api_request

    if is_api_request():
        response.headers["X-Input-Warning"] = "id-number-in-text; fields=" + ",".join(
            f.encode("ascii", "replace").decode() for f in fields)
    else:
        flash(ID_NUMBER_WARNING.format("、".join(fields)), "warning")
    return response


def _is_json() -> bool:
    mimetype = request.mimetype or ""
    return mimetype == "application/json" or mimetype.endswith("+json")


def check_request() -> None:
    """Raise :class:`InputRefused` for a request carrying anything the boundary refuses."""
    errors: dict = {}
    _check_pairs(request.args.items(multi=True), errors)
    if errors:
        raise InputRefused(422, "查询参数" + next(iter(errors.values()))[0], errors)
    mimetype = request.mimetype or ""
    if mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_pairs(request.form.items(multi=True), errors)
        if errors:
            raise InputRefused(422, "提交的内容" + next(iter(errors.values()))[0], errors)
        _note_id_numbers(request.form.items(multi=True))
    elif _is_json() and request.get_data(cache=True).strip():
        from talent.core.api import MAX_JSON_DEPTH, json_depth

        try:
            data = request.get_json(cache=True)
        except RecursionError:
            raise InputRefused(400, f"JSON 嵌套层数过多（不超过 {MAX_JSON_DEPTH} 层）") from None
        if json_depth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise InputRefused(400, f"JSON 嵌套层数过多（不超过 {MAX_JSON_DEPTH} 层）")
        _walk_json(data, None, errors)
        if errors:
            first = next(iter(errors.values()))[0]
            raise InputRefused(422, first, errors)
        if isinstance(data, dict):
            _note_id_numbers((k, v) for k, v in data.items() if isinstance(v, str))


def _finalize(value):
    if not isinstance(value, str):
        return value
    cleaned = printable(str(value)) if FORBIDDEN_RE.search(value) else str(value)
    if len(cleaned) > 18 and _DIGIT_RUN.search(cleaned) and not may_see_id_numbers():
        cleaned = mask_id_numbers_in_text(cleaned)
    if cleaned == value:
        return value
    return Markup(cleaned) if isinstance(value, Markup) else cleaned


_DIGIT_RUN = re.compile(r"[0-9]{17}")


def may_see_id_numbers() -> bool:
    """Whether the person asking may read ID numbers whole (组织部, admin); cached per request.
    Everyone else sees an ID number written inside free text masked, on every page and in every
    API answer; a value that *is* an ID number is the model's to mask (it is exactly 18
    characters, so the text mask leaves it alone)."""
    if not has_request_context():
        return True
    cached = request.environ.get("talent.may_see_id_numbers")
    if cached is None:
        from talent.core.permissions import Permission, acting_user, role_can

        user = acting_user()
        cached = user is not None and role_can(user.role, Permission.ID_NUMBERS_FULL)
        request.environ["talent.may_see_id_numbers"] = cached
    return cached


def _mask_json(value):
    if isinstance(value, str):
        return mask_id_numbers_in_text(value) if len(value) > 18 else value
    if isinstance(value, list):
        return [_mask_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_json(v) for k, v in value.items()}
    return value


def register(app) -> None:
    app.json_provider_class = StrictJSONProvider
    app.json = StrictJSONProvider(app)
    app.request_class = BoundaryRequest
    # Every {{ expression }} of every page leaves through printable: text stored before the
    # boundary (and the append-only audit log) cannot make a page fail to encode.
    app.jinja_env.finalize = _finalize

    @app.before_request
    def input_boundary():
        from talent.core.apiquery import check_api_query

        check_request()
        check_api_query()

    app.after_request(_warn_writer)

    @app.errorhandler(InputRefused)
    def refused(error: InputRefused):
        from talent.core.errors import ApiError, _page, api_error_response
        from talent.core.permissions import is_api_request
        from talent.extensions import db

        db.session.rollback()
        if is_api_request():
            return api_error_response(ApiError(error.status, error.message, fields=error.fields))
        return _page(error.status, error.message)

