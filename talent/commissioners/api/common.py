"""The commissioner API's blueprint and what its endpoints share."""
from flask import Blueprint, abort, request, url_for

from talent.commissioners import operations
from talent.core.api import json_body
from talent.core.permissions import Permission, acting_user
from talent.extensions import db

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


def create_record(make_form, create, defaults: dict | None = None):
    """The staff POST: validate the body (over ``defaults``) with ``make_form(body, base)``, run
    the ``create(actor, values)`` operation, commit; returns the new record."""
    actor = manager()
    form = make_form(json_body(), defaults or {})
    record = create(actor, form.values())
    db.session.commit()
    return record


def patch_record(model, object_id: int, fields, make_form, update):
    """The staff PATCH: load (404), validate the body over the record's current ``fields``, run
    the ``update(actor, record, values)`` operation, commit; returns the record."""
    actor = manager()
    record = load_or_404(model, object_id)
    form = make_form(json_body(), current_fields(record, fields))
    update(actor, record, form.values())
    db.session.commit()
    return record
