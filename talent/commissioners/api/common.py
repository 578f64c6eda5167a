"""The commissioner API's blueprint and what its endpoints share."""
from flask import Blueprint, abort, request, url_for

from talent.commissioners import operations
from talent.core.permissions import Permission, acting_user

bp = Blueprint("commissioners_api", __name__, url_prefix="/api/v1")


def reader():
    user = acting_user()
    operations.check_reader(user)
    return user


def manager():
    user = acting_user()
    operations.check_manager(user)
    return user


def load_or_404(model, object_id: int):
    return operations.load_visible(reader(), model, object_id) or abort(404)


def int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def reveal() -> bool:
    return acting_user().can(Permission.ID_NUMBERS_FULL)


def current_fields(obj, names) -> dict:
    """The current values of a record as a form reads them (the base of a PATCH)."""
    values = {}
    for name in names:
        value = getattr(obj, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def created_response(body: dict, endpoint: str, **ids):
    return body, 201, {"Location": url_for(endpoint, **ids)}
