"""What every template can use: local times, the navigation, value labels, the demo banner.

The menu and value labels come from what the installed features declare
(:mod:`talent.core.features`); nothing here names a feature.
"""
from flask import current_app, g, request
from werkzeug.local import LocalProxy

from talent.core import features
from talent.core.forms import EmptyForm
from talent.core.permissions import ROLE_LABELS, Permission, acting_user
from talent.core.timeutil import local

# Set by a feature at start-up (auth knows where demo accounts live).
DEMO_CHECK_KEY = "talent_demo_accounts_exist"


def _button_form() -> EmptyForm:
    if "button_form" not in g:
        g.button_form = EmptyForm()
    return g.button_form


def _demo_accounts_exist() -> bool:
    check = current_app.extensions.get(DEMO_CHECK_KEY)
    return bool(check and check())


def change_value(field: str, value, object_type: str = "") -> str:
    """A logged value as a person reads it: labels for codes, 是/否, lists joined."""
    value_labels, references = features.audit_values(), features.audit_references()
    for key in ((object_type, field), ("*", field)):
        labels = value_labels.get(key)
        if labels is not None and isinstance(value, str) and value in labels:
            return labels[value]
        lookup = references.get(key)
        if lookup is not None and value not in (None, ""):
            name = lookup(value)
            if name:
                return name
    if value in (None, "", []):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items()) or "（空）"
    if field == "role":
        return ROLE_LABELS.get(value, value)
    return str(value)


def register(app):
    app.jinja_env.filters["local"] = local
    app.jinja_env.globals["change_value"] = change_value

    @app.context_processor
    def inject():
        user = acting_user() if request else None
        return {
            "nav_items": LocalProxy(lambda: features.menu_for(user)),
            "nav_groups": LocalProxy(lambda: features.menu_groups(user)),
            "user": user,
            "Permission": Permission,
            # Both lazy: pages that do not show them (the public verification page) neither
            # query for demo accounts nor get a CSRF token — and so no session cookie.
            "demo_banner": _demo_accounts_exist,
            "button_form": LocalProxy(_button_form),
        }
