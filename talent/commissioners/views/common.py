"""The staff pages' blueprint and what its pages share: access wrappers, the form page, and
`attempt` (run an operation for a form, refusals onto the form)."""
from datetime import datetime
from functools import wraps

from flask import Blueprint, abort, render_template

from talent.commissioners import operations
from talent.commissioners.forms import (
    AssignmentForm,
    CommissionerPageForm,
    NeedForm,
    ProjectForm,
    RoundForm,
    TargetForm,
)
from talent.core import audit, features, timeutil
from talent.core.errors import Refused
from talent.core.forms import form_labels
from talent.core.permissions import acting_user
from talent.extensions import db

bp = Blueprint("commissioners", __name__, url_prefix="/commissioners")

FIELD_LABELS = {
    "commissioners": form_labels(CommissionerPageForm),
    "selection_rounds": form_labels(RoundForm),
    "service_targets": {**form_labels(TargetForm), "uscc_valid": "代码校验通过"},
    "assignments": form_labels(AssignmentForm),
    "service_logs": {
        "assignment_id": "派驻", "served_on": "服务日期", "kind": "服务类型", "content": "服务内容",
        "hours": "服务时长", "trained_count": "培训人数", "technologies": "推广技术/品种",
        "location": "服务地点", "status": "状态", "confirmed_at": "确认时间",
        "confirmed_by_id": "确认人", "return_comment": "退回意见", "photos": "照片",
        "target_id": "服务对象", "need_id": "回应的技术需求", "need_done": "需求已解决"},
    "commissioner_projects": form_labels(ProjectForm),
    "target_needs": {**form_labels(NeedForm), "closed_at": "解决时间", "posted_via": "登记方式"},
    "commissioner_assessments": {"grade": "考核等次", "note": "考核意见", "year": "年度"},
}


def history_of(table: str, object_id: int) -> dict:
    """What a record's page needs for its 变更记录 panel."""
    return {"history": audit.history(table, object_id), "action_labels": features.audit_actions(),
            "field_labels": FIELD_LABELS[table]}


def staff_page(view):
    """Staff pages: 县科工信局, 县委组织部 and admin; another unit's staff get 403."""

    @wraps(view)
    def checked(*args, **kwargs):
        if not operations.can_read_all(acting_user()):
            abort(403)
        return view(*args, **kwargs)

    return checked


def manager_page(view):
    @wraps(view)
    def checked(*args, **kwargs):
        if not operations.can_manage(acting_user()):
            abort(403)
        return view(*args, **kwargs)

    return checked


def load_or_404(model, object_id: int):
    return operations.load_visible(acting_user(), model, object_id) or abort(404)


def attempt(form, action):
    """Run an operation for a form page and commit; a refusal becomes messages on the form, so
    what the clerk typed is kept."""
    try:
        result = action()
    except Refused as error:
        db.session.rollback()
        placed = False
        for name, messages in error.fields.items():
            if name in form:
                form[name].errors = [*form[name].errors, *messages]
                placed = True
        if not placed:
            form.form_errors.append(error.message)
        return None
    db.session.commit()
    return result


def form_page(form, title: str, layout: list, cancel: str, warning: str | None = None,
               **extra):
    return render_template("commissioners/form.html", form=form, title=title, layout=layout,
                           cancel=cancel, warning=warning, **extra)


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def stamp() -> str:
    return datetime.now(timeutil.CHINA).strftime("%Y%m%d-%H%M")
