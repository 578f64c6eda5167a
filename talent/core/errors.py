"""Error answers: JSON in the DESIGN.md shape for the API, friendly pages for people."""
import logging

from flask import current_app, flash, jsonify, make_response, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from talent.core.crypto import CryptoError
from talent.core.permissions import Permission, acting_user, is_api_request, role_can
from talent.extensions import db

log = logging.getLogger(__name__)

CODES = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthorized", "请先登录或提供有效的访问令牌"),
    403: ("forbidden", "您没有执行此操作的权限"),
    404: ("not_found", "请求的内容不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "与已有数据冲突"),
    413: ("too_large", "上传的文件过大"),
    422: ("validation_failed", "提交的数据未通过校验"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，请稍后再试"),
    503: ("busy", "系统正忙，请稍后再试"),
}

BUSY_MESSAGE = "其他人正在保存大量数据（如批量导入），本次操作未保存，请稍后重试"
CLASH_MESSAGE = "与他人同时保存的数据相互冲突，本次操作未保存，请重试"

# PostgreSQL gave up on this transaction so that another could go on: a deadlock (two saves
# taking the same counter rows in opposite orders, e.g. two imports), a serialization failure,
# a lock it could not wait for. Nothing of it was written; the same request again will do.
RETRY_STATES = {"40P01", "40001", "55P03"}


def _retry_message(error: OperationalError) -> str | None:
    """What to tell the user when the database refused for the moment, or None (a real fault)."""
    if "database is locked" in str(error.orig):  # SQLite's write lock, past ``busy_timeout``
        return BUSY_MESSAGE
    if getattr(error.orig, "sqlstate", None) in RETRY_STATES:
        return CLASH_MESSAGE
    return None


class Refused(Exception):
    """An operation that cannot be done as asked: a conflict with existing data (409) or a rule
    the request breaks (422). Operations raise a subclass; the app answers it once, here: a
    flash message and a redirect back on pages, the error JSON in the API.
    """

    status = 409
    code: str | None = None  # the API's error code; by default the status's ("conflict", …)

    def __init__(self, message: str, *, fields: dict | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status


STALE_MESSAGE = "已被他人修改：您打开页面后，其他人保存了这条记录，请核对当前内容后重新保存"


class StaleEdit(Refused):
    """Someone else saved the record after this form (or API client) read it: the change would
    silently undo theirs (409, code "stale"). Pages that can keep the input catch it and show
    the form again with the differences; elsewhere the app answers it like any refusal."""

    code = "stale"

    def __init__(self, current_version: int | None = None, message: str = STALE_MESSAGE):
        super().__init__(message, fields={"version": [message]})
        self.current_version = current_version


class ApiError(Exception):
    def __init__(self, status: int, message: str | None = None, fields: dict | None = None,
                 code: str | None = None):
        default_code, default_message = CODES.get(status, ("error", "请求失败"))
        super().__init__(message or default_message)
        self.status = status
        self.code = code or default_code
        self.message = message or default_message
        self.fields = fields or {}


def api_error_response(error: ApiError):
    body = {"error": {"code": error.code, "message": error.message, "fields": error.fields}}
    response = jsonify(body)
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="talent"'
    return response


def _page(status: int, message: str | None = None):
    _code, default_message = CODES.get(status, ("error", "请求失败"))
    return render_template("errors.html", status=status, message=message or default_message), status


def _same_site_referrer() -> str | None:
    referrer = request.referrer or ""
    return referrer if referrer.startswith(request.host_url) else None


def _forget_body() -> None:
    """The body was refused as too large: nothing may read it again while the error page renders
    (any form in the layout would, and raise 413 inside the handler — a bare 500)."""
    empty = request.parameter_storage_class()
    request.__dict__.update(form=empty, files=empty)


def register_errorhandlers(app):
    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        db.session.rollback()
        return api_error_response(error)

    @app.errorhandler(Refused)
    def handle_refused(error: Refused):
        db.session.rollback()
        if is_api_request():
            return api_error_response(ApiError(error.status, error.message, fields=error.fields,
                                               code=error.code))
        flash(error.message, "danger")
        return redirect(_same_site_referrer() or request.script_root + "/")

    @app.errorhandler(StaleDataError)
    def handle_stale(_error: StaleDataError):
        # Two saves of the same row in the same instant: the version check in the UPDATE
        # itself caught the second (the form-level check runs before it and usually does).
        return handle_refused(StaleEdit())

    @app.errorhandler(OperationalError)
    def handle_busy(error: OperationalError):
        message = _retry_message(error)
        if message is None:
            return handle_unexpected(error)
        db.session.rollback()
        log.warning("database busy on %s %s: %s", request.method, request.path,
                    getattr(error.orig, "sqlstate", None) or "locked")
        if is_api_request():
            response = api_error_response(ApiError(503, message))
            response.headers["Retry-After"] = "10" if message == BUSY_MESSAGE else "1"
            return response
        flash(message, "warning")
        return redirect(_same_site_referrer() or request.script_root + "/")

    @app.errorhandler(CSRFError)
    def handle_csrf(error):
        db.session.rollback()
        message = "页面已过期或缺少安全校验，请刷新页面后重新提交"
        if is_api_request():
            return api_error_response(ApiError(400, message, code="csrf"))
        return _page(400, message)

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        db.session.rollback()
        status = error.code or 500
        message = None
        if status == 413:
            _forget_body()
            limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
            message = f"上传的文件过大：单次上传不超过 {limit / 1024 / 1024:g} MB，请拆分后再上传"
        if is_api_request():
            response = api_error_response(ApiError(status, message))
        else:
            response = make_response(_page(status, message))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            # RFC 9110: a 405 says which methods the resource has.
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response

    @app.errorhandler(CryptoError)
    def handle_key_error(error: CryptoError):
        # A data key missing or wrong for some row: say so (the message names the key
        # version) rather than a bare 500; never show anything of the ciphertext.
        log.error("data key error on %s %s: %s", request.method, request.path, error)
        db.session.rollback()
        # The key version and column help the administrator; the public and cardholders learn
        # only that something is wrong on the server's side.
        user = acting_user()
        detail = f"：{error}" if user is not None and role_can(user.role, Permission.ID_NUMBERS_FULL) else ""
        message = f"个人数据暂时无法读取{detail}。请联系系统管理员检查密钥配置"
        if is_api_request():
            return api_error_response(ApiError(500, message, code="data_key"))
        return _page(500, message)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if is_api_request():
            return api_error_response(ApiError(500))
        return _page(500)
