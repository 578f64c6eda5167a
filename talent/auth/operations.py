"""Accounts: signing in (with lock-out), tokens, and the admin's changes to users."""
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from talent.auth.models import ApiToken, Unit, User
from talent.core import audit
from talent.core.db import check_version
from talent.core.errors import Refused
from talent.core.ratelimit import RateLimiter
from talent.core.timeutil import utcnow
from talent.extensions import db

MIN_PASSWORD_LENGTH = 8


class AuthError(Exception):
    """Sign-in refused; the message is safe to show."""


class AccountError(Refused):
    """An account change that breaks a rule (422); the message is shown to the admin."""

    status = 422


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: object


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def _client_failures() -> RateLimiter:
    limiter = current_app.extensions.get("login_client_failures")
    if limiter is None:
        config = current_app.config
        limiter = RateLimiter(config["LOGIN_CLIENT_MAX_FAILURES"], config["LOGIN_LOCK_MINUTES"] * 60)
        current_app.extensions["login_client_failures"] = limiter
    return limiter


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """Checked when the username is unknown, so that case takes as long as a wrong password."""
    return generate_password_hash("not-a-password", method=method)


def authenticate(username: str, password: str, client: str = "") -> User:
    """Check a password; too many failures lock the account, and slow down the client, for a while.

    The account lock stops guessing one password; the per-client limit stops one
    machine trying a common password against every account. The failure count is
    committed by the caller even when sign-in fails, so the view commits in both cases.
    """
    config = current_app.config
    failures = _client_failures()
    if failures.blocked(client):
        raise AuthError(f"该终端登录失败次数过多，请 {config['LOGIN_LOCK_MINUTES']} 分钟后再试")
    try:
        return _check_credentials(username, password)
    except AuthError:
        failures.allow(client)
        raise


def _check_credentials(username: str, password: str) -> User:
    config = current_app.config
    user = find_user(username or "")
    now = utcnow()
    generic = AuthError("用户名或密码错误")
    if user is None:
        check_password_hash(_dummy_hash(config.get("PASSWORD_HASH_METHOD", "scrypt")), password or "")
        raise generic
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise AuthError(f"登录失败次数过多，账户已临时锁定，请 {minutes} 分钟后再试")
    if not user.check_password(password or ""):
        user.failed_logins += 1
        if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
            audit.record(None, "lock", user, summary=user.username)
            raise AuthError(
                f"连续{config['LOGIN_MAX_FAILURES']}次登录失败，账户已锁定 "
                f"{config['LOGIN_LOCK_MINUTES']} 分钟"
            )
        raise generic
    if not user.active:
        raise AuthError("该账户已停用，请联系系统管理员")
    if user.is_demo and config["PRODUCTION"]:
        raise AuthError("生产环境不允许使用演示账户")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> IssuedToken:
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=current_app.config["API_TOKEN_DAYS"])
    db.session.add(ApiToken(user_id=user.id, token_hash=_hash_token(token), expires_at=expires))
    db.session.flush()
    return IssuedToken(token=token, expires_at=expires)


def user_for_token(authorization: str) -> User | None:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token.strip())))
    if row is None or row.expires_at < utcnow() or not row.user.active:
        return None
    return row.user


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少{MIN_PASSWORD_LENGTH}位")
    if password.isdigit() or password.isalpha():
        raise AccountError("密码须同时包含字母和数字")


def unit_by_name(name: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.name == name))


def _check_role_links(values: Mapping) -> None:
    if values.get("role") == "unit" and not values.get("unit_id"):
        raise AccountError("单位经办人必须选择所属单位")
    if values.get("role") == "talent" and not values.get("talent_id"):
        raise AccountError("人才账户必须关联人才档案")


def create_user(actor, username: str, password: str, role: str, *, unit_id=None,
                talent_id=None, display_name: str = "", is_demo: bool = False) -> User:
    username = username.strip()
    if find_user(username):
        raise AccountError("用户名已存在")
    values = {"role": role, "unit_id": unit_id, "talent_id": talent_id}
    _check_role_links(values)
    check_password_strength(password)
    user = User(username=username, display_name=display_name.strip(), is_demo=is_demo,
                unit_id=unit_id if role == "unit" else None,
                talent_id=talent_id if role == "talent" else None, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "create", user, audit.snapshot(
        {"username": username, "role": role, "unit_id": user.unit_id,
         "talent_id": user.talent_id, "display_name": user.display_name}), summary=username)
    return user


def update_user(actor, user: User, values: Mapping, version: int | None = None) -> dict:
    """The admin's edit; ``version`` is the one the form was opened at (stale: ``StaleEdit``)."""
    check_version(user, version)
    values = dict(values)
    _check_role_links(values)
    if values.get("role") != "unit":
        values["unit_id"] = None
    if values.get("role") != "talent":
        values["talent_id"] = None
    if user.id == getattr(actor, "id", None) and values.get("role") != user.role:
        raise AccountError("不能修改自己的角色")
    changes = audit.apply_changes(user, values)
    if changes:
        user.version += 1  # set here, not by sign-ins (User's version_id_generator=False)
        db.session.flush()
        audit.record(actor, "update", user, changes, summary=user.username)
    return changes


def set_active(actor, user: User, active: bool) -> None:
    if user.id == getattr(actor, "id", None) and not active:
        raise AccountError("不能停用自己的账户")
    if user.active == active:
        return
    user.active = active
    if not active:
        db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.flush()
    audit.record(actor, "enable" if active else "disable", user, summary=user.username)


def reset_password(actor, user: User, password: str) -> None:
    check_password_strength(password)
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.flush()
    action = "change_password" if user.id == getattr(actor, "id", None) else "reset_password"
    audit.record(actor, action, user, summary=user.username)
