"""Shared pieces of the task tracker's pages: the blueprint, loaders, the 403 guard."""
from functools import wraps

from flask import Blueprint, abort, flash

from talent.extensions import db
from talent.tasks import operations
from talent.tasks.models import TaskItem
from talent.tasks.operations import NotYourItem

bp = Blueprint("tasks", __name__, url_prefix="/tasks")

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def forbidden_when_not_theirs(view):
    """An object-level refusal (not this unit's item, not the office) is a 403."""

    @wraps(view)
    def guarded(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NotYourItem:
            abort(403)

    return guarded


def _plan(plan_id: int):
    return operations.load_plan(plan_id) or abort(404)


def _item(item_id: int) -> TaskItem:
    return db.session.get(TaskItem, item_id) or abort(404)


def _form_errors(form) -> None:
    for messages in form.errors.values():
        for message in messages:
            flash(message, "danger")


def _no_store(response):
    """An export is a record of its moment: never kept in a browser or proxy cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
