from flask import Flask, redirect, request, url_for
from sqlalchemy import exists, select

from talent.auth import admin, api, openapi, operations, passwords, unit_admin, views
from talent.auth.forms import UNIT_FIELD_LABELS, UserForm
from talent.auth.models import Unit, User
from talent.auth.units import seed_units
from talent.core.errors import ApiError
from talent.core.features import Feature, MenuEntry
from talent.core.forms import form_labels
from talent.core.permissions import (
    ROLE_LABELS,
    Permission,
    is_api_request,
    set_account_gate,
    set_token_resolver,
)
from talent.core.templating import DEMO_CHECK_KEY
from talent.extensions import db, login_manager


def _load_user(session_id: str):
    """The account of a session cookie ``"<id>:<generation>"``; a cookie from before a password
    change, a disabling or 退出所有设备 (an older generation), or in the old id-only form, is refused."""
    user_id, _, generation = (session_id or "").partition(":")
    if not (user_id.isdigit() and generation.isdigit()) or len(user_id) > 10:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or str(user.session_generation) != generation:
        return None
    return user


def _demo_accounts_exist() -> bool:
    return bool(db.session.scalar(select(exists().where(User.is_demo.is_(True)))))


def _unit_name(value):
    unit = db.session.get(Unit, value) if str(value).isdigit() else None
    return unit.name if unit is not None else None


# Reachable while an account still holds a one-time password: choosing a new one, or leaving.
_OPEN_BEFORE_NEW_PASSWORD = frozenset({"auth.change_password", "auth.logout"})


def _new_password_first(user):
    """An account signed in with a one-time password reaches the change-password page only;
    an API token of such an account (none is issued, old ones are deleted) is refused."""
    if not user.must_change_password or request.endpoint in _OPEN_BEFORE_NEW_PASSWORD:
        return None
    if is_api_request():
        raise ApiError(403, api.PASSWORD_CHANGE_REQUIRED, code="password_change_required")
    return redirect(url_for("auth.change_password"))


def _setup(app: Flask) -> None:
    login_manager.user_loader(_load_user)
    set_token_resolver(app, operations.user_for_token)
    set_account_gate(app, _new_password_first)
    app.extensions[DEMO_CHECK_KEY] = _demo_accounts_exist


feature = Feature(
    name="auth",
    blueprints=(views.bp, admin.bp, passwords.bp, unit_admin.bp),
    api_blueprints=(api.bp, unit_admin.api_bp),
    menu=(MenuEntry("admin.user_list", "用户管理", "person-gear", Permission.USERS_MANAGE, order=90,
                    group="系统管理"),
          MenuEntry("units.unit_list", "单位管理", "building", Permission.USERS_MANAGE, order=92,
                    group="系统管理"),
          # 组织部's way in; an admin resets from 用户管理.
          MenuEntry("passwords.accounts", "重置密码", "key", Permission.PASSWORDS_RESET, order=91,
                    group="系统管理", visible=lambda user: not user.can(Permission.USERS_MANAGE))),
    audit_objects={"users": "用户", "units": "单位"},
    audit_actions={"disable": "停用", "enable": "启用", "reset_password": "重置密码",
                   "change_password": "修改密码", "lock": "登录锁定", "sign_in": "登录",
                   "sign_in_failed": "登录失败", "sign_out": "退出登录", "end_sessions": "退出所有设备",
                   "retire": "停用", "reactivate": "恢复使用"},
    audit_fields=lambda: {"users": form_labels(UserForm), "units": UNIT_FIELD_LABELS},
    audit_values={("users", "role"): {str(k): v for k, v in ROLE_LABELS.items()}},
    audit_references={("*", "unit_id"): _unit_name},
    openapi=openapi.openapi,
    seed=seed_units,
    setup=_setup,
)
