"""POST /api/v1/auth/token: a Bearer token for a username and password."""
from flask import Blueprint

from talent.auth import operations
from talent.core.api import json_body
from talent.core.errors import ApiError
from talent.core.permissions import public
from talent.core.ratelimit import client_address
from talent.core.timeutil import iso_utc
from talent.extensions import db

bp = Blueprint("auth_api", __name__, url_prefix="/api/v1/auth")

PASSWORD_CHANGE_REQUIRED = ("该账户的密码由他人设置（初始密码或重置的一次性密码）："
                            "请先在网页上登录，设置新密码后再使用接口")


@bp.post("/token")
@public
def token():
    data = json_body()
    username, password = data.get("username"), data.get("password")
    fields = {name: ["必填，且应为字符串"] for name, value in
              (("username", username), ("password", password))
              if not isinstance(value, str) or not value}
    if fields:
        raise ApiError(422, fields=fields)
    try:
        user = operations.authenticate(username, password, client=client_address())
    except operations.AuthError as error:
        db.session.commit()  # the failure count must survive
        raise ApiError(401, str(error)) from None
    if user.must_change_password:
        db.session.commit()  # the sign-in is audited; the one-time password stays usable once
        raise ApiError(403, PASSWORD_CHANGE_REQUIRED, code="password_change_required")
    issued = operations.issue_token(user)
    db.session.commit()
    return {"token": issued.token, "expires_at": iso_utc(issued.expires_at),
            "role": user.role}
