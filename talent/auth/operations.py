"""Accounts: signing in (with lock-out), tokens, and the admin's changes to users."""
import hashlib
import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from talent.auth.models import ApiToken, Unit, User
from talent.core import audit, ratelimit
from talent.core.db import check_version
from talent.core.errors import Refused
from talent.core.timeutil import utcnow
from talent.core.validators import InvalidValue, check_mobile
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


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """Checked when the username is unknown, so that case takes as long as a wrong password."""
    return generate_password_hash("not-a-password", method=method)


class BadCredentials(AuthError):
    """Unknown username or wrong password: the one failure that counts towards a lock."""


def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def _locked(seconds: float) -> AuthError:
    return AuthError(gettext("登录失败次数过多，请 %(minutes)s 分钟后再试", minutes=_minutes(seconds)))


def backoff_seconds(failures: int) -> int:
    """How long a (username, client) pair waits after ``failures`` wrong passwords in a row:
    nothing for the first LOGIN_MAX_FAILURES - 1, then one minute, doubling each time, at most
    LOGIN_LOCK_MINUTES."""
    config = current_app.config
    over = failures - config["LOGIN_MAX_FAILURES"]
    if over < 0:
        return 0
    return min(60 * 2 ** min(over, 20), config["LOGIN_LOCK_MINUTES"] * 60)


def authenticate(username: str, password: str, client: str = "") -> User:
    """Check a password, slowing down guessing without letting anyone lock anyone else out.

    Wrong passwords are counted per (username, client address): after LOGIN_MAX_FAILURES the
    pair waits, one minute and then twice as long after each further failure (at most
    LOGIN_LOCK_MINUTES). The account itself is never locked, so a stranger's guesses cannot
    keep its owner out from another machine. A client failing across many accounts (password
    spraying) is stopped for LOGIN_LOCK_MINUTES. Unknown usernames are counted and answered
    exactly like known ones, so the messages never tell which usernames exist. Every sign-in,
    failure and lock is audited with the client address; the caller commits in both cases.
    """
    config = current_app.config
    name = (username or "").strip().lower()[:80]
    pair = f"{name}|{client}"
    user = find_user(name)
    subject = user or audit.Subject("users", 0)
    window = config["LOGIN_LOCK_MINUTES"] * 60
    if ratelimit.exceeded("login-client", client, config["LOGIN_CLIENT_MAX_FAILURES"], window):
        audit.record(None, "sign_in_failed", subject, summary=f"{name}（终端失败过多）")
        raise AuthError(gettext("该终端登录失败次数过多，请 %(minutes)s 分钟后再试",
                                minutes=config["LOGIN_LOCK_MINUTES"]))
    wait = ratelimit.remaining("login-lock", pair)
    if wait:
        audit.record(None, "sign_in_failed", subject, summary=f"{name}（等待中）")
        raise _locked(wait)
    try:
        _check_credentials(user, password)
    except BadCredentials:
        ratelimit.hit("login-client", client, config["LOGIN_CLIENT_MAX_FAILURES"], window)
        failures = ratelimit.increment("login-fail", pair, config["LOGIN_FAILURE_MEMORY_HOURS"] * 3600)
        if user is not None:
            user.failed_logins = (user.failed_logins or 0) + 1
        audit.record(None, "sign_in_failed", subject, summary=name)
        delay = backoff_seconds(failures)
        if delay:
            ratelimit.hold("login-lock", pair, delay)
            if user is not None:
                user.locked_until = utcnow() + timedelta(seconds=delay)
            audit.record(None, "lock", subject, {"minutes": [None, _minutes(delay)]}, summary=name)
            raise _locked(delay) from None
        raise
    except AuthError:
        audit.record(None, "sign_in_failed", subject, summary=name)
        raise
    ratelimit.forget("login-fail", pair)
    user.failed_logins = 0
    user.last_login_at = utcnow()
    audit.record(user, "sign_in", user, summary=user.username)
    return user


def _check_credentials(user: User | None, password: str) -> User:
    config = current_app.config
    if user is None:
        check_password_hash(_dummy_hash(config.get("PASSWORD_HASH_METHOD", "scrypt")), password or "")
        raise BadCredentials(gettext("用户名或密码错误"))
    typed = password or ""
    # A one-time password is read out over the phone: "VX7S CTVS DJ5W" is "vx7s-ctvs-dj5w".
    if not (user.check_password(typed) or (
            user.must_change_password and user.check_password(canonical_one_time_password(typed)))):
        raise BadCredentials(gettext("用户名或密码错误"))
    expires = user.one_time_password_expires_at
    if user.must_change_password and expires is not None and utcnow() >= expires:
        hours = config.get("ONE_TIME_PASSWORD_HOURS", 24)
        raise AuthError(gettext("一次性密码已过期（生成后 %(hours)s 小时内有效），请联系工作人员重新生成",
                                hours=hours))
    if not user.active:
        raise AuthError(gettext("该账户已停用，请联系系统管理员"))
    if user.is_demo and config["PRODUCTION"]:
        raise AuthError(gettext("生产环境不允许使用演示账户"))
    return user


def end_sessions(actor, user: User) -> None:
    """退出所有设备: every session cookie and API token of the account stops working."""
    user.end_sessions()
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.flush()
    audit.record(actor, "end_sessions", user, summary=user.username)


def record_sign_out(user: User) -> None:
    audit.record(user, "sign_out", user, summary=user.username)


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
        message = f"密码至少{MIN_PASSWORD_LENGTH}位"
        raise AccountError(message, fields={"password": [message]})
    if password.isdigit() or password.isalpha():
        message = "密码须同时包含字母和数字"
        raise AccountError(message, fields={"password": [message]})


def unit_by_name(name: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.name == name))


def _check_role_links(values: Mapping) -> None:
    if values.get("role") == "employer" and not values.get("employer_id"):
        message = "用人单位账户须由县委组织部在“用人单位”页面开通"
        raise AccountError(message, fields={"role": [message]})
    if values.get("role") == "unit" and not values.get("unit_id"):
        raise AccountError("单位经办人必须选择所属单位", fields={"unit_id": ["单位经办人必须选择所属单位"]})
    if values.get("role") == "talent" and not values.get("talent_id"):
        raise AccountError("人才账户必须关联人才档案", fields={"talent_id": ["人才账户必须关联人才档案"]})


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_contact(phone: str = "", email: str = "") -> dict:
    """The account's contact details as stored: a mainland mobile number (normalised) and an e-mail."""
    try:
        phone = check_mobile(phone)
    except InvalidValue as error:
        raise AccountError(str(error), fields={"phone": [str(error)]}) from None
    email = (email or "").strip()
    if email and (len(email) > 120 or not EMAIL_RE.match(email)):
        raise AccountError("电子邮箱格式不正确", fields={"email": ["电子邮箱格式不正确"]})
    return {"phone": phone, "email": email}


def update_contact(actor, user: User, phone: str, email: str) -> dict:
    """The account's own contact details; audited."""
    changes = audit.apply_changes(user, check_contact(phone, email))
    if changes:
        db.session.flush()
        audit.record(actor, "contact", user, changes, summary=user.username)
    return changes


def create_user(actor, username: str, password: str, role: str, *, unit_id=None,
                talent_id=None, display_name: str = "", is_demo: bool = False,
                must_change: bool | None = None, phone: str = "", email: str = "",
                employer_id=None) -> User:
    """A new account. A password someone else chose (``actor`` set: the admin's or 组织部's page,
    or the API) must be changed at the first sign-in; the command line (no actor) and demo accounts
    keep it as given unless ``must_change`` says otherwise."""
    username = username.strip()
    if must_change is None:
        must_change = actor is not None and not is_demo
    if find_user(username):
        raise AccountError("用户名已存在", fields={"username": ["用户名已存在"]})
    values = {"role": role, "unit_id": unit_id, "talent_id": talent_id, "employer_id": employer_id}
    _check_role_links(values)
    check_password_strength(password)
    contact = check_contact(phone, email)
    user = User(username=username, display_name=display_name.strip(), is_demo=is_demo, **contact,
                unit_id=unit_id if role == "unit" else None,
                talent_id=talent_id if role == "talent" else None,
                employer_id=employer_id if role == "employer" else None, role=role,
                must_change_password=must_change)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "create", user, audit.snapshot(
        {"username": username, "role": role, "unit_id": user.unit_id,
         "talent_id": user.talent_id, "employer_id": user.employer_id,
         "display_name": user.display_name, "phone": user.phone, "email": user.email}),
                 summary=f"{username}（首次登录须修改密码）" if must_change else username)
    return user


def update_user(actor, user: User, values: Mapping, version: int | None = None) -> dict:
    """The admin's edit; ``version`` is the one the form was opened at (stale: ``StaleEdit``)."""
    check_version(user, version)
    values = dict(values)
    values.setdefault("employer_id", user.employer_id if values.get("role") == "employer" else None)
    _check_role_links(values)
    if "phone" in values or "email" in values:
        values.update(check_contact(values.get("phone", user.phone), values.get("email", user.email)))
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
    if not active:  # a re-enabled account starts from a fresh sign-in
        user.end_sessions()
        db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.flush()
    audit.record(actor, "enable" if active else "disable", user, summary=user.username)


def _replace_password(user: User, password: str) -> None:
    """A new password ends every session and API token the account had."""
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.end_sessions()
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))


def change_password(user: User, password: str) -> None:
    """A user's own new password (also the way out of a one-time password)."""
    if user.must_change_password and looks_like_one_time_password(password):
        # The clerk who read it out knows it: it cannot become the password.
        raise AccountError("新密码不能是一次性密码（或同样格式的密码），请自己设置一个")
    check_password_strength(password)
    _replace_password(user, password)
    user.must_change_password = False
    user.one_time_password_expires_at = None
    db.session.flush()
    audit.record(user, "change_password", user, summary=user.username)


# --- one-time passwords: 忘记密码 without SMS -------------------------------------------------------

# Read aloud or copied from a screen: lower case, no 0/o, 1/l/i look-alikes.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_GROUPS = 3  # of four: "k7mp-x3vr-9qht", 12 characters drawn (~59 bits) plus two dashes
RESETTABLE_BY_ORG = frozenset({"talent", "commissioner", "employer"})


def canonical_one_time_password(typed: str) -> str:
    """What was read out over the phone, typed any way (upper case, no dashes, spaces): the
    spelling it was issued in."""
    letters = "".join(c for c in typed.lower() if c.isalnum())
    return "-".join(letters[i:i + 4] for i in range(0, len(letters), 4))


def looks_like_one_time_password(text: str) -> bool:
    canonical = canonical_one_time_password(text)
    return (len(canonical) == 5 * ONE_TIME_GROUPS - 1
            and all(c in ONE_TIME_ALPHABET for c in canonical.replace("-", "")))


def one_time_password() -> str:
    while True:
        drawn = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(4 * ONE_TIME_GROUPS))
        if any(c.isdigit() for c in drawn) and any(c.isalpha() for c in drawn):
            return "-".join(drawn[i:i + 4] for i in range(0, len(drawn), 4))


def may_reset(actor, user: User) -> bool:
    """An admin resets any account; 组织部 the accounts of talents and commissioners only."""
    if actor is None:
        return True  # the command line, run by whoever runs the server
    if actor.role == "admin":
        return True
    return actor.role == "org" and user.role in RESETTABLE_BY_ORG


def resettable_by(actor):
    """The accounts ``actor`` may reset, as a query (for the 重置密码 list)."""
    query = select(User)
    if getattr(actor, "role", None) != "admin":
        query = query.where(User.role.in_(RESETTABLE_BY_ORG))
    return query


class NotYours(Exception):
    """An account this actor may not reset: the view answers 403."""


def issue_one_time_password(actor, user: User) -> str:
    """Reset ``user``'s password to a new one-time password and return it, once.

    Only its hash is stored and the audit entry names who reset whom, never the password.
    Every session and token of the account ends; the next sign-in with it leads to the
    change-password page, and the one-time password then stops working (:func:`consume`).
    """
    if not may_reset(actor, user):
        raise NotYours(user.username)
    if user.id == getattr(actor, "id", None):
        raise AccountError("不能为自己重置密码，请在“修改密码”页面修改")
    password = one_time_password()
    _replace_password(user, password)
    user.must_change_password = True
    user.one_time_password_expires_at = utcnow() + timedelta(
        hours=current_app.config.get("ONE_TIME_PASSWORD_HOURS", 24))
    user.version += 1  # the account changed: a reset form (or an edit form) opened before is stale
    db.session.flush()
    audit.record(actor, "reset_password", user, summary=f"{user.username}（一次性密码，首次登录须修改）")
    return password


USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{3,40}")


def portal_account(talent_id: int) -> User | None:
    """The talent's own sign-in (role talent), if one was opened."""
    return db.session.scalar(select(User).where(User.talent_id == talent_id, User.role == "talent"))


def open_portal_account(actor, talent, username: str) -> tuple[User, str]:
    """组织部 opens a talent's 个人账户 from the talent's page: a one-time password, shown once,
    to be changed at the first sign-in. A talent has one account."""
    existing = portal_account(talent.id)
    if existing is not None:
        raise AccountError(f"{talent.name} 已有个人账户 {existing.username}",
                           fields={"username": [f"已有个人账户 {existing.username}"]})
    username = (username or "").strip()
    if not USERNAME_PATTERN.fullmatch(username):
        message = "用户名为3至40位字母、数字、点、横线或下划线"
        raise AccountError(message, fields={"username": [message]})
    password = one_time_password()
    user = create_user(actor, username, password, "talent", talent_id=talent.id,
                       display_name=talent.name, must_change=True)
    return user, password


def consume_one_time_password(user: User) -> None:
    """Signed in with a one-time password: it works this once. The session goes on (it is tied
    to the session generation, not the password) to the change-password page."""
    if user.must_change_password:
        user.set_password(secrets.token_urlsafe(32))
        db.session.flush()
