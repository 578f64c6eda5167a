"""What every template can use: labels, local times, the navigation, the demo banner."""
from flask import g, request
from sqlalchemy import exists, select
from werkzeug.local import LocalProxy

from talent.core.forms import EmptyForm
from talent.core.permissions import ROLE_LABELS, Permission, acting_user
from talent.core.timeutil import local
from talent.extensions import db
from talent.registry.choices import CHOICE_SETS, label

# (endpoint, text, icon, permission) — a role sees only what it may open.
NAVIGATION = [
    ("core.index", "工作台", "speedometer2", Permission.SIGNED_IN),
    ("registry.talent_list", "人才信息库", "people", Permission.TALENTS_READ),
    ("registry.team_list", "人才团队", "diagram-3", Permission.TALENTS_READ),
    ("cards.card_list", "VIP卡", "credit-card-2-front", Permission.CARDS_READ),
    ("cards.rules_page", "发卡规则", "sliders", Permission.CARD_RULES_MANAGE),
    ("portal.home", "我的", "person-badge", Permission.PORTAL),
    ("admin.user_list", "用户管理", "person-gear", Permission.USERS_MANAGE),
    ("core.audit_log", "操作日志", "journal-text", Permission.AUDIT_READ),
]


def _button_form() -> EmptyForm:
    if "button_form" not in g:
        g.button_form = EmptyForm()
    return g.button_form


def _demo_accounts_exist() -> bool:
    from talent.auth.models import User

    return bool(db.session.scalar(select(exists().where(User.is_demo.is_(True)))))


# Values whose meaning depends on the object they belong to.
OBJECT_VALUE_LABELS = {("cards", "status"): {"active": "有效", "revoked": "已注销", "replaced": "已补办作废"}}


def change_value(field: str, value, object_type: str = "") -> str:
    """A logged value as a person reads it: labels for codes, 是/否, lists joined."""
    specific = OBJECT_VALUE_LABELS.get((object_type, field))
    if specific and value in specific:
        return specific[value]
    if value in (None, "", []):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    if field in CHOICE_SETS or field == "nationality":
        return label(field, value)
    if field == "role":
        return ROLE_LABELS.get(value, value)
    return str(value)


def register(app):
    app.jinja_env.filters["local"] = local
    app.jinja_env.globals["change_value"] = change_value
    app.jinja_env.globals["label"] = label

    @app.context_processor
    def inject():
        user = acting_user() if request else None
        nav = [item for item in NAVIGATION if user is not None and user.can(item[3])]
        return {
            "nav_items": nav,
            "user": user,
            "Permission": Permission,
            # Both lazy: pages that do not show them (the public verification page) neither
            # query for demo accounts nor get a CSRF token — and so no session cookie.
            "demo_banner": _demo_accounts_exist,
            "button_form": LocalProxy(_button_form),
        }
